/// Writing ONNX messages with the field numbers of the official `onnx.proto`.
extension ONNXModel {
    /// The model as the bytes of an `.onnx` file.
    public func serialized() -> [UInt8] {
        var writer = ProtobufWriter()
        writer.int(1, irVersion)
        writer.string(2, producerName)
        writer.string(3, producerVersion)
        writer.message(7) { graph.encode(into: &$0) }
        for (domain, version) in opsetImports {
            writer.message(8) { opset in
                if !domain.isEmpty { opset.string(1, domain) }
                opset.int(2, version)
            }
        }
        for (key, value) in metadata {
            writer.message(14) { entry in
                entry.string(1, key)
                entry.string(2, value)
            }
        }
        return writer.bytes
    }
}

extension ONNXGraph {
    func encode(into writer: inout ProtobufWriter) {
        for node in nodes { writer.message(1) { node.encode(into: &$0) } }
        writer.string(2, name)
        for tensor in initializers { writer.message(5) { tensor.encode(into: &$0) } }
        for input in inputs { writer.message(11) { input.encode(into: &$0) } }
        for output in outputs { writer.message(12) { output.encode(into: &$0) } }
    }
}

extension ONNXNode {
    func encode(into writer: inout ProtobufWriter) {
        for input in inputs { writer.string(1, input) }
        for output in outputs { writer.string(2, output) }
        writer.string(3, name)
        writer.string(4, opType)
        for attribute in attributes { writer.message(5) { attribute.encode(into: &$0) } }
        if !domain.isEmpty { writer.string(7, domain) }
    }
}

extension ONNXAttribute {
    /// `AttributeProto.AttributeType` of each kind of value.
    var typeCode: Int {
        switch value {
        case .float: 1
        case .int: 2
        case .string: 3
        case .tensor: 4
        case .floats: 6
        case .ints: 7
        case .strings: 8
        }
    }

    func encode(into writer: inout ProtobufWriter) {
        writer.string(1, name)
        switch value {
        case let .float(number): writer.float(2, number)
        case let .int(number): writer.int(3, number)
        case let .string(text): writer.string(4, text)
        case let .tensor(tensor): writer.message(5) { tensor.encode(into: &$0) }
        case let .floats(numbers): writer.packedFloats(7, numbers)
        case let .ints(numbers): writer.packedInts(8, numbers)
        case let .strings(texts): for text in texts { writer.string(9, text) }
        }
        writer.int(20, typeCode)
    }
}

extension ONNXTensor {
    func encode(into writer: inout ProtobufWriter) {
        writer.packedInts(1, dims)
        writer.int(2, dataType.rawValue)
        writer.string(8, name)
        writer.data(9, rawData)
    }
}

extension ONNXValueInfo {
    func encode(into writer: inout ProtobufWriter) {
        writer.string(1, name)
        writer.message(2) { type in
            type.message(1) { tensorType in
                tensorType.int(1, elementType.rawValue)
                tensorType.message(2) { shapeMessage in
                    for dimension in shape {
                        shapeMessage.message(1) { dim in
                            switch dimension {
                            case let .value(size): dim.int(1, size)
                            case let .parameter(name): dim.string(2, name)
                            }
                        }
                    }
                }
            }
        }
    }
}
