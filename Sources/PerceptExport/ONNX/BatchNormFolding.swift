/// Folds each BatchNormalization that follows a Conv (and is that Conv's only reader) into
/// the Conv's weights and bias: `W' = W·s`, `b' = (b − mean)·s + β` with `s = γ/√(var + ε)`
/// per output channel, as inference exporters do. The Conv keeps its weight's state-dict
/// name; a Conv without bias gets one named after its weight (`conv1.weight` → `conv1.bias`).
enum BatchNormFolding {
    static func fold(nodes: [ONNXNode], initializers: [ONNXTensor], graphOutputs: Set<String>) -> (nodes: [ONNXNode], initializers: [ONNXTensor]) {
        var nodes = nodes, tensors = Dictionary(initializers.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        var readers: [String: Int] = [:]
        for node in nodes { for input in node.inputs where !input.isEmpty { readers[input, default: 0] += 1 } }
        var producer: [String: Int] = [:]
        for (index, node) in nodes.enumerated() { for output in node.outputs { producer[output] = index } }
        var removed = Set<Int>(), order = initializers.map(\.name)
        for (index, node) in nodes.enumerated() where node.opType == "BatchNormalization" && node.inputs.count == 5 {
            guard let convIndex = producer[node.inputs[0]], nodes[convIndex].opType == "Conv",
                  readers[node.inputs[0]] == 1, !graphOutputs.contains(node.inputs[0]) else { continue }
            let conv = nodes[convIndex]
            guard let weight = tensors[conv.inputs[1]], readers[weight.name] == 1,
                  let gamma = tensors[node.inputs[1]], let beta = tensors[node.inputs[2]],
                  let mean = tensors[node.inputs[3]], let variance = tensors[node.inputs[4]] else { continue }
            let bias = conv.inputs.count > 2 ? tensors[conv.inputs[2]] : nil
            if conv.inputs.count > 2, bias == nil || readers[conv.inputs[2]] != 1 { continue }
            var epsilon: Float = 1e-5
            for attribute in node.attributes where attribute.name == "epsilon" { if case let .float(value) = attribute.value { epsilon = value } }
            let channels = weight.dims[0], perChannel = weight.count / Swift.max(channels, 1)
            let scale = zip(gamma.floats, variance.floats).map { $0 / ($1 + epsilon).squareRoot() }
            var weights = weight.floats
            for channel in 0..<channels { for i in 0..<perChannel { weights[channel * perChannel + i] *= scale[channel] } }
            let oldBias = bias?.floats ?? Array(repeating: 0, count: channels)
            let means = mean.floats, shifts = beta.floats
            let newBias = (0..<channels).map { (oldBias[$0] - means[$0]) * scale[$0] + shifts[$0] }
            tensors[weight.name] = ONNXTensor(name: weight.name, dims: weight.dims, floats: weights)
            var biasName = bias?.name ?? (weight.name.hasSuffix(".weight") ? String(weight.name.dropLast(7)) + ".bias" : weight.name + "_bias")
            while bias == nil, tensors[biasName] != nil { biasName += "_folded" }
            if bias == nil { order.append(biasName) }
            tensors[biasName] = ONNXTensor(name: biasName, dims: [channels], floats: newBias)
            nodes[convIndex].inputs = [conv.inputs[0], weight.name, biasName]
            nodes[convIndex].outputs = node.outputs
            removed.insert(index)
        }
        let kept = nodes.enumerated().filter { !removed.contains($0.offset) }.map(\.element)
        let used = Set(kept.flatMap(\.inputs))
        return (kept, order.filter { used.contains($0) }.compactMap { tensors[$0] })
    }
}
