/// Everything that can go wrong reading, writing or processing an image. Messages name the
/// file, the place in it, and what was expected against what was found.
public enum ImageError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file could not be read or written at all (missing, permissions).
    case unreadable(file: String, reason: String)
    /// The file has zero bytes.
    case empty(file: String)
    /// The content is not an image format Percept reads; `format` names what it looks like.
    case unsupportedFormat(file: String, format: String)
    /// The file ends before the data its header promises (`expectedBytes` when known).
    case truncated(file: String, expectedBytes: Int?, foundBytes: Int)
    /// The content is damaged or inconsistent at `place` (an offset, a field or a chunk).
    case corrupt(file: String, place: String, detail: String)
    /// The header claims more pixels or bytes than the decode limit allows.
    case tooLarge(file: String, width: Int, height: Int, channels: Int, limit: String)
    /// The file is valid but uses a feature this codec does not implement.
    case unsupportedFeature(file: String, feature: String)
    /// An image cannot be written in the requested format (wrong channels or sample type).
    case cannotEncode(file: String, format: String, reason: String)
    /// A bad argument to an image operation.
    case invalidArgument(String)

    /// The file the error is about, when there is one.
    public var file: String? {
        switch self {
        case .unreadable(let file, _), .empty(let file), .unsupportedFormat(let file, _), .truncated(let file, _, _),
             .corrupt(let file, _, _), .tooLarge(let file, _, _, _, _), .unsupportedFeature(let file, _),
             .cannotEncode(let file, _, _):
            file
        case .invalidArgument:
            nil
        }
    }

    /// What went wrong, without the file name (for `FILE: error: MESSAGE` lines).
    public var message: String {
        switch self {
        case .unreadable(_, let reason):
            "cannot read or write: \(reason)"
        case .empty:
            "the file is empty (0 bytes), expected an image"
        case .unsupportedFormat(_, let format):
            "unsupported format: \(format)"
        case .truncated(_, let expected?, let found):
            "truncated: expected at least \(expected) bytes, found \(found)"
        case .truncated(_, nil, let found):
            "truncated: the image data ends early (file has \(found) bytes)"
        case .corrupt(_, let place, let detail):
            "corrupt at \(place): \(detail)"
        case .tooLarge(_, let width, let height, let channels, let limit):
            "header claims \(width)x\(height)x\(channels), over the decode limit (\(limit))"
        case .unsupportedFeature(_, let feature):
            "unsupported feature: \(feature)"
        case .cannotEncode(_, let format, let reason):
            "cannot write as \(format): \(reason)"
        case .invalidArgument(let message):
            "invalid argument: \(message)"
        }
    }

    /// A one-line message for users: `FILE: MESSAGE`.
    public var description: String {
        file.map { "\($0): \(message)" } ?? message
    }
}
