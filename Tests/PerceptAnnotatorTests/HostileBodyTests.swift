import Foundation
import Testing

@Suite("annotator: hostile request bodies")
struct HostileBodyTests {
    /// No wall-clock bound: under a loaded CI run (mpirun and ONNX Runtime tests beside it) the
    /// upload alone took 8–10 s; a parser without the limit overflows the stack and kills the
    /// server, which the 400 with its message and the next answer rule out.
    @Test("a body nested a million levels deep (within the size limit) gets 400 from the depth-limited parser, and the server keeps serving")
    func deepBody() async throws {
        let server = try await TestServer()
        let id = try server.id("a.png")
        let body = #"{"version":0,"shapes":"# + String(repeating: "[", count: 1_000_000)
        let answer = try await server.client.send("PUT", "/api/images/\(id)/shapes", json: body)
        #expect(answer.status == 400)
        #expect(answer.text.contains("nesting deeper than"), "\(answer.text)")
        let (status, _) = try await server.client.json("GET", "/api/images/\(id)")
        #expect(status == 200)
    }
}
