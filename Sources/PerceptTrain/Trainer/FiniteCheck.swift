import PerceptNN
import PerceptTensor

/// Finds values that would poison training: a NaN or infinite gradient.
enum FiniteCheck {
    /// The name of the first parameter (in declaration order) whose gradient holds NaN or
    /// infinity, or nil when every gradient is finite.
    static func firstNonFiniteGradient(_ model: Module) throws -> String? {
        for (name, parameter) in model.namedParameters() {
            guard let gradient = parameter.grad?.contiguous() else { continue }
            let finite = try gradient.withUnsafeFloats { values in values.allSatisfy(\.isFinite) }
            if !finite { return name }
        }
        return nil
    }
}
