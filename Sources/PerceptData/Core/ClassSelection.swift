import PerceptTensor

/// Some classes of a classification dataset, relabelled `0..<k` in the order given, and
/// optionally only the first `perClass` examples of each (in dataset order): "classes 5–9 from
/// 100 images per class" for fine-tuning experiments.
///
/// ```swift
/// let few = try ClassSelection(fashionTrain, classes: [5, 6, 7, 8, 9], perClass: 100)   // 500 examples, labels 0…4
/// ```
public struct ClassSelection: ClassificationDataset {
    /// The whole dataset.
    public let base: AnyClassificationDataset
    /// The base's class of each new label.
    public let classes: [Int]
    /// The base's indices of the kept examples, in dataset order.
    public let indices: [Int]
    private let newLabels: [Int]

    /// The examples of `classes` (base class indices, no repeats) from `base`, at most
    /// `perClass` of each when given; throws for an unknown or repeated class or `perClass` < 1.
    public init(_ base: any ClassificationDataset, classes: [Int], perClass: Int? = nil) throws {
        let classCount = base.classNames.count
        if let bad = classes.first(where: { !(0..<classCount).contains($0) }) {
            throw DataError.invalidArgument("class \(bad) does not exist: the data has classes 0–\(classCount - 1)")
        }
        guard Set(classes).count == classes.count, !classes.isEmpty else {
            throw DataError.invalidArgument("the classes to keep must be distinct and at least one, found \(classes)")
        }
        if let perClass, perClass < 1 { throw DataError.invalidArgument("examples per class must be at least 1, found \(perClass)") }
        var newLabel = [Int](repeating: -1, count: classCount)
        for (label, original) in classes.enumerated() { newLabel[original] = label }
        var taken = [Int](repeating: 0, count: classes.count)
        var indices: [Int] = [], labels: [Int] = []
        for index in 0..<base.count {
            let original = base.label(at: index)
            guard newLabel.indices.contains(original) else { continue }
            let label = newLabel[original]
            guard label >= 0, taken[label] < perClass ?? Int.max else { continue }
            taken[label] += 1
            indices.append(index)
            labels.append(label)
        }
        self.base = AnyClassificationDataset(base)
        self.classes = classes
        self.indices = indices
        newLabels = labels
    }

    public var count: Int { indices.count }
    public var classNames: [String] { classes.map { base.classNames[$0] } }
    public func label(at index: Int) -> Int { newLabels[index] }

    public func example(at index: Int) throws -> Example {
        try DataError.checkIndex(index, count: count, file: "<class selection>")
        var example = try base.example(at: indices[index])
        example.target = try Tensor(indices: [newLabels[index]], shape: [])
        return example
    }

    /// Class indices from text: a comma list of indices and inclusive ranges (`5-9`, `0,2,4-6`).
    public static func parseClasses(_ text: String) throws -> [Int] {
        var classes: [Int] = []
        for part in text.split(separator: ",", omittingEmptySubsequences: false) {
            let bounds = part.split(separator: "-", omittingEmptySubsequences: false)
            guard (1...2).contains(bounds.count), let low = Int(bounds[0]), let high = Int(bounds[bounds.count - 1]), low >= 0, low <= high else {
                throw DataError.invalidArgument("'\(part)' is not a class index or a range like 5-9")
            }
            classes.append(contentsOf: low...high)
        }
        return classes
    }
}

extension ClassificationData {
    /// This data with only `classes` (relabelled `0..<k`), and at most `perClass` training
    /// examples of each; validation keeps every example of those classes.
    public func selecting(classes: [Int]?, perClass: Int?) throws -> ClassificationData {
        guard classes != nil || perClass != nil else { return self }
        let kept = classes ?? Array(classNames.indices)
        return ClassificationData(train: try ClassSelection(train, classes: kept, perClass: perClass),
                                  validation: try ClassSelection(validation, classes: kept),
                                  inputShape: inputShape, warnings: warnings)
    }
}
