/// The parts of ONNX's `onnx.proto` that Percept writes and reads: a model, its graph, nodes,
/// attributes, tensors and typed values. Field numbers are the official schema's; the
/// encoding is in `ONNXEncoding.swift`, the decoding in `ONNXDecoding.swift`.

/// An element type of ONNX's `TensorProto.DataType`.
public enum ONNXDataType: Int, Sendable, CustomStringConvertible {
    case float = 1, uint8 = 2, int8 = 3, uint16 = 4, int16 = 5, int32 = 6, int64 = 7, string = 8, bool = 9
    case float16 = 10, double = 11, uint32 = 12, uint64 = 13, bfloat16 = 16

    /// Bytes per element (strings: 0, they have no fixed size).
    public var byteSize: Int {
        switch self {
        case .bool, .uint8, .int8: 1
        case .float16, .bfloat16, .uint16, .int16: 2
        case .float, .int32, .uint32: 4
        case .int64, .double, .uint64: 8
        case .string: 0
        }
    }

    public var description: String {
        switch self {
        case .float: "float32"
        case .uint8: "uint8"
        case .int8: "int8"
        case .uint16: "uint16"
        case .int16: "int16"
        case .int32: "int32"
        case .int64: "int64"
        case .string: "string"
        case .bool: "bool"
        case .float16: "float16"
        case .double: "float64"
        case .uint32: "uint32"
        case .uint64: "uint64"
        case .bfloat16: "bfloat16"
        }
    }
}

/// A constant tensor (`TensorProto`): an initialiser or an attribute value, its data raw and
/// little-endian.
public struct ONNXTensor: Sendable, Equatable {
    /// The name (an initialiser's is the value it defines).
    public var name: String
    /// The element type.
    public var dataType: ONNXDataType
    /// The shape.
    public var dims: [Int]
    /// The elements, little-endian, in row-major order.
    public var rawData: [UInt8]

    /// A tensor from its parts.
    public init(name: String, dataType: ONNXDataType, dims: [Int], rawData: [UInt8]) {
        self.name = name
        self.dataType = dataType
        self.dims = dims
        self.rawData = rawData
    }

    /// A float32 tensor.
    public init(name: String, dims: [Int], floats: [Float]) {
        self.init(name: name, dataType: .float, dims: dims, rawData: floats.flatMap { value in
            (0..<4).map { UInt8(truncatingIfNeeded: value.bitPattern >> UInt32(8 * $0)) }
        })
    }

    /// An int64 tensor.
    public init(name: String, dims: [Int], int64s: [Int]) {
        self.init(name: name, dataType: .int64, dims: dims, rawData: int64s.flatMap { value in
            (0..<8).map { UInt8(truncatingIfNeeded: UInt64(bitPattern: Int64(value)) >> UInt64(8 * $0)) }
        })
    }

    /// The number of elements.
    public var count: Int { dims.reduce(1, *) }

    /// The elements of a float32 tensor.
    public var floats: [Float] {
        stride(from: 0, to: rawData.count - 3, by: 4).map { offset in
            Float(bitPattern: (0..<4).reduce(UInt32(0)) { $0 | UInt32(rawData[offset + $1]) << UInt32(8 * $1) })
        }
    }
}

/// An attribute value (`AttributeProto` with its `type`).
public enum ONNXAttributeValue: Sendable, Equatable {
    case float(Float)
    case int(Int)
    case string(String)
    case tensor(ONNXTensor)
    case floats([Float])
    case ints([Int])
    case strings([String])
}

/// A named attribute of a node.
public struct ONNXAttribute: Sendable, Equatable {
    /// The attribute's name in the operator's schema.
    public var name: String
    /// Its value.
    public var value: ONNXAttributeValue

    /// An attribute from its parts.
    public init(_ name: String, _ value: ONNXAttributeValue) {
        self.name = name
        self.value = value
    }
}

/// One operator application (`NodeProto`).
public struct ONNXNode: Sendable, Equatable {
    /// A readable name (Percept uses the layer's state-dict name).
    public var name: String
    /// The operator, e.g. `Conv`.
    public var opType: String
    /// Input value names; "" for an optional input left out.
    public var inputs: [String]
    /// Output value names.
    public var outputs: [String]
    /// The operator's options.
    public var attributes: [ONNXAttribute]
    /// The operator set's domain ("" is the default ONNX domain).
    public var domain: String

    /// A node from its parts.
    public init(name: String, opType: String, inputs: [String], outputs: [String], attributes: [ONNXAttribute] = [], domain: String = "") {
        self.name = name
        self.opType = opType
        self.inputs = inputs
        self.outputs = outputs
        self.attributes = attributes
        self.domain = domain
    }
}

/// One axis of a value's shape: a fixed size or a named, free one (a dynamic batch).
public enum ONNXDimension: Sendable, Equatable, CustomStringConvertible {
    case value(Int)
    case parameter(String)

    public var description: String {
        switch self {
        case let .value(size): String(size)
        case let .parameter(name): name
        }
    }
}

/// A graph input or output with its tensor type (`ValueInfoProto` over `TypeProto.Tensor`).
public struct ONNXValueInfo: Sendable, Equatable {
    /// The value's name.
    public var name: String
    /// The element type.
    public var elementType: ONNXDataType
    /// The shape.
    public var shape: [ONNXDimension]

    /// A value description from its parts.
    public init(name: String, elementType: ONNXDataType, shape: [ONNXDimension]) {
        self.name = name
        self.elementType = elementType
        self.shape = shape
    }
}

/// A computation graph (`GraphProto`).
public struct ONNXGraph: Sendable, Equatable {
    /// The graph's name.
    public var name: String
    /// The nodes in topological order.
    public var nodes: [ONNXNode]
    /// The constants (weights), by name.
    public var initializers: [ONNXTensor]
    /// The inputs a caller feeds.
    public var inputs: [ONNXValueInfo]
    /// The outputs.
    public var outputs: [ONNXValueInfo]

    /// A graph from its parts.
    public init(name: String, nodes: [ONNXNode], initializers: [ONNXTensor], inputs: [ONNXValueInfo], outputs: [ONNXValueInfo]) {
        self.name = name
        self.nodes = nodes
        self.initializers = initializers
        self.inputs = inputs
        self.outputs = outputs
    }
}

/// A whole ONNX file (`ModelProto`).
public struct ONNXModel: Sendable, Equatable {
    /// The IR version the file follows.
    public var irVersion: Int
    /// The operator sets used, as (domain, version); the default domain is "".
    public var opsetImports: [(domain: String, version: Int)]
    /// The tool that wrote the file.
    public var producerName: String
    /// Its version.
    public var producerVersion: String
    /// The graph.
    public var graph: ONNXGraph
    /// Free-form metadata (`metadata_props`) in order.
    public var metadata: [(key: String, value: String)]

    /// A model from its parts.
    public init(irVersion: Int, opsetImports: [(domain: String, version: Int)], producerName: String, producerVersion: String,
                graph: ONNXGraph, metadata: [(key: String, value: String)]) {
        self.irVersion = irVersion
        self.opsetImports = opsetImports
        self.producerName = producerName
        self.producerVersion = producerVersion
        self.graph = graph
        self.metadata = metadata
    }

    /// The default domain's operator set version, or nil.
    public var opset: Int? { opsetImports.first { $0.domain == "" || $0.domain == "ai.onnx" }?.version }

    public static func == (a: ONNXModel, b: ONNXModel) -> Bool {
        a.irVersion == b.irVersion && a.opsetImports.elementsEqual(b.opsetImports, by: { $0 == $1 })
            && a.producerName == b.producerName && a.producerVersion == b.producerVersion && a.graph == b.graph
            && a.metadata.elementsEqual(b.metadata, by: { $0 == $1 })
    }
}
