import Foundation
import PerceptLabels
#if canImport(Glibc)
import Glibc
#endif

/// An HTTP/1.1 answer as the tests see it.
struct HTTPAnswer {
    var status: Int
    var headers: [String: String]
    var body: [UInt8]

    var json: JSONValue? { try? JSONParser.parse(body, file: "response") }
    var text: String { String(decoding: body, as: UTF8.self) }
}

enum HTTPClientError: Error { case socket(String) }

/// A raw HTTP client over a socket: it sends the request line exactly as written, so the
/// traversal tests reach the server with `..` and `%2e%2e` untouched (URLSession would
/// normalise them away). Each exchange runs on its own thread: blocking a thread of Swift's
/// small cooperative pool could starve the in-process server the test is waiting for.
struct HTTPClient {
    var port: Int
    var headers: [String: String] = [:]

    func send(_ method: String, _ path: String, json body: String? = nil, bytes rawBody: [UInt8]? = nil,
              headers extra: [String: String] = [:]) async throws -> HTTPAnswer {
        let payload = rawBody ?? body.map { Array($0.utf8) } ?? []
        var head = "\(method) \(path) HTTP/1.1\r\nConnection: close\r\n"
        var fields = headers.merging(extra) { $1 }
        if fields["Host"] == nil { fields["Host"] = "127.0.0.1:\(port)" }
        if body != nil || rawBody != nil {
            if fields["Content-Type"] == nil { fields["Content-Type"] = "application/json" }
            fields["Content-Length"] = "\(payload.count)"
        }
        for (name, value) in fields.sorted(by: { $0.key < $1.key }) { head += "\(name): \(value)\r\n" }
        head += "\r\n"
        let request = Array(head.utf8) + payload
        return try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try exchange(request) }) }.start()
        }
    }

    func json(_ method: String, _ path: String, _ body: String? = nil) async throws -> (Int, JSONValue) {
        let answer = try await send(method, path, json: body)
        return (answer.status, answer.json ?? .null)
    }

    private func exchange(_ request: [UInt8]) throws -> HTTPAnswer {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw HTTPClientError.socket("socket") }
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw HTTPClientError.socket("connect to \(port)") }
        var sent = 0
        while sent < request.count {
            let count = request[sent...].withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
            // The server may answer (413) and close before reading the whole body.
            guard count > 0 else { break }
            sent += count
        }
        var response: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            guard count > 0 else { break }
            response += buffer[0..<count]
        }
        return try HTTPClient.parse(response)
    }

    private static func parse(_ response: [UInt8]) throws -> HTTPAnswer {
        let separator: [UInt8] = [13, 10, 13, 10]
        guard let end = (0..<max(0, response.count - 3)).first(where: { Array(response[$0..<$0 + 4]) == separator }) else {
            throw HTTPClientError.socket("no HTTP header in \(response.count) bytes")
        }
        let lines = String(decoding: response[..<end], as: UTF8.self).components(separatedBy: "\r\n")
        let status = Int(lines.first?.split(separator: " ").dropFirst().first ?? "") ?? 0
        var headers: [String: String] = [:]
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        var body = Array(response[(end + 4)...])
        if headers["transfer-encoding"]?.lowercased() == "chunked" { body = dechunk(body) }
        return HTTPAnswer(status: status, headers: headers, body: body)
    }

    private static func dechunk(_ data: [UInt8]) -> [UInt8] {
        var result: [UInt8] = [], index = 0
        while index < data.count {
            guard let lineEnd = (index..<data.count - 1).first(where: { data[$0] == 13 && data[$0 + 1] == 10 }),
                  let size = Int(String(decoding: data[index..<lineEnd], as: UTF8.self), radix: 16), size > 0 else { break }
            result += data[(lineEnd + 2)..<min(data.count, lineEnd + 2 + size)]
            index = lineEnd + 2 + size + 2
        }
        return result
    }
}
