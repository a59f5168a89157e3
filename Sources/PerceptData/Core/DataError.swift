/// Everything that can go wrong reading or loading data. Each case names the file (or folder)
/// and the place in it, so the CLI prints `FILE[:PLACE]: error: MESSAGE`.
public enum DataError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A bad argument to a data API (batch size, split fractions, weights).
    case invalidArgument(String)
    /// The file or folder could not be read at all (missing, permissions).
    case unreadable(file: String, reason: String)
    /// The content is not what the reader expects at `place` (an offset, a record, a key).
    case malformed(file: String, place: String, detail: String)
    /// A class folder holds no readable examples.
    case emptyClass(folder: String, className: String)
    /// A classification dataset needs at least two classes.
    case singleClass(file: String, className: String)
    /// An example could not be decoded (an unreadable image): `reason` says why.
    case badExample(file: String, index: Int, reason: String)
    /// An image file whose header cannot be read (found while scanning a folder).
    case badImage(file: String, reason: String)
    /// An index outside `0..<count`.
    case indexOutOfRange(file: String, index: Int, count: Int)
    /// Examples of one batch do not share a shape.
    case shapeMismatch(file: String, index: Int, expected: [Int], found: [Int])

    /// The file the error is about, when there is one.
    public var file: String? {
        switch self {
        case .invalidArgument: nil
        case .unreadable(let file, _), .malformed(let file, _, _), .singleClass(let file, _),
             .badExample(let file, _, _), .badImage(let file, _), .indexOutOfRange(let file, _, _), .shapeMismatch(let file, _, _, _):
            file
        case .emptyClass(let folder, _): folder
        }
    }

    /// What went wrong, without the file name.
    public var message: String {
        switch self {
        case .invalidArgument(let message):
            message
        case .unreadable(_, let reason):
            "cannot read: \(reason)"
        case .malformed(_, let place, let detail):
            "\(place): \(detail)"
        case .emptyClass(_, let className):
            "class folder '\(className)' holds no images"
        case .singleClass(_, let className):
            "only one class ('\(className)') found; classification needs at least two"
        case .badExample(_, let index, let reason):
            "example \(index): \(reason)"
        case .badImage(_, let reason):
            "unreadable image: \(reason) (--skip-bad leaves such files out)"
        case .indexOutOfRange(_, let index, let count):
            "index \(index) is outside the dataset's \(count) examples"
        case .shapeMismatch(_, let index, let expected, let found):
            "example \(index) has shape \(found), but the batch's first example has \(expected)"
        }
    }

    public var description: String {
        guard let file else { return message }
        return "\(file): \(message)"
    }

    /// Throws `malformed` naming the first label that is not in `0..<classCount`.
    static func checkLabels(_ labels: [Int], classCount: Int, file: String) throws {
        if let bad = labels.firstIndex(where: { $0 < 0 || $0 >= classCount }) {
            throw DataError.malformed(file: file, place: "label \(bad)", detail: "\(labels[bad]) is not one of the \(classCount) classes")
        }
    }

    /// Throws `indexOutOfRange` unless `index` is in `0..<count`.
    static func checkIndex(_ index: Int, count: Int, file: String) throws {
        guard index >= 0, index < count else { throw DataError.indexOutOfRange(file: file, index: index, count: count) }
    }
}
