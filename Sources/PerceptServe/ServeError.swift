/// What can go wrong in the inference server; each case knows the HTTP status it answers with.
public enum ServeError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A request is malformed (a bad query parameter, an empty body); `place` names the field.
    case invalid(place: String, detail: String)
    /// The upload is not a file the model reads (not an image, a truncated image, a damaged cloud).
    case unreadableUpload(file: String, detail: String)
    /// No model or route of that name.
    case notFound(String)
    /// The route exists but not for this method.
    case methodNotAllowed(method: String, path: String, allowed: String)
    /// The body is larger than the limit.
    case tooLarge(limit: Int)
    /// The body's content type is not one the endpoint reads.
    case unsupportedMediaType(found: String, expected: String)
    /// A token is required and was missing or wrong.
    case unauthorized
    /// The server settings are unusable (a non-loopback host without a token, a bad limit).
    case badSettings(place: String, detail: String)
    /// A weights file cannot be served.
    case unservable(file: String, reason: String)
    /// The model failed on a well-formed input.
    case inference(String)
    /// The server is shutting down.
    case stopping

    /// The HTTP status code for the error.
    public var httpStatus: Int {
        switch self {
        case .invalid, .unreadableUpload, .badSettings: 400
        case .unauthorized: 401
        case .notFound: 404
        case .methodNotAllowed: 405
        case .tooLarge: 413
        case .unsupportedMediaType: 415
        case .unservable, .inference: 500
        case .stopping: 503
        }
    }

    /// A message for people.
    public var description: String {
        switch self {
        case let .invalid(place, detail): "\(place): \(detail)"
        case let .unreadableUpload(file, detail): "\(file): \(detail)"
        case let .notFound(what): "not found: \(what)"
        case let .methodNotAllowed(method, path, allowed): "\(method) is not allowed on \(path); use \(allowed)"
        case let .tooLarge(limit): "request body larger than \(limit) bytes"
        case let .unsupportedMediaType(found, expected): "Content-Type \(found.isEmpty ? "missing" : "'\(found)'") is not accepted; send \(expected)"
        case .unauthorized: "a valid token is required (Authorization: Bearer TOKEN)"
        case let .badSettings(place, detail): "\(place): \(detail)"
        case let .unservable(file, reason): "\(file): \(reason)"
        case let .inference(detail): "inference failed: \(detail)"
        case .stopping: "the server is shutting down"
        }
    }
}
