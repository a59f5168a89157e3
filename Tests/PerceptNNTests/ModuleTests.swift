import Foundation
import Testing
import PerceptTensor
@testable import PerceptNN

/// A small network with nested children, arrays and optionals, to check names.
final class TinyNet: Module, Layer {
    var features = Sequential(try! Linear(3, 4), ReLU(), try! Linear(4, 4))
    var blocks: [Linear] = [try! Linear(4, 4), try! Linear(4, 4)]
    var extra: Linear? = nil
    var fc = try! Linear(4, 2)
    let runningMean = Buffer(Tensor.zeros([4]))

    func forward(_ input: Tensor) throws -> Tensor {
        var x = try features(input)
        for block in blocks { x = try block(x).relu() }
        if let extra { x = try extra(x) }
        return try fc(x)
    }
}

extension PerceptNNTests {
    @Suite("Modules: names, state dicts, freezing, summaries")
    struct ModuleTests {
        @Test("parameters and buffers get PyTorch's state-dict names")
        func names() {
            let net = TinyNet()
            #expect(net.stateDictKeys() == [
                "features.0.weight", "features.0.bias", "features.2.weight", "features.2.bias",
                "blocks.0.weight", "blocks.0.bias", "blocks.1.weight", "blocks.1.bias",
                "fc.weight", "fc.bias", "running_mean",
            ])
            net.extra = try? Linear(4, 4, bias: false)
            #expect(net.namedParameters().map(\.name).contains("extra.weight"))
            #expect(net.parameterCounts == ParameterCounts(total: 16 + 20 + 40 + 16 + 10, trainable: 102, frozen: 0))
        }

        @Test("a state dict with a missing key, an extra key and a wrong shape throws one error listing all three")
        func loadReportsEverything() throws {
            let net = TinyNet()
            var state = net.stateDict()
            state["fc.bias"] = nil
            state["fc.scale"] = Tensor.ones([2])
            state["blocks.1.weight"] = Tensor.zeros([4, 5])
            let before = net.fc.weight.value.toArray()
            state["fc.weight"] = Tensor.zeros([2, 4])
            #expect(throws: StateDictError(source: "net.safetensors", missingKeys: ["fc.bias"], unexpectedKeys: ["fc.scale"],
                                           shapeMismatches: [.init(key: "blocks.1.weight", expected: [4, 4], found: [4, 5])])) {
                try net.load(state, source: "net.safetensors")
            }
            #expect(net.fc.weight.value.toArray() == before, "nothing is loaded when the state dict does not fit")
            let message = String(describing: StateDictError(source: nil, missingKeys: ["a"], unexpectedKeys: ["b"],
                                                            shapeMismatches: [.init(key: "c", expected: [1], found: [2])]))
            #expect(message.contains("missing keys: a") && message.contains("unexpected keys: b") && message.contains("c (module [1], state dict [2])"))
        }

        @Test("non-strict loading skips missing and unexpected keys but not wrong shapes")
        func nonStrict() throws {
            let source = TinyNet(), target = TinyNet()
            var state = source.stateDict()
            state["fc.bias"] = nil
            state["head.weight"] = Tensor.ones([1])
            try target.load(state, strict: false)
            #expect(target.fc.weight.value.toArray() == source.fc.weight.value.toArray())
            state["fc.weight"] = Tensor.zeros([3, 4])
            #expect(throws: StateDictError.self) { try target.load(state, strict: false) }
        }

        @Test("a new head replaces a child after loading, and the names follow")
        func replaceHead() throws {
            let net = TinyNet()
            try net.load(TinyNet().stateDict())
            net.fc = try Linear(4, 7)
            #expect(net.stateDict()["fc.weight"]?.shape == [7, 4])
            #expect(try net(Tensor.zeros([2, 3])).shape == [2, 7])
        }

        @Test("freezing by prefix and glob patterns, and counts of frozen parameters")
        func freezingPatterns() throws {
            let net = TinyNet()
            try net.freeze(matching: ["features", "blocks.*.bias"])
            let frozen = net.namedParameters().filter { $0.parameter.isFrozen }.map(\.name)
            #expect(frozen == ["features.0.weight", "features.0.bias", "features.2.weight", "features.2.bias", "blocks.0.bias", "blocks.1.bias"])
            #expect(net.parameterCounts.frozen == 16 + 20 + 8)
            #expect(net.parameters(trainableOnly: true).count == 4)
            net.unfreeze(where: { $0.hasPrefix("features.2") })
            #expect(net.parameterCounts.frozen == 16 + 8)
            #expect(!NamePattern("block").matches("blocks.0.weight"))
        }

        @Test("after freezing everything but fc, one training step changes only fc")
        func freezingStep() throws {
            // A fixed draw: with some weights every ReLU of the tiny net is off for all five inputs,
            // and then fc.weight has no gradient to change it.
            Tensor.manualSeed(7)
            let net = TinyNet()
            net.freeze(where: { !$0.hasPrefix("fc.") })
            let before = net.stateDict()
            let optimizer = try SGD(net, learningRate: 0.1, momentum: 0.9)
            let loss = try Loss.meanSquaredError(net(Tensor.randomNormal([5, 3])), Tensor.randomNormal([5, 2]))
            try loss.backward()
            try optimizer.step()
            for (name, value) in net.stateDict() {
                let changed = value.toArray() != before[name]?.toArray()
                #expect(changed == name.hasPrefix("fc."), "\(name) changed: \(changed)")
            }
        }

        @Test("batch-norm running statistics of an eval-mode frozen backbone do not move while the head trains")
        func frozenBackboneStatistics() throws {
            let backbone = Sequential(try Linear(3, 4), try BatchNorm1d(4), ReLU())
            let head = try Linear(4, 2)
            let model = Sequential(backbone, head)
            model.freeze(where: { $0.hasPrefix("0.") })
            backbone.eval()
            let statistics = backbone.namedBuffers().map { ($0.name, $0.buffer.value.toArray()) }
            let headBefore = head.weight.value.toArray()
            let optimizer = try SGD(model, learningRate: 0.1)
            try Loss.meanSquaredError(model(Tensor.randomNormal([6, 3])), Tensor.randomNormal([6, 2])).backward()
            try optimizer.step()
            #expect(backbone.namedBuffers().map { ($0.name, $0.buffer.value.toArray()) }.elementsEqual(statistics) { $0 == $1 })
            #expect(head.weight.value.toArray() != headBefore)
            #expect(backbone.namedBuffers().map(\.name) == ["1.running_mean", "1.running_var", "1.num_batches_tracked"])
        }

        @Test("train and eval switch every descendant")
        func modes() {
            let net = TinyNet()
            net.eval()
            #expect(net.namedModules().allSatisfy { !$0.module.isTraining })
            net.train()
            #expect(net.features.layers[1].isTraining)
        }

        @Test("the summary lists each layer called with its output shape and own parameters")
        func summary() throws {
            let rows = try TinyNet().summary(inputShape: [2, 3])
            #expect(rows.map(\.name) == ["features", "features.0", "features.1", "features.2", "blocks.0", "blocks.1", "fc"])
            #expect(rows.map(\.outputShape) == [[2, 4], [2, 4], [2, 4], [2, 4], [2, 4], [2, 4], [2, 2]])
            #expect(rows.map(\.parameterCount) == [0, 16, 0, 20, 20, 20, 10])
            #expect(rows.map(\.parameterCount).reduce(0, +) == TinyNet().parameterCounts.total)
        }

        @Test("the course's worked example: sigmoid network gives 0.35 and 0.85")
        func workedExample() throws {
            let hidden = try Linear(3, 3, bias: false), output = try Linear(3, 2, bias: false)
            hidden.weight.assign(try Tensor([1, -2, 2, 2, 1, -4, 1, -1, 0], shape: [3, 3]))
            output.weight.assign(try Tensor([-3, 1, -3, 0, 1, 2], shape: [2, 3]))
            let network = Sequential(hidden, Sigmoid(), output, Sigmoid())
            let result = try network(Tensor([0.5, 0.9, -0.3], shape: [1, 3])).toArray()
            #expect(result.map { ($0 * 100).rounded() / 100 } == [0.35, 0.85])
        }

        @Test("a small MLP learns XOR")
        func xor() throws {
            Tensor.manualSeed(3)
            let network = Sequential(try Linear(2, 8), Tanh(), try Linear(8, 1))
            let inputs = try Tensor([0, 0, 0, 1, 1, 0, 1, 1], shape: [4, 2]), targets = try Tensor([0, 1, 1, 0], shape: [4, 1])
            let optimizer = try Adam(network, learningRate: 0.05)
            for _ in 0..<300 {
                optimizer.zeroGrad()
                try Loss.binaryCrossEntropyWithLogits(network(inputs), targets).backward()
                try optimizer.step()
            }
            let predictions = try withoutGrad { try network(inputs).sigmoid() }.toArray()
            #expect(predictions.map { $0 > 0.5 } == [false, true, true, false], "\(predictions)")
        }

        @Test("model files carry the architecture and configuration and load back")
        func modelFile() throws {
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("nn-model-\(UUID()).safetensors").path
            defer { try? FileManager.default.removeItem(atPath: path) }
            let net = TinyNet()
            try net.save(to: path, architecture: "tiny", configuration: #"{"width":4}"#)
            let file = try ModelFile.read(from: path)
            #expect(file.architecture == "tiny" && file.configuration == #"{"width":4}"#)
            let copy = TinyNet()
            try copy.loadWeights(from: path)
            #expect(copy.stateDict().keys.allSatisfy { copy.stateDict()[$0]?.toArray() == net.stateDict()[$0]?.toArray() })
            #expect(throws: ModelFileError.architectureMismatch(file: path, expected: "resnet18", found: "tiny")) {
                try ModelFile.read(from: path, expectedArchitecture: "resnet18")
            }
        }
    }
}
