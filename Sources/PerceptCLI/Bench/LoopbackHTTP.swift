import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// One HTTP/1.1 exchange with a server on 127.0.0.1, over a plain socket. `percept bench
/// annotate` and the annotator's tests use it instead of URLSession, whose FoundationNetworking
/// would load libcurl and ~30 TLS/Kerberos libraries at every start of `percept`; and it sends
/// the request line exactly as written, so tests can reach the server with `..` untouched.
enum LoopbackHTTP {
    /// A server's answer.
    struct Answer {
        var status: Int
        /// Header names lower-cased.
        var headers: [String: String]
        var body: [UInt8]
    }

    /// A socket call that failed, or an answer that is not HTTP.
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// The bytes of a request with `Connection: close` (and `Host` unless given), the fields
    /// sorted by name, and `Content-Length` when there is a body.
    static func request(port: Int, method: String, path: String, headers: [String: String] = [:], body: [UInt8]? = nil) -> [UInt8] {
        var fields = headers
        if fields["Host"] == nil { fields["Host"] = "127.0.0.1:\(port)" }
        if let body { fields["Content-Length"] = "\(body.count)" }
        var head = "\(method) \(path) HTTP/1.1\r\nConnection: close\r\n"
        for (name, value) in fields.sorted(by: { $0.key < $1.key }) { head += "\(name): \(value)\r\n" }
        head += "\r\n"
        return Array(head.utf8) + (body ?? [])
    }

    /// Sends `request` to 127.0.0.1:`port` and reads the answer until the server closes.
    static func exchange(port: Int, request: [UInt8]) throws -> Answer {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw Failure(description: "socket: \(String(cString: strerror(errno)))") }
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw Failure(description: "connect to 127.0.0.1:\(port): \(String(cString: strerror(errno)))") }
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
        return try parse(response)
    }

    private static func parse(_ response: [UInt8]) throws -> Answer {
        let separator: [UInt8] = [13, 10, 13, 10]
        guard let end = (0..<max(0, response.count - 3)).first(where: { Array(response[$0..<$0 + 4]) == separator }) else {
            throw Failure(description: "no HTTP header in \(response.count) bytes")
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
        return Answer(status: status, headers: headers, body: body)
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
