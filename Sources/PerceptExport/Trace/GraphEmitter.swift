/// The ONNX graph being written while traced steps are lowered: nodes, constants and fresh
/// value names.
struct GraphEmitter {
    /// The operator set the nodes must belong to.
    let opset: Int
    private(set) var nodes: [ONNXNode] = []
    private(set) var initializers: [ONNXTensor] = []
    private var usedNames: Set<String> = []
    private var counter = 0

    init(opset: Int) { self.opset = opset }

    /// A value name not used yet, built from `base`.
    mutating func freshName(_ base: String) -> String {
        var name = base
        while usedNames.contains(name) {
            counter += 1
            name = "\(base)_\(counter)"
        }
        usedNames.insert(name)
        return name
    }

    /// Adds a node; `name` is the layer that ran it.
    mutating func node(_ opType: String, _ inputs: [String], _ outputs: [String], _ attributes: [ONNXAttribute] = [], layer: String) {
        nodes.append(ONNXNode(name: freshName(layer.isEmpty ? opType : "\(layer)/\(opType)"), opType: opType,
                              inputs: inputs, outputs: outputs, attributes: attributes))
    }

    /// Adds a node whose single output gets a fresh name, and returns that name.
    mutating func intermediate(_ opType: String, _ inputs: [String], _ attributes: [ONNXAttribute] = [], layer: String) -> String {
        let output = freshName(layer.isEmpty ? "\(opType)_out" : "\(layer)/\(opType)_out")
        node(opType, inputs, [output], attributes, layer: layer)
        return output
    }

    /// Adds an initialiser under a name already reserved.
    mutating func initializer(_ tensor: ONNXTensor) {
        usedNames.insert(tensor.name)
        initializers.append(tensor)
    }

    /// An int64 constant (shapes, axes, pads), returned by name.
    mutating func int64s(_ values: [Int], scalar: Bool = false, layer: String, _ role: String) -> String {
        int64s(values, dims: scalar ? [] : [values.count], layer: layer, role)
    }

    /// An int64 constant of shape `dims`, returned by name.
    mutating func int64s(_ values: [Int], dims: [Int], layer: String, _ role: String) -> String {
        let name = freshName(layer.isEmpty ? role : "\(layer).\(role)")
        initializer(ONNXTensor(name: name, dims: dims, int64s: values))
        return name
    }

    /// A float32 constant, returned by name.
    mutating func floats(_ values: [Float], dims: [Int], layer: String, _ role: String) -> String {
        let name = freshName(layer.isEmpty ? role : "\(layer).\(role)")
        initializer(ONNXTensor(name: name, dims: dims, floats: values))
        return name
    }

    /// Replaces the nodes and initialisers (after a rewrite such as batch-norm folding).
    mutating func replace(nodes: [ONNXNode], initializers: [ONNXTensor]) {
        self.nodes = nodes
        self.initializers = initializers
    }
}
