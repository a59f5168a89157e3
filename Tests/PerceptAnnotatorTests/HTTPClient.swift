import Foundation
import PerceptLabels
@testable import PerceptCLI

/// An HTTP/1.1 answer as the tests see it.
struct HTTPAnswer {
    var status: Int
    var headers: [String: String]
    var body: [UInt8]

    var json: JSONValue? { try? JSONParser.parse(body, file: "response") }
    var text: String { String(decoding: body, as: UTF8.self) }
}

/// A raw HTTP client over a socket (`LoopbackHTTP`, shared with `percept bench annotate`): it
/// sends the request line exactly as written, so the traversal tests reach the server with `..`
/// and `%2e%2e` untouched (URLSession would normalise them away). Each exchange runs on its own
/// thread: blocking a thread of Swift's small cooperative pool could starve the in-process
/// server the test is waiting for.
struct HTTPClient {
    var port: Int
    var headers: [String: String] = [:]

    func send(_ method: String, _ path: String, json body: String? = nil, bytes rawBody: [UInt8]? = nil,
              headers extra: [String: String] = [:]) async throws -> HTTPAnswer {
        var fields = headers.merging(extra) { $1 }
        let payload = rawBody ?? body.map { Array($0.utf8) }
        if payload != nil, fields["Content-Type"] == nil { fields["Content-Type"] = "application/json" }
        let request = LoopbackHTTP.request(port: port, method: method, path: path, headers: fields, body: payload)
        let answer = try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try LoopbackHTTP.exchange(port: port, request: request) }) }.start()
        }
        return HTTPAnswer(status: answer.status, headers: answer.headers, body: answer.body)
    }

    func json(_ method: String, _ path: String, _ body: String? = nil) async throws -> (Int, JSONValue) {
        let answer = try await send(method, path, json: body)
        return (answer.status, answer.json ?? .null)
    }
}
