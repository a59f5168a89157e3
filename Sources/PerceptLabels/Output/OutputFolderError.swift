import Foundation

/// Why an output folder was refused or could not be written. The messages are neutral: each
/// front end adds how to allow a replacement (`--force` on the command line, `"force": true`
/// in the annotator's API).
public enum OutputFolderError: Error, Equatable, Sendable, CustomStringConvertible {
    /// How an output path meets a protected one.
    public enum Relation: String, Sendable {
        /// The two are the same folder.
        case same
        /// The output lies inside the protected folder.
        case inside
        /// The output contains the protected folder or file.
        case contains
    }

    /// The path is empty or blank; `argument` names it ("OUT", "target").
    case emptyPath(argument: String)
    /// Something other than a folder exists at the path.
    case notAFolder(path: String)
    /// The output is, lies inside or contains `other`, which is the `role` ("input folder").
    case overlaps(path: String, relation: Relation, other: String, role: String)
    /// The folder holds files, and replacing was not asked for.
    case notEmpty(path: String)
    /// Replacing was asked for, but Percept did not write the folder: some of its files and
    /// how many more there are.
    case notPerceptOutput(path: String, files: [String], more: Int)
    /// Writing or renaming failed; the old folder was left as it was.
    case cannotWrite(path: String, reason: String)

    /// Whether the user asked for something the rule forbids (exit code 2, HTTP 400), rather
    /// than the file system failing (exit code 1).
    public var isUsage: Bool {
        if case .cannotWrite = self { return false }
        return true
    }

    /// The output path the problem is about; nil for an empty path.
    public var path: String? {
        switch self {
        case .emptyPath: nil
        case .notAFolder(let path), .overlaps(let path, _, _, _), .notEmpty(let path), .notPerceptOutput(let path, _, _),
             .cannotWrite(let path, _): path
        }
    }

    /// The problem, without the path.
    public var message: String {
        switch self {
        case .emptyPath(let argument):
            return "\(argument) is empty; name the output folder (for the current folder, write '.')"
        case .notAFolder:
            return "exists and is not a folder; choose a folder"
        case .overlaps(_, let relation, let other, let role):
            switch relation {
            case .same: return "is the \(role); choose another output folder"
            case .inside: return "lies inside the \(role) \(other); choose a folder outside it"
            case .contains: return "contains the \(role) \(other); choose a folder that does not hold it"
            }
        case .notEmpty:
            return "exists and is not empty"
        case .notPerceptOutput(_, let files, let more):
            let rest = more == 0 ? "" : more + files.count >= OutputFolder.countLimit ? " … and at least \(more) more" : " … and \(more) more"
            return "holds files Percept did not write (no \(OutputFolder.markerFileName) marker), so it is not replaced: "
                + files.joined(separator: ", ") + rest + "; choose another folder, or empty this one yourself"
        case .cannotWrite(_, let reason):
            return "cannot write the output, the folder was left as it was: \(reason)"
        }
    }

    /// `PATH: message`, or the message alone.
    public var description: String {
        path.map { "\($0): \(message)" } ?? message
    }
}
