import Hummingbird
import PerceptHTTP
import Testing

/// The access rules both servers apply: which hosts are loopback, when a token is required,
/// which `Host` headers a loopback server refuses, and how a token is recognised.
@Suite("server access: loopback, Host names, tokens")
struct ServerAccessTests {
    static func request(authority: String? = nil, authorization: String? = nil) -> Request {
        var head = HTTPRequest(method: .get, scheme: "http", authority: authority, path: "/")
        if let authorization { head.headerFields[.authorization] = authorization }
        return Request(head: head, body: RequestBody(buffer: ByteBuffer()))
    }

    @Test("loopback addresses are 127.*, localhost and ::1; nothing else", arguments: [
        ("127.0.0.1", true), ("127.3.2.1", true), ("localhost", true), ("::1", true),
        ("0.0.0.0", false), ("10.0.0.1", false), ("::", false), ("example.com", false), ("128.0.0.1", false),
    ])
    func loopback(host: String, expected: Bool) {
        #expect(ServerAccess.isLoopback(host) == expected)
    }

    @Test("a host others can reach needs a non-empty token; loopback needs none")
    func safety() {
        #expect(ServerAccess(host: "127.0.0.1", token: nil).isSafe)
        #expect(!ServerAccess(host: "0.0.0.0", token: nil).isSafe)
        #expect(!ServerAccess(host: "0.0.0.0", token: "").isSafe)
        #expect(ServerAccess(host: "0.0.0.0", token: "secret").isSafe)
    }

    @Test("on loopback without a token only loopback Host names pass (DNS rebinding)", arguments: [
        ("localhost:8080", nil), ("127.0.0.1", nil), ("[::1]:8080", nil),
        ("evil.example:8080", "evil.example:8080"), ("127.0.0.2:80", "127.0.0.2:80"), ("[fe80::1]:80", "[fe80::1]:80"),
        ("localhost.evil.example", "localhost.evil.example"),
    ] as [(String, String?)])
    func hostNames(authority: String, refused: String?) {
        #expect(ServerAccess(host: "127.0.0.1", token: nil).foreignHost(of: Self.request(authority: authority)) == refused)
        // With a token, or off loopback, the token is the guard instead.
        #expect(ServerAccess(host: "127.0.0.1", token: "secret").foreignHost(of: Self.request(authority: authority)) == nil)
        #expect(ServerAccess(host: "0.0.0.0", token: "secret").foreignHost(of: Self.request(authority: authority)) == nil)
    }

    @Test("the token is recognised only whole, as 'Bearer TOKEN', and never without one configured")
    func tokens() {
        let access = ServerAccess(host: "0.0.0.0", token: "secret")
        #expect(access.isToken("secret"))
        for wrong in ["", "secre", "secrets", "Secret", "secreT", "secret\u{0}"] { #expect(!access.isToken(wrong), "\(wrong.debugDescription)") }
        #expect(access.hasBearerToken(Self.request(authorization: "Bearer secret")))
        for header in ["Bearer secre", "bearer secret", "secret", "Basic secret", "Bearer  secret"] {
            #expect(!access.hasBearerToken(Self.request(authorization: header)), "\(header)")
        }
        #expect(!access.hasBearerToken(Self.request()))
        let open = ServerAccess(host: "127.0.0.1", token: nil)
        #expect(!open.isToken("") && !open.hasBearerToken(Self.request(authorization: "Bearer ")))
    }

    @Test("a body within the limit is read whole; a larger one gives nil")
    func bodyLimit() async {
        let bytes: [UInt8] = Array(0..<100)
        let request = Request(head: HTTPRequest(method: .post, scheme: "http", authority: "localhost", path: "/"),
                              body: RequestBody(buffer: ByteBuffer(bytes: bytes)))
        #expect(await request.bodyBytes(upTo: 100) == bytes)
        #expect(await request.bodyBytes(upTo: 99) == nil)
    }
}
