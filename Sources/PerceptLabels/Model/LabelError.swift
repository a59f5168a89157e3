import PerceptMessages

/// A label file that cannot be used at all. Messages name the file, the place in it, and what
/// was expected against what was found. Problems that let a run go on are `LabelProblem`s.
public enum LabelError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file could not be read or written (missing, permissions).
    case unreadable(file: String, reason: String)
    /// The text is not well-formed (JSON, XML, YAML); `line` and `column` are 1-based.
    case malformed(file: String, line: Int, column: Int, detail: String)
    /// A field or line holds something other than what the format expects; `place` is a field
    /// path such as `annotations[3].bbox` or `line 7`.
    case invalid(file: String, place: String, detail: String)
    /// A bad argument from the caller (a class list, a remapping).
    case invalidArgument(String)

    /// A one-line message for users.
    public var description: String {
        switch self {
        case .unreadable(let file, let reason): "\(file): cannot read or write: \(reason)"
        case .malformed(let file, let line, let column, let detail): "\(file):\(line):\(column): \(detail)"
        case .invalid(let file, let place, let detail): "\(file): \(place): \(detail)"
        case .invalidArgument(let message): "invalid argument: \(message)"
        }
    }

    /// The error as a problem report, so a run can note it and go on.
    public var problem: LabelProblem {
        switch self {
        case .unreadable(let file, let reason): LabelProblem(file: file, severity: .error, message: "cannot read: \(reason)")
        case .malformed(let file, let line, let column, let detail):
            LabelProblem(file: file, line: line, column: column, severity: .error, message: detail)
        case .invalid(let file, let place, let detail): LabelProblem(file: file, severity: .error, message: "\(place): \(detail)")
        case .invalidArgument(let message): LabelProblem(file: "", severity: .error, message: message)
        }
    }
}

/// How bad a problem is: errors make a run end with a failure, warnings do not.
public enum ProblemSeverity: String, Sendable, Codable, Comparable {
    /// Usable, but probably not what the author meant (clipped drift, an image without labels).
    case warning
    /// The data is wrong and was skipped.
    case error

    /// Warnings sort before errors.
    public static func < (left: ProblemSeverity, right: ProblemSeverity) -> Bool { left == .warning && right == .error }
}

/// One thing found wrong in a dataset, printed as `FILE[:LINE[:COLUMN]]: error|warning: message`.
public struct LabelProblem: Error, Equatable, Hashable, Sendable, Codable, CustomStringConvertible {
    /// The file the problem is in, as given to the reader.
    public var file: String
    /// The 1-based line, when the format has lines.
    public var line: Int?
    /// The 1-based column, when known.
    public var column: Int?
    /// Error or warning.
    public var severity: ProblemSeverity
    /// What was expected and what was found.
    public var message: String

    /// A problem in `file`, at `line` when known.
    public init(file: String, line: Int? = nil, column: Int? = nil, severity: ProblemSeverity, message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.severity = severity
        self.message = message
    }

    /// `FILE[:LINE[:COLUMN]]: error|warning: message`.
    public var description: String {
        // The file may be a name read from a label file (an image's file_name): shown escaped.
        var place = escapedForMessage(file, limit: .max)
        if let line { place += ":\(line)" }
        if let line = line, line > 0, let column { place += ":\(column)" }
        return "\(place): \(severity.rawValue): \(escapedForMessage(message, limit: .max))"
    }
}

extension Array where Element == LabelProblem {
    /// Whether any problem is an error.
    public var containsErrors: Bool { contains { $0.severity == .error } }
}
