import Foundation
import Hummingbird
import PerceptLabels

/// Answers every `AnnotatorError` as JSON `{"error": …}` with its HTTP status.
struct ErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as AnnotatorError {
            return JSONResponse.make(.object([("error", .string(error.description))]), status: error.httpStatus)
        }
    }
}

/// Refuses traversal in the request path (plain or percent-encoded), checks the token on
/// every request, and on loopback without a token accepts only local `Host` names (so a
/// page elsewhere cannot reach the API by DNS rebinding). A token given once in the URL is
/// moved into a cookie.
struct AccessMiddleware<Context: RequestContext>: RouterMiddleware {
    var token: String?
    var checkHost: Bool
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
        if checkHost, let host = request.head.authority {
            let name = host.hasPrefix("[") ? String(host.prefix { $0 != "]" }.dropFirst()) : String(host.split(separator: ":").first ?? "")
            guard ["localhost", "127.0.0.1", "::1"].contains(name) else {
                throw AnnotatorError.forbidden("Host '\(host)' is not a loopback name")
            }
        }
        if (request.method == .put || request.method == .post || request.method == .patch),
           request.headers[.contentType]?.lowercased().hasPrefix("application/json") != true {
            // A cross-site form can post text/plain without asking; JSON needs a preflight we never grant.
            throw AnnotatorError.invalid(place: "Content-Type", detail: "expected application/json, found \(request.headers[.contentType] ?? "nothing")")
        }
        guard let token else { return try await next(request, context) }
        if let header = request.headers[.authorization], header.hasPrefix("Bearer "),
           AccessMiddleware.same(String(header.dropFirst(7)), token) {
            return try await next(request, context)
        }
        if let cookie = request.cookies[AccessMiddleware.cookieName], AccessMiddleware.same(cookie.value, token) {
            return try await next(request, context)
        }
        if let query = request.uri.queryParameters["token"], AccessMiddleware.same(String(query), token) {
            var response = try await next(request, context)
            response.headers[.setCookie] = "\(AccessMiddleware.cookieName)=\(token); Path=/; HttpOnly; SameSite=Strict"
            return response
        }
        throw AnnotatorError.unauthorized
    }

    /// Compares in time independent of where the strings differ.
    static func same(_ given: String, _ expected: String) -> Bool {
        let left = Array(given.utf8), right = Array(expected.utf8)
        guard left.count == right.count else { return false }
        return zip(left, right).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }
}

/// Builds JSON responses.
enum JSONResponse {
    static func make(_ value: JSONValue, status: Int = 200) -> Response {
        Response(status: HTTPResponse.Status(code: status),
                 headers: [.contentType: "application/json; charset=utf-8", .cacheControl: "no-store"],
                 body: ResponseBody(byteBuffer: ByteBuffer(bytes: JSONWriter.encode(value, pretty: false))))
    }
}
