import Foundation
import Hummingbird
import PerceptHTTP

extension AnnotatorError: HTTPStatusError {}

/// Refuses traversal in the request path (plain or percent-encoded), checks the token on
/// every request, and on loopback without a token accepts only local `Host` names
/// (``ServerAccess``). A token given once in the URL is moved into a cookie.
struct AccessMiddleware<Context: RequestContext>: RouterMiddleware {
    var access: ServerAccess
    static var cookieName: String { "percept_token" }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let raw = request.head.path ?? "/"
        let rawPath = String(raw.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first ?? "")
        let lowered = rawPath.lowercased()
        guard let decoded = rawPath.removingPercentEncoding,
              !["%2f", "%5c", "%00", "%25"].contains(where: lowered.contains), !decoded.contains("\\"), !decoded.contains("\0"),
              !decoded.split(separator: "/", omittingEmptySubsequences: false).contains(where: { $0 == ".." || $0 == "." }) else {
            throw AnnotatorError.forbidden("the path '\(rawPath)' is not allowed")
        }
        if let host = access.foreignHost(of: request) {
            throw AnnotatorError.forbidden("Host '\(host)' is not a loopback name")
        }
        if (request.method == .put || request.method == .post || request.method == .patch),
           request.headers[.contentType]?.lowercased().hasPrefix("application/json") != true {
            // A cross-site form can post text/plain without asking; JSON needs a preflight we never grant.
            throw AnnotatorError.invalid(place: "Content-Type", detail: "expected application/json, found \(request.headers[.contentType] ?? "nothing")")
        }
        guard let token = access.token else { return try await next(request, context) }
        if access.hasBearerToken(request) {
            return try await next(request, context)
        }
        if let cookie = request.cookies[AccessMiddleware.cookieName], access.isToken(cookie.value) {
            return try await next(request, context)
        }
        if let query = request.uri.queryParameters["token"], access.isToken(String(query)) {
            var response = try await next(request, context)
            response.headers[.setCookie] = "\(AccessMiddleware.cookieName)=\(token); Path=/; HttpOnly; SameSite=Strict"
            return response
        }
        throw AnnotatorError.unauthorized
    }
}
