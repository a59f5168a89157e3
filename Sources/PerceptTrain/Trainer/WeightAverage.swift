import PerceptNN
import PerceptTensor

/// The exponential moving average of a model's parameters and buffers,
/// `average = decay · average + (1 − decay) · weights` after every step (buffers such as batch
/// norm's statistics and counters are copied), as timm's and Ultralytics' model EMA.
enum WeightAverage {
    /// Moves `average` towards `model`'s current state; an empty average starts as a copy.
    static func update(_ average: inout [String: Tensor], model: Module, decay: Double) throws {
        let current = model.stateDict()
        guard !average.isEmpty else { average = current; return }
        let keep = Float(decay), take = Float(1 - decay)
        let parameterNames = Set(model.namedParameters().map(\.name))
        for (key, value) in current {
            guard parameterNames.contains(key), value.dtype == .float32, let previous = average[key] else {
                average[key] = value
                continue
            }
            average[key] = try withoutGrad { try previous * keep + value * take }
        }
    }
}
