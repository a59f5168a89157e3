/// The width multiplier of a PointNet: every layer width of the paper (64, 128, 1024, …)
/// times `multiplier`, rounded, at least 8. `pointnet_cls_s` and `pointnet_seg_s` use 0.5.
public struct PointNetWidths: Sendable, Equatable {
    /// The factor applied to every width.
    public let multiplier: Double

    /// Widths scaled by `multiplier` (> 0).
    public init(_ multiplier: Double) { self.multiplier = multiplier }

    /// The paper's `width` scaled.
    public func scaled(_ width: Int) -> Int { Swift.max(8, Int((Double(width) * multiplier).rounded())) }
}
