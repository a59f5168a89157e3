import Foundation
import PerceptTensor

/// The deterministic weights the parity fixture scripts give a model (`Tools/make-unet-parity-fixtures`,
/// `Tools/make-yolo-fixtures`, `Tools/ultralytics-predict-reference`), so Percept and PyTorch hold the
/// same values without a weights file: for the tensor at position k of the sorted state-dict keys
/// (num_batches_tracked and the keys in `skipping` left out, keeping their values), element i gets
/// u = frac(sin(12.9898 i + 78.233 (k + offset)) · 43758.5453) in Double and s = 2u − 1; rank ≥ 2 →
/// s · 1.7 / √fanIn; running_var 1 + 0.25 s; other rank-1 weights 1 + 0.1 s; the rest 0.1 s.
///
/// ```swift
/// try model.load(HashedWeights.state(of: model, offset: 3, skipping: ["model.22.dfl.conv.weight"], halfPrecision: true), strict: true)
/// ```
public enum HashedWeights {
    /// `model`'s state dict with the hashed values; with `halfPrecision` each value is rounded to
    /// float16 and back, as the scripts do for weights stored in float16.
    public static func state(of model: Module, offset: Int, skipping: Set<String> = [], halfPrecision: Bool = false) throws -> [String: Tensor] {
        var state = model.stateDict()
        let keys = state.keys.filter { !$0.hasSuffix("num_batches_tracked") && !skipping.contains($0) }.sorted()
        for (k, key) in keys.enumerated() {
            guard let tensor = state[key] else { continue }
            let fanIn = Double(tensor.shape.dropFirst().reduce(1, *))
            let values = (0..<tensor.count).map { i -> Float in
                let v = sin(Double(i) * 12.9898 + 78.233 * Double(k + offset)) * 43758.5453
                let s = 2 * (v - v.rounded(.down)) - 1
                let value: Float
                if tensor.rank >= 2 {
                    value = Float(s * 1.7 / fanIn.squareRoot())
                } else if key.hasSuffix("running_var") {
                    value = Float(1 + 0.25 * s)
                } else if key.hasSuffix("weight") {
                    value = Float(1 + 0.1 * s)
                } else {
                    value = Float(0.1 * s)
                }
                return halfPrecision ? Float(Float16(value)) : value
            }
            state[key] = try Tensor(values, shape: tensor.shape)
        }
        return state
    }
}
