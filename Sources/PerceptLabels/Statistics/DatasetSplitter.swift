import Foundation

/// Divides a dataset's images into `train`, `val` (and `test`) by ratios, optionally keeping
/// each class's share the same in every part (stratified by the class most of an image's
/// annotations have; images without annotations form a group of their own).
///
///     var random = AugmentRandom(seed: 7)
///     let split = try DatasetSplitter(ratios: [0.8, 0.1, 0.1], stratify: true).split(dataset, using: &random)
public struct DatasetSplitter: Sendable {
    /// The names of the parts, in the order of the ratios.
    public static let partNames = ["train", "val", "test"]

    /// One fraction per part, summing to 1.
    public var ratios: [Double]
    /// Whether each class is divided by the ratios on its own.
    public var stratify: Bool

    /// A splitter; throws unless there are 2 or 3 non-negative ratios summing to 1.
    public init(ratios: [Double], stratify: Bool = false) throws {
        guard (2...DatasetSplitter.partNames.count).contains(ratios.count) else {
            throw LabelError.invalidArgument("--ratios: expected 2 or 3 fractions (train, val[, test]), found \(ratios.count)")
        }
        guard ratios.allSatisfy({ $0 >= 0 && $0.isFinite }), abs(ratios.reduce(0, +) - 1) < 1e-6 else {
            throw LabelError.invalidArgument("--ratios: expected non-negative fractions summing to 1, found \(ratios.map(JSONWriter.format).joined(separator: ","))")
        }
        self.ratios = ratios
        self.stratify = stratify
    }

    /// Parses `0.8,0.1,0.1`.
    public init(parsing text: String, stratify: Bool = false) throws {
        let parts = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        let numbers = parts.compactMap(Double.init)
        guard numbers.count == parts.count else {
            throw LabelError.invalidArgument("--ratios: expected numbers such as 0.8,0.1,0.1, found '\(text)'")
        }
        try self.init(ratios: numbers, stratify: stratify)
    }

    /// The dataset with every image's `split` set. The same generator state gives the same
    /// division on every machine.
    public func split(_ dataset: LabelDataset, using random: inout some RandomNumberGenerator) -> LabelDataset {
        let byImage = dataset.annotationsByImage
        var groups: [Int: [Int]] = [:]
        for (index, image) in dataset.images.enumerated() {
            let key = stratify ? ClassFolderDataset.dominantClass(byImage[image.id] ?? []) ?? Int.min : 0
            groups[key, default: []].append(index)
        }
        var result = dataset
        for key in groups.keys.sorted() {
            var members = groups[key] ?? []
            DatasetSplitter.shuffle(&members, using: &random)
            var start = 0
            for (part, count) in partSizes(members.count).enumerated() {
                for index in members[start..<start + count] { result.images[index].split = DatasetSplitter.partNames[part] }
                start += count
            }
        }
        return result
    }

    /// How many of `total` items each part gets: the floors of the shares, with the items left
    /// over going to the largest remainders (earlier parts first on a tie).
    func partSizes(_ total: Int) -> [Int] {
        let shares = ratios.map { $0 * Double(total) }
        var sizes = shares.map { Int($0.rounded(.down)) }
        let order = shares.indices.sorted { (shares[$0] - Double(sizes[$0]), $1) > (shares[$1] - Double(sizes[$1]), $0) }
        for part in order.prefix(total - sizes.reduce(0, +)) { sizes[part] += 1 }
        return sizes
    }

    /// Fisher–Yates with the generator's raw bits, so the order does not depend on how a Swift
    /// version implements `shuffle`.
    static func shuffle(_ items: inout [Int], using random: inout some RandomNumberGenerator) {
        guard items.count > 1 else { return }
        for index in stride(from: items.count - 1, to: 0, by: -1) {
            let other = Int(random.next().multipliedFullWidth(by: UInt64(index + 1)).high)
            items.swapAt(index, other)
        }
    }
}
