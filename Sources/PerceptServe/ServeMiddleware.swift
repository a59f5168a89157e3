import Hummingbird
import PerceptHTTP

extension ServeError: HTTPStatusError {
    /// `Allow` with a 405.
    public var httpHeaders: HTTPFields {
        guard case let .methodNotAllowed(_, _, allowed) = self else { return [:] }
        return [.allow: allowed]
    }
}

/// Checks the token on every request (`Authorization: Bearer TOKEN`), on loopback without a
/// token accepts only loopback `Host` names (``ServerAccess``), and answers unknown paths 404
/// and known paths with the wrong method 405.
struct ServeAccessMiddleware<Context: RequestContext>: RouterMiddleware {
    var access: ServerAccess

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if let host = access.foreignHost(of: request) {
            throw ServeError.invalid(place: "Host", detail: "'\(host)' is not a loopback name")
        }
        if access.token != nil, !access.hasBearerToken(request) {
            throw ServeError.unauthorized
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
}
