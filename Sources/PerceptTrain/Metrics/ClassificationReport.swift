import Foundation

/// Precision, recall and F1 of one class, or an average of them.
public struct ClassScores: Equatable, Sendable, Codable {
    /// Right predictions of the class among all predictions of it (0 when it was never predicted).
    public var precision: Double
    /// Right predictions of the class among its examples (0 when it has none).
    public var recall: Double
    /// The harmonic mean of precision and recall (0 when both are 0).
    public var f1: Double
    /// Examples of the class (for an average, of all classes).
    public var support: Int
}

/// scikit-learn's `classification_report`: per-class precision, recall, F1 and support, their
/// unweighted (macro) and support-weighted averages, and the accuracy.
///
/// ```swift
/// let report = ClassificationReport(matrix, classNames: ["cat", "dog"])
/// print(report.table())
/// ```
public struct ClassificationReport: Equatable, Sendable, Codable {
    /// The class names, in class order.
    public var classNames: [String]
    /// The scores of each class, in class order.
    public var classes: [ClassScores]
    /// The plain mean over classes.
    public var macroAverage: ClassScores
    /// The mean over classes weighted by their support.
    public var weightedAverage: ClassScores
    /// The share of right predictions.
    public var accuracy: Double

    /// The report of a confusion matrix; missing names are the class indices.
    public init(_ matrix: ConfusionMatrix, classNames: [String] = []) {
        self.classNames = (0..<matrix.classes).map { $0 < classNames.count ? classNames[$0] : String($0) }
        let scores = (0..<matrix.classes).map { index in
            let right = Double(matrix.counts[index][index])
            let predicted = Double(matrix.predicted(index)), support = matrix.support(index)
            let precision = predicted > 0 ? right / predicted : 0
            let recall = support > 0 ? right / Double(support) : 0
            let f1 = precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0
            return ClassScores(precision: precision, recall: recall, f1: f1, support: support)
        }
        let total = scores.reduce(0) { $0 + $1.support }
        func average(_ weight: (ClassScores) -> Double) -> ClassScores {
            let weights = scores.map(weight), sum = weights.reduce(0, +)
            func mean(_ value: KeyPath<ClassScores, Double>) -> Double {
                sum > 0 ? zip(scores, weights).reduce(0) { $0 + $1.0[keyPath: value] * $1.1 } / sum : 0
            }
            return ClassScores(precision: mean(\.precision), recall: mean(\.recall), f1: mean(\.f1), support: total)
        }
        classes = scores
        macroAverage = average { _ in 1 }
        weightedAverage = average { Double($0.support) }
        accuracy = matrix.accuracy
    }

    /// The table as scikit-learn prints it: one row per class, then accuracy and the averages.
    public func table() -> String {
        let nameWidth = max(12, (classNames.map(\.count).max() ?? 0) + 2)
        func pad(_ text: String, _ width: Int) -> String { String(repeating: " ", count: max(width - text.count, 0)) + text }
        func number(_ value: Double) -> String { pad(String(format: "%.4f", value), 10) }
        func row(_ name: String, _ scores: ClassScores) -> String {
            pad(name, nameWidth) + number(scores.precision) + number(scores.recall) + number(scores.f1) + pad(String(scores.support), 10)
        }
        var lines = [pad("", nameWidth) + pad("precision", 10) + pad("recall", 10) + pad("f1-score", 10) + pad("support", 10), ""]
        lines += zip(classNames, classes).map { row($0.0, $0.1) }
        lines.append("")
        lines.append(pad("accuracy", nameWidth) + pad("", 20) + number(accuracy) + pad(String(macroAverage.support), 10))
        lines.append(row("macro avg", macroAverage))
        lines.append(row("weighted avg", weightedAverage))
        return lines.joined(separator: "\n")
    }
}
