import Hummingbird
import PerceptLabels

/// Answers every error as JSON `{"error": …}` with its status (a ``ServeError``'s own, 500 for
/// anything else), so a bad upload never leaves the client with an empty or HTML answer.
struct ServeErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as ServeError {
            var response = ServeResponse.json(.object([("error", .string(error.description))]), status: error.httpStatus)
            if case let .methodNotAllowed(_, _, allowed) = error { response.headers[.allow] = allowed }
            return response
        } catch let error as HTTPResponseError {
            return ServeResponse.json(.object([("error", .string("HTTP \(error.status.code) \(error.status.reasonPhrase)"))]), status: error.status.code)
        } catch {
            return ServeResponse.json(.object([("error", .string("\(error)"))]), status: 500)
        }
    }
}

/// Checks the token on every request (`Authorization: Bearer TOKEN`), on loopback without a
/// token accepts only loopback `Host` names (so a page elsewhere cannot reach the server by
/// DNS rebinding), and answers unknown paths 404 and known paths with the wrong method 405.
struct ServeAccessMiddleware<Context: RequestContext>: RouterMiddleware {
    var token: String?
    var checkHost: Bool

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if checkHost, let host = request.head.authority {
            let name = host.hasPrefix("[") ? String(host.prefix { $0 != "]" }.dropFirst()) : String(host.split(separator: ":").first ?? "")
            guard ["localhost", "127.0.0.1", "::1"].contains(name) else {
                throw ServeError.invalid(place: "Host", detail: "'\(host)' is not a loopback name")
            }
        }
        if let token {
            guard let header = request.headers[.authorization], header.hasPrefix("Bearer "), Self.same(String(header.dropFirst(7)), token) else {
                throw ServeError.unauthorized
            }
        }
        let path = request.uri.path
        guard let allowed = ServeRoutes.allowedMethod(for: path) else {
            throw ServeError.notFound("\(path); the routes are GET /health, GET /v1/models, POST /v1/models/{name}/predict")
        }
        guard request.method == allowed else {
            throw ServeError.methodNotAllowed(method: request.method.rawValue, path: path, allowed: allowed.rawValue)
        }
        return try await next(request, context)
    }

    /// Compares in time independent of where the strings differ.
    static func same(_ given: String, _ expected: String) -> Bool {
        let left = Array(given.utf8), right = Array(expected.utf8)
        guard left.count == right.count else { return false }
        return zip(left, right).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }
}
