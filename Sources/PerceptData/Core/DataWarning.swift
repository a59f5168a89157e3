/// Something a reader worked around and the user should hear about; the CLI prints each as
/// `FILE: warning: MESSAGE`.
public enum DataWarning: Equatable, Sendable, CustomStringConvertible {
    /// An unreadable example was left out (`skipBad`).
    case skipped(file: String, reason: String)
    /// A folder mixes gray and colour images; all are converted to `channels`.
    case mixedChannels(folder: String, gray: Int, color: Int, channels: Int)

    /// The file or folder the warning is about.
    public var file: String {
        switch self {
        case .skipped(let file, _): file
        case .mixedChannels(let folder, _, _, _): folder
        }
    }

    /// What happened, without the file name.
    public var message: String {
        switch self {
        case .skipped(_, let reason):
            "skipped: \(reason)"
        case .mixedChannels(_, let gray, let color, let channels):
            "\(gray) gray and \(color) colour images: all are converted to \(channels == 1 ? "gray" : "RGB"), the majority"
        }
    }

    public var description: String { "\(file): \(message)" }
}
