/// Reading ONNX files back: the same messages and field numbers as `ONNXEncoding.swift`;
/// fields Percept does not use are skipped, and external (out-of-file) tensor data is
/// reported as such rather than read.
extension ONNXModel {
    /// Decodes the bytes of an `.onnx` file; throws `ProtobufError` where they are not a model.
    public init(serialized bytes: [UInt8]) throws {
        var reader = ProtobufReader(bytes[...])
        var irVersion = 0, opsets: [(domain: String, version: Int)] = [], producer = "", producerVersion = ""
        var graph = ONNXGraph(name: "", nodes: [], initializers: [], inputs: [], outputs: [])
        var metadata: [(key: String, value: String)] = []
        while case let (field, value)? = try reader.next() {
            switch field {
            case 1: irVersion = value.integer ?? 0
            case 2: producer = value.text ?? ""
            case 3: producerVersion = value.text ?? ""
            case 7: graph = try ONNXGraph(message: try Self.message(value, "ModelProto.graph"))
            case 8:
                var opset = (domain: "", version: 0)
                var inner = ProtobufReader(try Self.message(value, "ModelProto.opset_import"))
                while case let (field, value)? = try inner.next() {
                    if field == 1 { opset.domain = value.text ?? "" }
                    if field == 2 { opset.version = value.integer ?? 0 }
                }
                opsets.append(opset)
            case 14:
                var entry = (key: "", value: "")
                var inner = ProtobufReader(try Self.message(value, "ModelProto.metadata_props"))
                while case let (field, value)? = try inner.next() {
                    if field == 1 { entry.key = value.text ?? "" }
                    if field == 2 { entry.value = value.text ?? "" }
                }
                metadata.append(entry)
            default: continue
            }
        }
        self.init(irVersion: irVersion, opsetImports: opsets, producerName: producer, producerVersion: producerVersion,
                  graph: graph, metadata: metadata)
    }

    /// The bytes of an embedded message, or an error naming the field.
    static func message(_ value: ProtobufReader.FieldValue, _ field: String) throws -> ArraySlice<UInt8> {
        guard let bytes = value.data else { throw ProtobufError(offset: 0, message: "\(field) is not a message") }
        return bytes
    }
}

extension ONNXGraph {
    init(message: ArraySlice<UInt8>) throws {
        self.init(name: "", nodes: [], initializers: [], inputs: [], outputs: [])
        var reader = ProtobufReader(message)
        while case let (field, value)? = try reader.next() {
            switch field {
            case 1: nodes.append(try ONNXNode(message: try ONNXModel.message(value, "GraphProto.node")))
            case 2: name = value.text ?? ""
            case 5: initializers.append(try ONNXTensor(message: try ONNXModel.message(value, "GraphProto.initializer")))
            case 11: inputs.append(try ONNXValueInfo(message: try ONNXModel.message(value, "GraphProto.input")))
            case 12: outputs.append(try ONNXValueInfo(message: try ONNXModel.message(value, "GraphProto.output")))
            default: continue
            }
        }
    }
}

extension ONNXNode {
    init(message: ArraySlice<UInt8>) throws {
        self.init(name: "", opType: "", inputs: [], outputs: [])
        var reader = ProtobufReader(message)
        while case let (field, value)? = try reader.next() {
            switch field {
            case 1: inputs.append(value.text ?? "")
            case 2: outputs.append(value.text ?? "")
            case 3: name = value.text ?? ""
            case 4: opType = value.text ?? ""
            case 5: attributes.append(try ONNXAttribute(message: try ONNXModel.message(value, "NodeProto.attribute")))
            case 7: domain = value.text ?? ""
            default: continue
            }
        }
    }
}

extension ONNXAttribute {
    init(message: ArraySlice<UInt8>) throws {
        var name = "", type = 0, float: Float = 0, int = 0, string = "", tensor: ONNXTensor?
        var floats: [Float] = [], ints: [Int] = [], strings: [String] = []
        var reader = ProtobufReader(message)
        while case let (field, value)? = try reader.next() {
            switch field {
            case 1: name = value.text ?? ""
            case 2: float = value.float ?? 0
            case 3: int = value.integer ?? 0
            case 4: string = value.text ?? ""
            case 5: tensor = try ONNXTensor(message: try ONNXModel.message(value, "AttributeProto.t"))
            case 7: floats += Self.floats(value)
            case 8: ints += try value.integers()
            case 9: strings.append(value.text ?? "")
            case 20: type = value.integer ?? 0
            default: continue
            }
        }
        let decoded: ONNXAttributeValue
        switch type {
        case 1: decoded = .float(float)
        case 2: decoded = .int(int)
        case 3: decoded = .string(string)
        case 4: decoded = .tensor(tensor ?? ONNXTensor(name: "", dataType: .float, dims: [0], rawData: []))
        case 6: decoded = .floats(floats)
        case 7: decoded = .ints(ints)
        case 8: decoded = .strings(strings)
        default: throw ProtobufError(offset: 0, message: "attribute \(name) has a type (\(type)) Percept does not read")
        }
        self.init(name, decoded)
    }

    private static func floats(_ value: ProtobufReader.FieldValue) -> [Float] {
        switch value {
        case let .fixed32(bits): return [Float(bitPattern: bits)]
        case let .bytes(packed):
            return stride(from: packed.startIndex, to: packed.endIndex - 3, by: 4).map { offset in
                Float(bitPattern: (0..<4).reduce(UInt32(0)) { $0 | UInt32(packed[offset + $1]) << UInt32(8 * $1) })
            }
        default: return []
        }
    }
}

extension ONNXTensor {
    init(message: ArraySlice<UInt8>) throws {
        var name = "", dims: [Int] = [], type = 0, raw: [UInt8] = []
        var reader = ProtobufReader(message)
        while case let (field, value)? = try reader.next() {
            switch field {
            case 1: dims += try value.integers()
            case 2: type = value.integer ?? 0
            case 8: name = value.text ?? ""
            case 9: raw = Array(value.data ?? [])
            default: continue
            }
        }
        guard let dataType = ONNXDataType(rawValue: type) else {
            throw ProtobufError(offset: 0, message: "tensor \(name) has an element type (\(type)) Percept does not read")
        }
        self.init(name: name, dataType: dataType, dims: dims, rawData: raw)
    }
}

extension ONNXValueInfo {
    init(message: ArraySlice<UInt8>) throws {
        self.init(name: "", elementType: .float, shape: [])
        var reader = ProtobufReader(message)
        while case let (field, value)? = try reader.next() {
            if field == 1 { name = value.text ?? "" }
            guard field == 2 else { continue }
            var typeReader = ProtobufReader(try ONNXModel.message(value, "ValueInfoProto.type"))
            while case let (typeField, typeValue)? = try typeReader.next() {
                guard typeField == 1 else { continue }
                var tensorReader = ProtobufReader(try ONNXModel.message(typeValue, "TypeProto.tensor_type"))
                while case let (tensorField, tensorValue)? = try tensorReader.next() {
                    if tensorField == 1 { elementType = ONNXDataType(rawValue: tensorValue.integer ?? 1) ?? .float }
                    if tensorField == 2 { shape = try Self.shape(try ONNXModel.message(tensorValue, "TypeProto.Tensor.shape")) }
                }
            }
        }
    }

    private static func shape(_ message: ArraySlice<UInt8>) throws -> [ONNXDimension] {
        var reader = ProtobufReader(message), dimensions: [ONNXDimension] = []
        while case let (field, value)? = try reader.next() {
            guard field == 1 else { continue }
            var dimension = ONNXDimension.parameter("?")
            var dimReader = ProtobufReader(try ONNXModel.message(value, "TensorShapeProto.dim"))
            while case let (dimField, dimValue)? = try dimReader.next() {
                if dimField == 1 { dimension = .value(dimValue.integer ?? 0) }
                if dimField == 2 { dimension = .parameter(dimValue.text ?? "?") }
            }
            dimensions.append(dimension)
        }
        return dimensions
    }
}
