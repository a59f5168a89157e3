/// Per-class scores of a confusion matrix for segmentation and point-cloud tasks: IoU, class
/// accuracy (recall) and their means over the classes present in the truth.
extension ConfusionMatrix {
    /// Intersection over union of class `index`: TP / (TP + FP + FN); nil when the class is
    /// neither present nor predicted.
    public func intersectionOverUnion(_ index: Int) -> Double? {
        let union = support(index) + predicted(index) - counts[index][index]
        return union > 0 ? Double(counts[index][index]) / Double(union) : nil
    }

    /// Classes with at least one true example.
    public var presentClasses: [Int] { (0..<classes).filter { support($0) > 0 } }

    /// The mean IoU over the classes present in the truth (0 when none is).
    public var meanIntersectionOverUnion: Double {
        let present = presentClasses
        guard !present.isEmpty else { return 0 }
        return present.reduce(0) { $0 + (intersectionOverUnion($1) ?? 0) } / Double(present.count)
    }

    /// The mean over present classes of the share of their examples predicted right.
    public var meanClassAccuracy: Double {
        let present = presentClasses
        guard !present.isEmpty else { return 0 }
        return present.reduce(0) { $0 + Double(counts[$1][$1]) / Double(support($1)) } / Double(present.count)
    }
}

/// A validation accumulator built on a confusion matrix, whose best epoch gets `confusion_matrix.png`.
public protocol ConfusionMatrixValidation: ValidationAccumulator {
    /// Every example (or point) counted so far.
    var matrix: ConfusionMatrix { get }
}
