import Foundation
import Testing

@Suite("annotator: hostile request bodies")
struct HostileBodyTests {
    @Test("a body nested a million levels deep (within the size limit) gets 400 from the depth-limited parser, quickly")
    func deepBody() async throws {
        let server = try await TestServer()
        let id = try server.id("a.png")
        let start = Date()
        let body = #"{"version":0,"shapes":"# + String(repeating: "[", count: 1_000_000)
        let answer = try await server.client.send("PUT", "/api/images/\(id)/shapes", json: body)
        #expect(answer.status == 400)
        #expect(answer.text.contains("nesting deeper than"), "\(answer.text)")
        #expect(Date().timeIntervalSince(start) < 5)
        let (status, _) = try await server.client.json("GET", "/api/images/\(id)")
        #expect(status == 200)
    }
}
