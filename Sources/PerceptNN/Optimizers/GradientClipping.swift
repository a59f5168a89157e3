import Foundation
import PerceptTensor

/// Gradient clipping with PyTorch's `clip_grad_norm_` and `clip_grad_value_` rules.
public enum GradientClipping {
    /// Scales all gradients together so their joint `normType`-norm is at most `maxNorm`
    /// (factor `maxNorm / (norm + 1e-6)`, applied only when below 1). Returns the norm before
    /// clipping. `normType` may be `.infinity`.
    @discardableResult
    public static func clipByNorm(_ parameters: [Parameter], maxNorm: Float, normType: Float = 2) throws -> Float {
        let gradients = parameters.compactMap(\.grad)
        var total: Double = 0
        for gradient in gradients {
            try gradient.withUnsafeFloats { values in
                for value in values {
                    let magnitude = Double(Swift.abs(value))
                    if normType.isInfinite { total = Swift.max(total, magnitude) } else { total += Foundation.pow(magnitude, Double(normType)) }
                }
            }
        }
        let norm = Float(normType.isInfinite ? total : Foundation.pow(total, 1 / Double(normType)))
        let factor = Swift.min(maxNorm / (norm + 1e-6), 1)
        if factor < 1 {
            for parameter in parameters { if let gradient = parameter.grad { parameter.grad = gradient * factor } }
        }
        return norm
    }

    /// Clamps every gradient element to `[-limit, limit]`.
    public static func clipByValue(_ parameters: [Parameter], limit: Float) {
        for parameter in parameters {
            if let gradient = parameter.grad { parameter.grad = gradient.clamped(min: -limit, max: limit) }
        }
    }
}
