/// What can go wrong in the annotator; each case knows the HTTP status it answers with.
public enum AnnotatorError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A request body or argument is malformed or out of range; `place` names the field.
    case invalid(place: String, detail: String)
    /// No image, class or route with that name.
    case notFound(String)
    /// A path leaves the served folder or is otherwise refused.
    case forbidden(String)
    /// The body is larger than the limit.
    case tooLarge(limit: Int)
    /// A token is required and was missing or wrong.
    case unauthorized
    /// A file could not be read or written.
    case unreadable(file: String, reason: String)
    /// The database failed.
    case database(String)

    /// The HTTP status code for the error.
    public var httpStatus: Int {
        switch self {
        case .invalid: 400
        case .notFound: 404
        case .forbidden: 403
        case .tooLarge: 413
        case .unauthorized: 401
        case .unreadable, .database: 500
        }
    }

    /// A message for people.
    public var description: String {
        switch self {
        case .invalid(let place, let detail): "\(place): \(detail)"
        case .notFound(let what): "not found: \(what)"
        case .forbidden(let why): "forbidden: \(why)"
        case .tooLarge(let limit): "request body larger than \(limit) bytes"
        case .unauthorized: "a valid token is required (Authorization: Bearer TOKEN or ?token=TOKEN)"
        case .unreadable(let file, let reason): "\(file): \(reason)"
        case .database(let detail): "database: \(detail)"
        }
    }
}
