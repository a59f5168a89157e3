/// `--half`: the file stores every float32 initialiser as float16 and takes and returns
/// float16 tensors (half the size on disk and on the wire, as Ultralytics' half export);
/// Cast nodes widen the weights and the input to float32 inside the graph, so that CPU
/// runtimes without float16 kernels run it, and narrow the outputs back.
enum HalfPrecision {
    static func convert(_ graph: ONNXGraph) -> ONNXGraph {
        var graph = graph, casts: [ONNXNode] = [], renamed: [String: String] = [:]
        graph.initializers = graph.initializers.map { tensor in
            guard tensor.dataType == .float else { return tensor }
            let half = tensor.floats.flatMap { value -> [UInt8] in
                let bits = Float16(value).bitPattern
                return [UInt8(truncatingIfNeeded: bits), UInt8(truncatingIfNeeded: bits >> 8)]
            }
            let wide = tensor.name + "_float32"
            casts.append(cast(tensor.name, to: wide, .float))
            renamed[tensor.name] = wide
            return ONNXTensor(name: tensor.name, dataType: .float16, dims: tensor.dims, rawData: half)
        }
        for index in graph.inputs.indices where graph.inputs[index].elementType == .float {
            let name = graph.inputs[index].name, wide = name + "_float32"
            graph.inputs[index].elementType = .float16
            casts.append(cast(name, to: wide, .float))
            renamed[name] = wide
        }
        var nodes = graph.nodes.map { node in
            var node = node
            node.inputs = node.inputs.map { renamed[$0] ?? $0 }
            return node
        }
        for index in graph.outputs.indices where graph.outputs[index].elementType == .float {
            let name = graph.outputs[index].name, wide = name + "_float32"
            nodes = nodes.map { node in
                var node = node
                node.outputs = node.outputs.map { $0 == name ? wide : $0 }
                node.inputs = node.inputs.map { $0 == name ? wide : $0 }
                return node
            }
            nodes.append(cast(wide, to: name, .float16))
            graph.outputs[index].elementType = .float16
        }
        graph.nodes = casts + nodes
        return graph
    }

    private static func cast(_ input: String, to output: String, _ type: ONNXDataType) -> ONNXNode {
        ONNXNode(name: "cast:" + output, opType: "Cast", inputs: [input], outputs: [output], attributes: [ONNXAttribute("to", .int(type.rawValue))])
    }
}
