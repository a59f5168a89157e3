import PerceptTensor

/// One line of a model summary.
public struct SummaryRow: Equatable, Sendable {
    /// The layer's dotted name (`features.0`).
    public var name: String
    /// The layer's type (`Conv2d`).
    public var type: String
    /// Nesting depth below the model (1 for its direct children).
    public var depth: Int
    /// The output shape of the call.
    public var outputShape: [Int]
    /// Elements of the layer's own parameters (not its children's), so rows add up.
    public var parameterCount: Int
}

/// Records the layers called during one forward pass, in call order.
final class SummaryTrace {
    @TaskLocal static var current: SummaryTrace?

    let names: [ObjectIdentifier: String]
    let root: ObjectIdentifier
    var rows: [SummaryRow] = []

    init(model: Module) {
        var names: [ObjectIdentifier: String] = [:]
        for (name, module) in model.namedModules() where names[ObjectIdentifier(module)] == nil {
            names[ObjectIdentifier(module)] = name
        }
        self.names = names
        root = ObjectIdentifier(model)
    }

    /// Opens a row for `layer` (nil for the model itself), so rows appear in call order.
    func begin(_ layer: Module) -> Int? {
        guard ObjectIdentifier(layer) != root else { return nil }
        let name = names[ObjectIdentifier(layer)] ?? String(describing: type(of: layer))
        let own = layer.members().reduce(0) { total, entry in
            if case .parameter(let parameter) = entry.member { return total + parameter.count }
            return total
        }
        rows.append(SummaryRow(name: name, type: String(describing: type(of: layer)),
                               depth: name.split(separator: ".").count, outputShape: [], parameterCount: own))
        return rows.count - 1
    }

    func end(_ row: Int?, outputShape: [Int]) {
        if let row { rows[row].outputShape = outputShape }
    }
}

extension Layer {
    /// Runs one forward pass on zeros of `inputShape` (without recording gradients, in the
    /// current mode) and returns, per layer called, its name, type, output shape and own
    /// parameter count, like torchsummary's table.
    public func summary(inputShape: [Int]) throws -> [SummaryRow] {
        let trace = SummaryTrace(model: self)
        _ = try SummaryTrace.$current.withValue(trace) {
            try withoutGrad { try self(Tensor.zeros(inputShape)) }
        }
        return trace.rows
    }
}
