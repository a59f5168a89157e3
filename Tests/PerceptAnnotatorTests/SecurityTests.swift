import Foundation
import PerceptAnnotator
import PerceptLabels
import Testing

@Suite("annotator safety")
struct SecurityTests {
    @Test("traversal in the request path is refused, plain or percent-encoded", arguments: [
        "/images/../../../etc/passwd", "/images/%2e%2e/%2e%2e/etc/passwd", "/images/..%2f..%2fetc%2fpasswd",
        "/images/%2E%2E%2F%2E%2E%2Fetc%2Fpasswd", "/api/images/1/../../../etc/passwd", "/images/.%2e/x", "/images/%252e%252e/x",
        "/app/..%5c..%5cetc%5cpasswd",
    ])
    func refusesTraversal(path: String) async throws {
        let server = try await TestServer()
        let answer = try await server.client.send("GET", path)
        #expect(answer.status == 403 || answer.status == 404 || answer.status == 400)
        #expect(!answer.text.contains("root:"))
    }

    @Test("a symbolic link out of the folder is not listed, and one swapped in after the scan is refused")
    func refusesSymlinksOut() async throws {
        let outside = try TestServer.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: outside) }
        try TestServer.writeImage(outside.appendingPathComponent("secret.png"), width: 8, height: 8)
        let server = try await TestServer { folder in
            try FileManager.default.createSymbolicLink(at: folder.appendingPathComponent("link.png"),
                                                       withDestinationURL: outside.appendingPathComponent("secret.png"))
            try FileManager.default.createSymbolicLink(at: folder.appendingPathComponent("inside.png"),
                                                       withDestinationURL: folder.appendingPathComponent("a.png"))
        }
        let paths = try server.store.images().map(\.path)
        #expect(!paths.contains("link.png"))
        #expect(paths.contains("inside.png"))
        let id = try server.id("b.png")
        let file = server.folder.appendingPathComponent("b.png")
        try FileManager.default.removeItem(at: file)
        try FileManager.default.createSymbolicLink(at: file, withDestinationURL: outside.appendingPathComponent("secret.png"))
        #expect(try await server.client.send("GET", "/images/\(id)").status == 403)
    }

    @Test("a host other than loopback needs a token")
    func nonLoopbackNeedsToken() throws {
        let folder = try TestServer.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = try AnnotationStore(root: folder)
        #expect(throws: AnnotatorError.self) { try AnnotatorServer(store: store, settings: ServerSettings(host: "0.0.0.0", port: 0)) }
        #expect(throws: Never.self) { try AnnotatorServer(store: store, settings: ServerSettings(host: "127.0.0.1", port: 0)) }
        #expect(ServerSettings.generateToken().count == 32)
    }

    @Test("off loopback a wrong or missing token is refused; Bearer, the URL once, then the cookie are accepted")
    func tokenChecks() async throws {
        let token = "0123456789abcdef0123456789abcdef"
        let server = try await TestServer(settings: ServerSettings(host: "0.0.0.0", port: 0, token: token))
        var client = server.client
        client.headers = [:]
        #expect(try await client.send("GET", "/api/images").status == 401)
        #expect(try await client.send("GET", "/").status == 401)
        #expect(try await client.send("GET", "/api/images", headers: ["Authorization": "Bearer wrong"]).status == 401)
        #expect(try await client.send("GET", "/api/images?token=wrong").status == 401)
        #expect(try await client.send("GET", "/api/images", headers: ["Authorization": "Bearer \(token)"]).status == 200)
        let first = try await client.send("GET", "/?token=\(token)")
        #expect(first.status == 200)
        let cookie = first.headers["set-cookie"] ?? ""
        #expect(cookie.hasPrefix("percept_token=\(token)") && cookie.contains("HttpOnly"))
        let pair = String(cookie.split(separator: ";").first ?? "")
        #expect(try await client.send("GET", "/api/classes", headers: ["Cookie": pair]).status == 200)
        #expect(try await client.send("PUT", "/api/images/1/shapes", json: #"{"version":0,"shapes":[]}"#).status == 401)
        #expect(try await client.send("GET", "/images/1", headers: ["Cookie": "percept_token=nope"]).status == 401)
    }

    @Test("on loopback without a token, requests naming another Host are refused (DNS rebinding)")
    func refusesForeignHost() async throws {
        let server = try await TestServer()
        #expect(try await server.client.send("GET", "/api/images", headers: ["Host": "evil.example:8080"]).status == 403)
        #expect(try await server.client.send("GET", "/api/images", headers: ["Host": "localhost:\(server.port)"]).status == 200)
    }
}
