/// Some examples of another dataset, by index (a split, a fold). A subset of a
/// `ClassificationDataset` is one too.
///
/// ```swift
/// let firstHundred = try Subset(fashion, Array(0..<100))
/// ```
public struct Subset<Base: Dataset>: Dataset {
    /// The whole dataset.
    public let base: Base
    /// The base's indices of this subset's examples, in order.
    public let indices: [Int]

    /// The examples `indices` of `base`; throws when one is out of range.
    public init(_ base: Base, _ indices: [Int]) throws {
        if let bad = indices.first(where: { $0 < 0 || $0 >= base.count }) {
            throw DataError.indexOutOfRange(file: "<subset>", index: bad, count: base.count)
        }
        self.base = base
        self.indices = indices
    }

    public var count: Int { indices.count }

    public func example(at index: Int) throws -> Example {
        try DataError.checkIndex(index, count: count, file: "<subset>")
        return try base.example(at: indices[index])
    }
}

extension Subset: ClassificationDataset where Base: ClassificationDataset {
    public var classNames: [String] { base.classNames }
    public func label(at index: Int) -> Int { base.label(at: indices[index]) }
}

/// A classification dataset behind an existential, so generic helpers (`Subset`, splits) take
/// whatever a reader returned.
public struct AnyClassificationDataset: ClassificationDataset {
    /// The wrapped dataset.
    public let wrapped: any ClassificationDataset

    /// Wraps `dataset`.
    public init(_ dataset: any ClassificationDataset) { wrapped = dataset }

    public var count: Int { wrapped.count }
    public var classNames: [String] { wrapped.classNames }
    public func label(at index: Int) -> Int { wrapped.label(at: index) }
    public func example(at index: Int) throws -> Example { try wrapped.example(at: index) }
}
