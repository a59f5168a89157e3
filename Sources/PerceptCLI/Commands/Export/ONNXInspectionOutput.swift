import Foundation
import Percept

/// `percept weights inspect FILE.onnx`: the graph's inputs and outputs, operator sets, node
/// counts by operator, initialisers and metadata, as a table or one JSON object.
enum ONNXInspectionOutput {
    static func shape(_ dimensions: [ONNXDimension]) -> String { "[" + dimensions.map(\.description).joined(separator: ", ") + "]" }

    static func table(_ inspection: ONNXInspection) -> String {
        // Names and metadata come from the file: control characters are escaped, not sent to the terminal.
        func shown(_ text: String) -> String { escapedForMessage(text, limit: .max) }
        let model = inspection.model
        var lines = ["\(shown(inspection.path)): ONNX IR \(model.irVersion), producer \(shown(model.producerName)) \(shown(model.producerVersion))"]
        lines += model.opsetImports.map { "opset \($0.domain.isEmpty ? "ai.onnx" : shown($0.domain)) \($0.version)" }
        lines += model.graph.inputs.map { "input \(shown($0.name)): \($0.elementType) \(shape($0.shape))" }
        lines += model.graph.outputs.map { "output \(shown($0.name)): \($0.elementType) \(shape($0.shape))" }
        lines.append("nodes: " + inspection.operatorCounts.map { "\(shown($0.type)) \($0.count)" }.joined(separator: ", "))
        for initializer in inspection.initializers {
            lines.append("initializer \(shown(initializer.name)): \(initializer.dataType) [\(initializer.shape.map(String.init).joined(separator: ", "))] \(initializer.byteCount) bytes")
        }
        lines += model.metadata.map { "metadata \(shown($0.key)): \(shown($0.value))" }
        let total = inspection.initializers.reduce(0) { $0 + $1.byteCount }
        lines.append("\(model.graph.nodes.count) nodes, \(inspection.initializers.count) initializers, \(total) bytes of weights")
        return lines.joined(separator: "\n")
    }

    static func json(_ inspection: ONNXInspection) throws -> String {
        let model = inspection.model
        func values(_ infos: [ONNXValueInfo]) -> [[String: Any]] {
            infos.map { info -> [String: Any] in
                ["name": info.name, "dtype": info.elementType.description, "shape": info.shape.map { dimension -> Any in
                    if case let .value(size) = dimension { return size }
                    return dimension.description
                }]
            }
        }
        let document: [String: Any] = [
            "file": inspection.path, "format": "onnx", "ir_version": model.irVersion,
            "producer": ["name": model.producerName, "version": model.producerVersion],
            "opsets": model.opsetImports.map { ["domain": $0.domain, "version": $0.version] as [String: Any] },
            "inputs": values(model.graph.inputs), "outputs": values(model.graph.outputs),
            "nodes": Dictionary(uniqueKeysWithValues: inspection.operatorCounts.map { ($0.type, $0.count) }),
            "initializers": inspection.initializers.map { ["name": $0.name, "dtype": $0.dataType, "shape": $0.shape, "bytes": $0.byteCount] as [String: Any] },
            "metadata": Dictionary(model.metadata.map { ($0.key, $0.value) }, uniquingKeysWith: { first, _ in first }),
        ]
        let data = try JSONSerialization.data(withJSONObject: document, options: [.sortedKeys])
        return String(decoding: data, as: UTF8.self)
    }
}
