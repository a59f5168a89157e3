import Foundation
import PerceptTensor

/// The members of the IoU family that ``Tensor/pairedBoxIoU(_:_:variant:epsilon:)`` computes.
public enum BoxIoUVariant: String, Sendable, CaseIterable {
    /// Intersection over union.
    case plain
    /// GIoU: IoU − (enclosing area − union) / enclosing area.
    case generalized
    /// DIoU: IoU − (centre distance)² / (enclosing diagonal)².
    case distance
    /// CIoU: DIoU − α·v, where v measures the difference of the aspect ratios.
    case complete
}

extension Tensor {
    /// The IoU (or GIoU, DIoU, CIoU) of each box of `a` with the box at the same position of
    /// `b`, both corner boxes (x1, y1, x2, y2) on the last axis, their leading shapes
    /// broadcasting: `[N, 4]` and `[N, 4]` give `[N]`. Ultralytics' `bbox_iou(xywh=False)`
    /// formulas and `epsilon` (added to the heights, the union, the enclosing area and the
    /// squared diagonal); CIoU's trade-off α = v / (1 − IoU + v + ε) is taken without gradient,
    /// as Ultralytics does. Built from differentiable ops, so gradients flow to both inputs.
    ///
    /// ```swift
    /// let loss = try (1 - Tensor.pairedBoxIoU(predicted, target, variant: .complete)).mean()
    /// ```
    public static func pairedBoxIoU(_ a: Tensor, _ b: Tensor, variant: BoxIoUVariant = .plain, epsilon: Float = 1e-7) throws -> Tensor {
        for (name, boxes) in [("a", a), ("b", b)] where boxes.rank < 1 || boxes.shape.last != 4 {
            throw TensorError.wrongRank(operation: "pairedBoxIoU", expected: "boxes \(name) with 4 corner values on the last axis", shape: boxes.shape)
        }
        let first = try a.split(size: 1, axis: -1), second = try b.split(size: 1, axis: -1)
        let (left1, top1, right1, bottom1) = (first[0], first[1], first[2], first[3])
        let (left2, top2, right2, bottom2) = (second[0], second[1], second[2], second[3])
        let width1 = try right1 - left1, height1 = try bottom1 - top1 + epsilon
        let width2 = try right2 - left2, height2 = try bottom2 - top2 + epsilon
        let overlapWidth = try (Tensor.minimum(right1, right2) - Tensor.maximum(left1, left2)).clamped(min: 0)
        let overlapHeight = try (Tensor.minimum(bottom1, bottom2) - Tensor.maximum(top1, top2)).clamped(min: 0)
        let intersection = try overlapWidth * overlapHeight
        let union = try width1 * height1 + width2 * height2 - intersection + epsilon
        let iou = try intersection / union
        guard variant != .plain else { return try iou.squeezed(-1) }
        // The smallest box enclosing both.
        let enclosingWidth = try Tensor.maximum(right1, right2) - Tensor.minimum(left1, left2)
        let enclosingHeight = try Tensor.maximum(bottom1, bottom2) - Tensor.minimum(top1, top2)
        if variant == .generalized {
            let enclosingArea = try enclosingWidth * enclosingHeight + epsilon
            return try (iou - (enclosingArea - union) / enclosingArea).squeezed(-1)
        }
        let diagonalSquared = try enclosingWidth.pow(2) + enclosingHeight.pow(2) + epsilon
        // Squared distance of the centres: the sums of the edges are twice the centres.
        let centreDistanceSquared = try ((left2 + right2 - left1 - right1).pow(2) + (top2 + bottom2 - top1 - bottom1).pow(2)) / 4
        let distanceIoU = try iou - centreDistanceSquared / diagonalSquared
        guard variant == .complete else { return try distanceIoU.squeezed(-1) }
        let aspect = try (4 / Float(Double.pi * Double.pi)) * ((width2 / height2).atan() - (width1 / height1).atan()).pow(2)
        let tradeOff = try aspect.detach() / (1 - iou.detach() + aspect.detach() + epsilon)
        return try (distanceIoU - aspect * tradeOff).squeezed(-1)
    }
}
