import Foundation

/// How a segmentation loss weighs its classes by their share of the training points, so that
/// rare classes (poles, people) are not drowned by road and buildings.
public enum ClassWeighting: String, CaseIterable, Sendable {
    /// 1/√share, normalised to a mean of 1 over the classes present.
    case auto
    /// 1/share, normalised to a mean of 1 over the classes present: rare classes weigh more than with `auto`.
    case inverse
    /// Every class weighs 1.
    case none

    /// The loss weight of each class given its count of training points (nil for ``none``);
    /// classes without points weigh 0.
    public func weights(counts: [Int]) -> [Float]? {
        let exponent: Double
        switch self {
        case .auto: exponent = 0.5
        case .inverse: exponent = 1
        case .none: return nil
        }
        let total = Double(max(counts.reduce(0, +), 1))
        let raw = counts.map { $0 > 0 ? 1 / Foundation.pow(Double($0) / total, exponent) : 0 }
        let present = raw.filter { $0 > 0 }
        let mean = present.reduce(0, +) / Double(max(present.count, 1))
        return raw.map { Float($0 / max(mean, 1e-12)) }
    }
}
