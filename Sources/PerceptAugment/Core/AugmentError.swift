/// Everything that can go wrong while building or running an augmentation.
public enum AugmentError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A sample whose parts do not fit together (label count, mask size).
    case invalidSample(String)
    /// A transform argument outside its allowed values.
    case invalidArgument(transform: String, message: String)
    /// A sample that a transform cannot handle (too small for a crop, no masks for copy-paste).
    case unsupported(transform: String, message: String)
    /// Replay records that do not match the pipeline being replayed.
    case replayMismatch(expected: String, found: String)
    /// A problem in a pipeline file, with its line when known.
    case pipelineFile(file: String, line: Int?, message: String)

    public var description: String {
        switch self {
        case .invalidSample(let message): "invalid sample: \(message)"
        case .invalidArgument(let transform, let message): "\(transform): \(message)"
        case .unsupported(let transform, let message): "\(transform): \(message)"
        case .replayMismatch(let expected, let found):
            "replay records do not match the pipeline: expected a record for \(expected), found \(found)"
        case .pipelineFile(let file, let line, let message):
            "\(file)\(line.map { ":\($0)" } ?? ""): error: \(message)"
        }
    }
}
