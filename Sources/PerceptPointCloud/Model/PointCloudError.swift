import PerceptMessages

/// Mistakes in the use of a point cloud's in-memory API (mismatched lengths, bad parameters).
public enum PointCloudError: Error, Equatable, CustomStringConvertible {
    /// An attribute (or a mask, or the organised size) does not have one entry per point.
    case attributeCountMismatch(field: String, expected: Int, found: Int)
    /// A parameter is outside the range the operation accepts.
    case invalidParameter(name: String, expected: String, found: String)
    /// The operation needs an attribute the cloud does not have.
    case missingAttribute(field: String, operation: String)

    public var description: String {
        switch self {
        case let .attributeCountMismatch(field, expected, found):
            return "field \(quotedToken(field)) has \(found) values, expected \(expected) (one per point)"
        case let .invalidParameter(name, expected, found):
            return "parameter \(quotedToken(name)) must be \(expected), found \(found)"
        case let .missingAttribute(field, operation):
            return "\(operation) needs the field \(quotedToken(field)), which the cloud does not have"
        }
    }
}
