import PerceptTensor

/// What two traces of one forward pass (different input values, and a different batch size
/// when the batch is dynamic) tell about the first: which output axes follow the batch, and
/// whether a value the graph would freeze as a constant in fact came from the input (an
/// operation the engine does not report), which would make a silently wrong file.
struct TraceComparison {
    let first: GraphRecorder
    let second: GraphRecorder
    /// Values of the first trace that are graph inputs or parameters (not constants).
    let knownKeys: Set<ValueKey>
    /// The same for the second trace.
    let secondKnownKeys: Set<ValueKey>

    /// Per step, the output axes whose size differs between the traces.
    func batchAxes() throws -> [Int: Set<Int>] {
        try checkSameSteps()
        var axes: [Int: Set<Int>] = [:]
        for (index, (a, b)) in zip(first.steps, second.steps).enumerated() {
            let shapeA = a.operation.output.shape, shapeB = b.operation.output.shape
            axes[index] = Set(shapeA.indices.filter { shapeA[$0] != shapeB[$0] })
        }
        return axes
    }

    /// Throws when a constant input of some step differs between the traces.
    func checkConstants() throws {
        try checkSameSteps()
        for (a, b) in zip(first.steps, second.steps) {
            for (inputA, inputB) in zip(a.operation.inputs, b.operation.inputs) {
                guard let inputA, let inputB else { continue }
                let keyA = ValueKey(inputA), keyB = ValueKey(inputB)
                guard first.producers[keyA] == nil, !knownKeys.contains(keyA), second.producers[keyB] == nil, !secondKnownKeys.contains(keyB) else { continue }
                guard inputA.shape == inputB.shape, inputA.dtype != .float32 || inputA.contiguous().toArray() == inputB.contiguous().toArray() else {
                    throw ONNXExportError.untracedOperation(layer: a.layer, layerType: a.layerType, operation: a.operation.kind)
                }
            }
        }
    }

    private func checkSameSteps() throws {
        guard first.steps.count == second.steps.count,
              zip(first.steps, second.steps).allSatisfy({ $0.operation.kind == $1.operation.kind && $0.operation.output.rank == $1.operation.output.rank }) else {
            throw ONNXExportError.batchDependentShape(layer: "", operation: "the forward pass (it runs other operations for other inputs)",
                                                      shapes: [[first.steps.count], [second.steps.count]])
        }
    }
}
