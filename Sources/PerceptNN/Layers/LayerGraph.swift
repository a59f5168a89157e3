import PerceptTensor

/// One row of a ``LayerGraph``, as in Ultralytics' model files: where its input comes from
/// (`-1` the previous row, otherwise an absolute row index or, below −1, one counted back),
/// how many times a one-input module is repeated, and the module (built with its arguments).
public struct LayerRow {
    /// The rows read.
    public let from: [Int]
    /// The module run.
    public let module: Module
    /// The module's type name, for summaries.
    public let moduleType: String

    /// A row of one module reading one row; with `repeats` > 1, `make` is called that many
    /// times and the copies run one after another (as a ``Sequential``).
    public init(from: Int = -1, repeats: Int = 1, _ make: () throws -> any Layer) throws {
        guard repeats >= 1 else {
            throw TensorError.invalidArgument(operation: "LayerRow", message: "repeats must be at least 1, got \(repeats)")
        }
        let layers = try (0..<repeats).map { _ in try make() }
        self.from = [from]
        module = repeats == 1 ? layers[0] : Sequential(layers)
        moduleType = String(describing: type(of: layers[0]))
    }

    /// A row of a module that reads several rows (a concatenation, a detection head).
    public init(from: [Int], _ module: any MultiInputLayer) {
        self.from = from
        self.module = module
        moduleType = String(describing: type(of: module))
    }
}

/// Runs Ultralytics-style rows in order, keeping only the outputs later rows read; the rows'
/// modules are its children `model.0`, `model.1`, … (Ultralytics' state-dict names).
///
/// ```swift
/// let net = try LayerGraph([
///     try LayerRow { try ConvNormActivation(3, 16, stride: 2) },          // 0
///     try LayerRow(repeats: 2) { try ConvNormActivation(16, 16) },       // 1
///     LayerRow(from: [-1, 0], Concat()),                                 // 2
/// ])
/// ```
public final class LayerGraph: Module, Layer {
    /// The rows' modules in order.
    public let model: [Module]
    /// Each row's sources, resolved to absolute indices (−1 is the graph's input for row 0).
    public let sources: [[Int]]
    /// The rows whose outputs ``forwardAll(_:)`` returns (by default the last).
    public let outputs: [Int]
    private let kept: Set<Int>

    /// A graph of `rows`; `outputs` (absolute or negative indices) name the rows returned by
    /// ``forwardAll(_:)``. A source that points at a later row or outside the graph throws.
    public init(_ rows: [LayerRow], outputs: [Int] = [-1]) throws {
        guard !rows.isEmpty else { throw TensorError.invalidArgument(operation: "LayerGraph", message: "a graph needs at least one row") }
        var resolved: [[Int]] = []
        for (index, row) in rows.enumerated() {
            guard row.module is any Layer || row.module is any MultiInputLayer else {
                throw TensorError.invalidArgument(operation: "LayerGraph", message: "row \(index): \(row.moduleType) is not a layer")
            }
            if row.from.count != 1, !(row.module is any MultiInputLayer) {
                throw TensorError.invalidArgument(operation: "LayerGraph", message: "row \(index): \(row.moduleType) takes one input, from lists \(row.from)")
            }
            resolved.append(try row.from.map { source in
                let absolute = source < 0 ? index + source : source
                guard absolute < index, absolute >= (index == 0 ? -1 : 0) else {
                    throw TensorError.invalidArgument(operation: "LayerGraph", message: "row \(index): source \(source) is not an earlier row")
                }
                return absolute
            })
        }
        let outputRows = try outputs.map { output in
            let absolute = output < 0 ? rows.count + output : output
            guard (0..<rows.count).contains(absolute) else {
                throw TensorError.invalidArgument(operation: "LayerGraph", message: "output \(output) is not a row of \(rows.count)")
            }
            return absolute
        }
        model = rows.map(\.module)
        sources = resolved
        self.outputs = outputRows
        // A row's output is kept when a row other than the next reads it, or it is returned.
        kept = Set(resolved.enumerated().flatMap { index, from in from.filter { $0 != index - 1 } } + outputRows)
        super.init()
    }

    /// Runs every row and returns the outputs of the rows in ``outputs``.
    public func forwardAll(_ input: Tensor) throws -> [Tensor] {
        var saved: [Int: Tensor] = [-1: input]
        var previous = input
        for (index, module) in model.enumerated() {
            let inputs = sources[index].map { $0 == index - 1 ? previous : saved[$0] ?? previous }
            if let layer = module as? any MultiInputLayer {
                previous = try layer(inputs)
            } else if let layer = module as? any Layer {
                previous = try layer(inputs[0])
            }
            if kept.contains(index) { saved[index] = previous }
        }
        return outputs.map { saved[$0] ?? previous }
    }

    /// Runs every row and returns the first output.
    public func forward(_ input: Tensor) throws -> Tensor { try forwardAll(input)[0] }
}
