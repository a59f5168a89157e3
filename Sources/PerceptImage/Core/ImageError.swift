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

    /// A one-line message for users.
    public var description: String {
        switch self {
        case .unreadable(let file, let reason):
            "\(file): cannot read or write: \(reason)"
        case .empty(let file):
            "\(file): the file is empty (0 bytes), expected an image"
        case .unsupportedFormat(let file, let format):
            "\(file): unsupported format: \(format)"
        case .truncated(let file, let expected?, let found):
            "\(file): truncated: expected at least \(expected) bytes, found \(found)"
        case .truncated(let file, nil, let found):
            "\(file): truncated: the image data ends early (file has \(found) bytes)"
        case .corrupt(let file, let place, let detail):
            "\(file): corrupt at \(place): \(detail)"
        case .tooLarge(let file, let width, let height, let channels, let limit):
            "\(file): header claims \(width)x\(height)x\(channels), over the decode limit (\(limit))"
        case .unsupportedFeature(let file, let feature):
            "\(file): unsupported feature: \(feature)"
        case .cannotEncode(let file, let format, let reason):
            "\(file): cannot write as \(format): \(reason)"
        case .invalidArgument(let message):
            "invalid argument: \(message)"
        }
    }
}
