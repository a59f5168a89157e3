import PerceptTensor

/// The cell a recurrent layer runs: LSTM (gates i, f, g, o and a cell state) or GRU (gates
/// r, z, n), in PyTorch's gate order.
public enum RecurrentCell: String, Sendable {
    case lstm, gru

    /// Gates per hidden unit, the row blocks of each weight.
    var gateCount: Int { self == .lstm ? 4 : 3 }
}

/// A multi-layer, optionally bidirectional LSTM or GRU with PyTorch's weight names
/// (`weight_ih_l0`, `weight_hh_l0_reverse`, `bias_ih_l1`, …), layouts and initialisation
/// (all uniform in ±1/√hidden). Input `[time, batch, features]`, or `[batch, time, features]`
/// with `batchFirst`. With `dropout` p > 0, training mode zeroes each output of every layer
/// but the last with probability p (scaling the rest by 1/(1 − p)), drawn from the default
/// generator as ``Dropout`` does; evaluation ignores it.
///
/// ```swift
/// let lstm = try Recurrent(.lstm, inputSize: 8, hiddenSize: 16, layers: 2, bidirectional: true, batchFirst: true)
/// let (output, state) = try lstm.run(sequence)   // output [batch, time, 32]
/// ```
public class Recurrent: Module, Layer {
    /// The final hidden state `[layers · directions, batch, hidden]`, and for an LSTM the
    /// final cell state of the same shape.
    public struct State {
        /// Hidden state.
        public var hidden: Tensor
        /// Cell state (LSTM only).
        public var cell: Tensor?

        /// A state from its tensors.
        public init(hidden: Tensor, cell: Tensor? = nil) {
            self.hidden = hidden
            self.cell = cell
        }
    }

    /// LSTM or GRU.
    public let cell: RecurrentCell
    /// Features per input step.
    public let inputSize: Int
    /// Features of the hidden state.
    public let hiddenSize: Int
    /// Stacked layers.
    public let layerCount: Int
    /// Whether a second pass runs backwards in time.
    public let bidirectional: Bool
    /// Whether the batch axis comes before the time axis.
    public let batchFirst: Bool
    /// The dropout probability between layers (training mode only).
    public let dropout: Float
    /// Per layer and direction: weight_ih, weight_hh, bias_ih, bias_hh (biases optional).
    let weights: [[(name: String, parameter: Parameter)]]

    /// A recurrent layer initialised as PyTorch does.
    public init(_ cell: RecurrentCell, inputSize: Int, hiddenSize: Int, layers: Int = 1, bias: Bool = true,
                bidirectional: Bool = false, batchFirst: Bool = false, dropout: Float = 0) throws {
        guard inputSize > 0, hiddenSize > 0, layers > 0 else {
            throw TensorError.invalidArgument(operation: "Recurrent",
                                              message: "inputSize, hiddenSize and layers must be positive, got \(inputSize), \(hiddenSize), \(layers)")
        }
        guard dropout >= 0, dropout <= 1 else {
            throw TensorError.invalidArgument(operation: "Recurrent", message: "dropout must be in [0, 1], got \(dropout)")
        }
        self.dropout = dropout
        self.cell = cell
        self.inputSize = inputSize
        self.hiddenSize = hiddenSize
        layerCount = layers
        self.bidirectional = bidirectional
        self.batchFirst = batchFirst
        let directions = bidirectional ? 2 : 1
        let initializer = Initializer.fanInUniform(fanIn: hiddenSize)
        let rows = cell.gateCount * hiddenSize
        var weights: [[(name: String, parameter: Parameter)]] = []
        for layer in 0..<layers {
            for direction in 0..<directions {
                let suffix = "_l\(layer)" + (direction == 1 ? "_reverse" : "")
                let columns = layer == 0 ? inputSize : hiddenSize * directions
                var group = [("weight_ih" + suffix, Parameter(try initializer.make([rows, columns]))),
                             ("weight_hh" + suffix, Parameter(try initializer.make([rows, hiddenSize])))]
                if bias {
                    group += [("bias_ih" + suffix, Parameter(try initializer.make([rows]))),
                              ("bias_hh" + suffix, Parameter(try initializer.make([rows])))]
                }
                weights.append(group.map { (name: $0.0, parameter: $0.1) })
            }
        }
        self.weights = weights
        super.init()
    }

    public override func members() -> [(name: String, member: ModuleMember)] {
        weights.flatMap { $0.map { ($0.name, .parameter($0.parameter)) } }
    }

    /// The output sequence alone (see ``run(_:initialState:)``).
    public func forward(_ input: Tensor) throws -> Tensor { try run(input).output }

    /// Runs the sequence: the last layer's outputs `[time, batch, directions · hidden]` (batch
    /// first when `batchFirst`) and the final state. Without `initialState` it starts at zero.
    public func run(_ input: Tensor, initialState: State? = nil) throws -> (output: Tensor, state: State) {
        guard input.rank == 3, input.shape[2] == inputSize else {
            throw TensorError.wrongRank(operation: "Recurrent", expected: "input [time, batch, \(inputSize)] (batch first when batchFirst)", shape: input.shape)
        }
        var sequence = batchFirst ? try input.transposed(0, 1) : input
        let steps = sequence.shape[0], batch = sequence.shape[1], directions = bidirectional ? 2 : 1
        let stateShape = [layerCount * directions, batch, hiddenSize]
        if let initialState {
            guard initialState.hidden.shape == stateShape, cell == .gru || initialState.cell?.shape == stateShape else {
                throw TensorError.shapeMismatch(operation: "Recurrent initial state", shapes: [stateShape, initialState.hidden.shape])
            }
        }
        var finalHidden: [Tensor] = [], finalCell: [Tensor] = []
        for layer in 0..<layerCount {
            var outputs: [Tensor] = []
            for direction in 0..<directions {
                let index = layer * directions + direction
                let hidden = try initialState?.hidden.slice(axis: 0, start: index, end: index + 1).squeezed(0) ?? Tensor.zeros([batch, hiddenSize])
                let cellState = try initialState?.cell?.slice(axis: 0, start: index, end: index + 1).squeezed(0) ?? Tensor.zeros([batch, hiddenSize])
                let (output, lastHidden, lastCell) = try runDirection(sequence, weights: weights[index], reverse: direction == 1,
                                                                      hidden: hidden, cell: cellState, steps: steps)
                outputs.append(output)
                finalHidden.append(lastHidden)
                finalCell.append(lastCell)
            }
            sequence = directions == 1 ? outputs[0] : try Tensor.concatenate(outputs, axis: 2)
            if layer < layerCount - 1 { sequence = try sequence.dropout(dropout, training: isTraining) }
        }
        let state = State(hidden: try Tensor.stack(finalHidden, axis: 0), cell: cell == .lstm ? try Tensor.stack(finalCell, axis: 0) : nil)
        return (batchFirst ? try sequence.transposed(0, 1) : sequence, state)
    }

    /// One direction of one layer over the whole sequence.
    private func runDirection(_ sequence: Tensor, weights: [(name: String, parameter: Parameter)], reverse: Bool,
                              hidden start: Tensor, cell startCell: Tensor, steps: Int) throws -> (Tensor, Tensor, Tensor) {
        let inputWeight = weights[0].parameter.value, hiddenWeight = try weights[1].parameter.value.t
        let inputBias = weights.count > 2 ? weights[2].parameter.value : nil
        let hiddenBias = weights.count > 3 ? weights[3].parameter.value : nil
        // The input projection of every step at once: one large matmul instead of one per step.
        var projected = try sequence.matmul(inputWeight.t)
        if let inputBias { projected = try projected + inputBias }
        var hidden = start, cellState = startCell
        var outputs = [Tensor?](repeating: nil, count: steps)
        for step in reverse ? Array((0..<steps).reversed()) : Array(0..<steps) {
            let fromInput = try projected.slice(axis: 0, start: step, end: step + 1).squeezed(0)
            var fromHidden = try hidden.matmul(hiddenWeight)
            if let hiddenBias { fromHidden = try fromHidden + hiddenBias }
            switch cell {
            case .lstm:
                let gates = try (fromInput + fromHidden).chunk(4, axis: 1)
                let inputGate = gates[0].sigmoid(), forgetGate = gates[1].sigmoid()
                let candidate = gates[2].tanh(), outputGate = gates[3].sigmoid()
                cellState = try forgetGate * cellState + inputGate * candidate
                hidden = try outputGate * cellState.tanh()
            case .gru:
                let inputParts = try fromInput.chunk(3, axis: 1), hiddenParts = try fromHidden.chunk(3, axis: 1)
                let reset = try (inputParts[0] + hiddenParts[0]).sigmoid()
                let update = try (inputParts[1] + hiddenParts[1]).sigmoid()
                let candidate = try (inputParts[2] + reset * hiddenParts[2]).tanh()
                hidden = try (1 - update) * candidate + update * hidden
            }
            outputs[step] = hidden
        }
        return (try Tensor.stack(outputs.compactMap { $0 }, axis: 0), hidden, cellState)
    }
}

/// PyTorch's `nn.LSTM`: a ``Recurrent`` layer with LSTM cells.
public final class LSTM: Recurrent {
    /// An LSTM with PyTorch's defaults.
    public init(inputSize: Int, hiddenSize: Int, layers: Int = 1, bias: Bool = true, bidirectional: Bool = false,
                batchFirst: Bool = false, dropout: Float = 0) throws {
        try super.init(.lstm, inputSize: inputSize, hiddenSize: hiddenSize, layers: layers, bias: bias,
                       bidirectional: bidirectional, batchFirst: batchFirst, dropout: dropout)
    }
}

/// PyTorch's `nn.GRU`: a ``Recurrent`` layer with GRU cells.
public final class GRU: Recurrent {
    /// A GRU with PyTorch's defaults.
    public init(inputSize: Int, hiddenSize: Int, layers: Int = 1, bias: Bool = true, bidirectional: Bool = false,
                batchFirst: Bool = false, dropout: Float = 0) throws {
        try super.init(.gru, inputSize: inputSize, hiddenSize: hiddenSize, layers: layers, bias: bias,
                       bidirectional: bidirectional, batchFirst: batchFirst, dropout: dropout)
    }
}
