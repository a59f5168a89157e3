import PerceptTensor

/// Random-access data: `count` examples, each decoded on demand. Implementations are read from
/// several loader threads at once, so they hold only immutable state.
public protocol Dataset: Sendable {
    /// The number of examples.
    var count: Int { get }
    /// The example at `index` (`0..<count`); throws a typed error naming the file (and index)
    /// when it cannot be read.
    func example(at index: Int) throws -> Example
}

/// A dataset of class-labelled examples: labels and class names are known without decoding
/// inputs (for stratified splits and balanced sampling).
public protocol ClassificationDataset: Dataset {
    /// The class names; a label is an index into this array.
    var classNames: [String] { get }
    /// The class of the example at `index`, without decoding it.
    func label(at index: Int) -> Int
}

extension ClassificationDataset {
    /// Every example's label, in dataset order.
    public var labels: [Int] { (0..<count).map { label(at: $0) } }

    /// How many examples each class has, indexed by label.
    public var classCounts: [Int] {
        var counts = [Int](repeating: 0, count: classNames.count)
        for index in 0..<count {
            let label = label(at: index)
            if counts.indices.contains(label) { counts[label] += 1 }
        }
        return counts
    }
}

/// A classification dataset whose labels are an array in memory: `count` and `label(at:)` come from it.
public protocol LabelArrayDataset: ClassificationDataset {
    /// Each example's class, in dataset order.
    var labels: [Int] { get }
}

extension LabelArrayDataset {
    public var count: Int { labels.count }
    public func label(at index: Int) -> Int { labels[index] }
}

/// Examples held in memory: a ready-made set of inputs with class labels (tests, tiny data,
/// tensors built by other code).
///
/// ```swift
/// let data = try TensorDataset(inputs: images, labels: [0, 1, 1], classNames: ["cat", "dog"])
/// ```
public struct TensorDataset: LabelArrayDataset {
    /// The inputs, one tensor per example.
    public let inputs: [Tensor]
    /// The class of each input.
    public let labels: [Int]
    /// The class names.
    public let classNames: [String]

    /// A dataset over `inputs` and their `labels`; throws when the counts differ or a label is
    /// not an index into `classNames`.
    public init(inputs: [Tensor], labels: [Int], classNames: [String]) throws {
        guard inputs.count == labels.count else {
            throw DataError.invalidArgument("\(inputs.count) inputs but \(labels.count) labels")
        }
        try DataError.checkLabels(labels, classCount: classNames.count, file: "<memory>")
        self.inputs = inputs
        self.labels = labels
        self.classNames = classNames
    }

    public func example(at index: Int) throws -> Example {
        try DataError.checkIndex(index, count: count, file: "<memory>")
        return Example(input: inputs[index], label: labels[index])
    }
}
