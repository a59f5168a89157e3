import Testing
import PerceptTensor
@testable import PerceptNN

extension PerceptNNTests {
    @Suite("Dropout between recurrent layers")
    struct RecurrentDropoutTests {
        static let cells: [RecurrentCell] = [.lstm, .gru]

        /// A two-layer recurrent layer with weights from `seed`.
        static func make(_ cell: RecurrentCell, dropout: Float, seed: UInt64 = 3) throws -> Recurrent {
            Tensor.manualSeed(seed)
            return try Recurrent(cell, inputSize: 3, hiddenSize: 16, layers: 2, dropout: dropout)
        }

        static func sequence() -> Tensor {
            var generator = RandomGenerator(seed: 8)
            return Tensor.randomNormal([20, 8, 3], generator: &generator)
        }

        @Test("evaluation ignores the dropout; training with p = 0 equals no dropout", arguments: cells)
        func inactive(cell: RecurrentCell) throws {
            let plain = try Self.make(cell, dropout: 0), dropping = try Self.make(cell, dropout: 0.5)
            let expected = try plain(Self.sequence()).toArray()
            dropping.eval()
            #expect(try dropping(Self.sequence()).toArray() == expected)
            let zero = try Self.make(cell, dropout: 0)
            zero.train()
            #expect(try zero(Self.sequence()).toArray() == expected)
        }

        @Test("training drops the first layer's outputs from the default generator, scaling the rest", arguments: cells)
        func active(cell: RecurrentCell) throws {
            let probability: Float = 0.4
            let model = try Self.make(cell, dropout: probability)
            let plainOutput = try Self.make(cell, dropout: 0)(Self.sequence()).toArray()
            Tensor.manualSeed(21)
            let output = try model(Self.sequence()).toArray()
            #expect(output != plainOutput)

            // The same computation by hand: layer 0, dropout from the same generator state, layer 1.
            let state = model.stateDict()
            let first = try Recurrent(cell, inputSize: 3, hiddenSize: 16)
            try first.load(state.filter { $0.key.hasSuffix("_l0") })
            let second = try Recurrent(cell, inputSize: 16, hiddenSize: 16)
            try second.load(Dictionary(uniqueKeysWithValues: state.filter { $0.key.hasSuffix("_l1") }.map {
                (String($0.key.dropLast(3)) + "_l0", $0.value)
            }))
            let between = try first(Self.sequence())
            Tensor.manualSeed(21)
            let dropped = try between.dropout(probability, training: true)
            #expect(try second(dropped).toArray() == output)

            let pairs = zip(between.toArray(), dropped.toArray()).filter { $0.0 != 0 }
            let zeroFraction = Double(pairs.filter { $0.1 == 0 }.count) / Double(pairs.count)
            #expect(abs(zeroFraction - Double(probability)) < 0.04, "dropped \(zeroFraction) of \(pairs.count)")
            #expect(pairs.filter { $0.1 != 0 }.allSatisfy { abs($0.1 - $0.0 / (1 - probability)) <= 1e-6 * abs($0.1) + 1e-7 })
        }

        @Test("dropout changes neither the weight names nor the output shape", arguments: cells)
        func namesAndShapes(cell: RecurrentCell) throws {
            let plain = try Self.make(cell, dropout: 0), dropping = try Self.make(cell, dropout: 0.3)
            #expect(dropping.stateDictKeys() == plain.stateDictKeys())
            #expect(try dropping(Self.sequence()).shape == [20, 8, 16])
            #expect(throws: TensorError.self) { _ = try Recurrent(cell, inputSize: 3, hiddenSize: 4, dropout: 1.5) }
        }
    }
}
