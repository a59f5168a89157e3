/// Counts of (true class, predicted class) pairs for a classifier: `counts[truth][prediction]`,
/// as scikit-learn's `confusion_matrix` lays it out (rows are the truth).
///
/// ```swift
/// var matrix = ConfusionMatrix(classes: 3)
/// matrix.add(truth: 0, prediction: 2)
/// matrix.accuracy   // 0
/// ```
public struct ConfusionMatrix: Equatable, Sendable {
    /// `counts[truth][prediction]`.
    public private(set) var counts: [[Int]]

    /// An empty matrix over `classes` classes.
    public init(classes: Int) {
        counts = Array(repeating: Array(repeating: 0, count: max(classes, 0)), count: max(classes, 0))
    }

    /// The number of classes.
    public var classes: Int { counts.count }

    /// Counts one example; pairs outside the classes are ignored (the caller validates labels).
    public mutating func add(truth: Int, prediction: Int) {
        guard counts.indices.contains(truth), counts.indices.contains(prediction) else { return }
        counts[truth][prediction] += 1
    }

    /// Adds another matrix of the same size (validation in several parts).
    public mutating func merge(_ other: ConfusionMatrix) {
        for truth in counts.indices where other.counts.indices.contains(truth) {
            for prediction in counts.indices where other.counts[truth].indices.contains(prediction) {
                counts[truth][prediction] += other.counts[truth][prediction]
            }
        }
    }

    /// Examples counted.
    public var total: Int { counts.reduce(0) { $0 + $1.reduce(0, +) } }
    /// Examples whose prediction was right.
    public var correct: Int { counts.indices.reduce(0) { $0 + counts[$1][$1] } }
    /// The share of right predictions (0 when empty).
    public var accuracy: Double { total > 0 ? Double(correct) / Double(total) : 0 }

    /// Examples of class `index` (a row's sum).
    public func support(_ index: Int) -> Int { counts[index].reduce(0, +) }
    /// Examples predicted as class `index` (a column's sum).
    public func predicted(_ index: Int) -> Int { counts.reduce(0) { $0 + $1[index] } }
}
