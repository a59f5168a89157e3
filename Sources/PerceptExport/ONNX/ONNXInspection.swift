import Foundation

/// What an `.onnx` file holds, for `percept weights inspect`: inputs, outputs, operator sets,
/// node counts by operator, initialisers and metadata.
public struct ONNXInspection: Sendable, Equatable {
    /// One initialiser.
    public struct Initializer: Sendable, Equatable {
        /// Its name.
        public var name: String
        /// Its element type.
        public var dataType: String
        /// Its shape.
        public var shape: [Int]
        /// Bytes of data stored in the file.
        public var byteCount: Int
    }

    /// The file inspected.
    public var path: String
    /// The decoded model.
    public var model: ONNXModel
    /// Nodes per operator type, sorted by type.
    public var operatorCounts: [(type: String, count: Int)] {
        Dictionary(grouping: model.graph.nodes, by: \.opType).map { (type: $0.key, count: $0.value.count) }.sorted { $0.type < $1.type }
    }
    /// The initialisers in file order.
    public var initializers: [Initializer] {
        model.graph.initializers.map { Initializer(name: $0.name, dataType: $0.dataType.description, shape: $0.dims, byteCount: $0.rawData.count) }
    }

    /// Reads and decodes the file; a damaged one throws `ONNXFileError` naming it.
    public init(path: String) throws {
        self.path = path
        guard let data = FileManager.default.contents(atPath: path) else { throw ONNXFileError.unreadable(file: path) }
        do {
            model = try ONNXModel(serialized: [UInt8](data))
        } catch let error as ProtobufError {
            throw ONNXFileError.malformed(file: path, detail: error.description)
        }
        guard model.opset != nil else { throw ONNXFileError.malformed(file: path, detail: "no default-domain opset_import: not an ONNX model") }
    }

    public static func == (a: ONNXInspection, b: ONNXInspection) -> Bool { a.path == b.path && a.model == b.model }
}

/// An `.onnx` file that cannot be read.
public enum ONNXFileError: Error, Equatable, CustomStringConvertible {
    case unreadable(file: String)
    case malformed(file: String, detail: String)

    public var description: String {
        switch self {
        case let .unreadable(file): "\(file): error: cannot read the file"
        case let .malformed(file, detail): "\(file): error: not a valid ONNX model: \(detail)"
        }
    }
}
