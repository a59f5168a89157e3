import Hummingbird

/// Who may talk to a local HTTP server (`percept serve`, `percept annotate serve`): a server on
/// loopback without a token accepts only loopback `Host` names, so a page elsewhere cannot reach
/// it by DNS rebinding; a server with a token wants it on every request, compared in constant time.
///
/// ```swift
/// let access = ServerAccess(host: "127.0.0.1", token: nil)
/// if let host = access.foreignHost(of: request) { throw MyError.forbidden(host) }
/// ```
public struct ServerAccess: Sendable {
    /// The address the server binds.
    public let host: String
    /// The token every request must carry, if any.
    public let token: String?

    /// The access rules of a server on `host` with `token`.
    public init(host: String, token: String?) {
        self.host = host
        self.token = token
    }

    /// True for addresses only this machine can reach.
    public static func isLoopback(_ host: String) -> Bool {
        host == "localhost" || host == "::1" || host.hasPrefix("127.")
    }

    /// False for a server that others can reach without a token: a host other than loopback
    /// needs a non-empty token.
    public var isSafe: Bool {
        Self.isLoopback(host) || !(token ?? "").isEmpty
    }

    /// The request's `Host` header when it names another machine and the server must refuse it
    /// (on loopback without a token); nil when the request may proceed.
    public func foreignHost(of request: Request) -> String? {
        guard Self.isLoopback(host), token == nil, let authority = request.head.authority else { return nil }
        let name = authority.hasPrefix("[") ? String(authority.prefix { $0 != "]" }.dropFirst())
                                            : String(authority.split(separator: ":").first ?? "")
        return ["localhost", "127.0.0.1", "::1"].contains(name) ? nil : authority
    }

    /// Whether the request carries the token as `Authorization: Bearer TOKEN` (false without a token).
    public func hasBearerToken(_ request: Request) -> Bool {
        guard let header = request.headers[.authorization], header.hasPrefix("Bearer ") else { return false }
        return isToken(String(header.dropFirst(7)))
    }

    /// Whether `given` is the token (false without one), in time independent of where they differ.
    public func isToken(_ given: String) -> Bool {
        guard let token else { return false }
        let left = Array(given.utf8), right = Array(token.utf8)
        guard left.count == right.count else { return false }
        return zip(left, right).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }
}
