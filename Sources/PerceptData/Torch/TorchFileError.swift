import PerceptMessages
/// Everything that can go wrong reading a PyTorch file, each naming the file and what was wrong.
/// Refusals of the pickle itself (a global outside the allow-list) arrive as ``PickleError``.
public enum TorchFileError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The archive ends early or its directory is damaged.
    case truncatedArchive(file: String, detail: String)
    /// Data fails a check (CRC, a storage shorter than its tensors need, a bad header value).
    case corrupt(file: String, detail: String)
    /// A valid file of a kind this reader does not take (TorchScript, compressed entries, sparse tensors).
    case unsupported(file: String, detail: String)
    /// The file holds no state dict where one was expected.
    case noStateDict(file: String, detail: String)

    /// The file the error is about.
    public var file: String {
        switch self {
        case .truncatedArchive(let file, _), .corrupt(let file, _), .unsupported(let file, _), .noStateDict(let file, _): file
        }
    }

    /// The message; names taken from the file (entries, keys, tensors) may hold any bytes, so
    /// control characters in the detail are escaped here, once for every case.
    public var description: String {
        switch self {
        case let .truncatedArchive(file, detail): "\(file): error: truncated or damaged archive: \(Self.printable(detail))"
        case let .corrupt(file, detail): "\(file): error: corrupt PyTorch file: \(Self.printable(detail))"
        case let .unsupported(file, detail): "\(file): error: \(Self.printable(detail))"
        case let .noStateDict(file, detail): "\(file): error: no state dict found: \(Self.printable(detail))"
        }
    }

    private static func printable(_ detail: String) -> String { escapedForMessage(detail, limit: 2000) }
}
