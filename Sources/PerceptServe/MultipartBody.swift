/// The parts of a `multipart/form-data` body (RFC 7578): each part's headers and content.
enum MultipartBody {
    /// One part.
    struct Part {
        /// The `filename` of its `Content-Disposition`, if any.
        var fileName: String?
        /// Its bytes.
        var content: [UInt8]
    }

    /// Splits `body` at `--boundary` lines; a body without its first boundary, a part without
    /// a blank line after its headers, or a missing closing boundary is refused.
    static func parts(_ body: [UInt8], boundary: String) throws -> [Part] {
        let delimiter = Array("--\(boundary)".utf8), separator = Array("\r\n--\(boundary)".utf8)
        guard let first = body.firstRange(of: delimiter) else {
            throw ServeError.invalid(place: "request body", detail: "the multipart boundary '\(boundary)' never appears")
        }
        var parts: [Part] = [], position = first.upperBound
        while true {
            // After a boundary: "--" closes the body, CRLF starts a part.
            if body[position...].starts(with: Array("--".utf8)) { return parts }
            guard body[position...].starts(with: [13, 10]) else { throw malformed("a boundary line is not followed by CRLF") }
            let headerStart = position + 2
            guard let headerEnd = body[headerStart...].firstRange(of: [13, 10, 13, 10]) else { throw malformed("a part has no blank line after its headers") }
            guard let next = body[headerEnd.upperBound...].firstRange(of: separator) else { throw malformed("the closing boundary is missing (a truncated body?)") }
            let headers = String(decoding: body[headerStart..<headerEnd.lowerBound], as: UTF8.self)
            parts.append(Part(fileName: fileName(in: headers), content: Array(body[headerEnd.upperBound..<next.lowerBound])))
            position = next.upperBound
        }
    }

    /// The `filename` parameter of the `Content-Disposition` header among `headers`.
    private static func fileName(in headers: String) -> String? {
        for line in headers.split(separator: "\r\n") where line.lowercased().hasPrefix("content-disposition:") {
            return MediaType.parameter("filename", of: String(line))
        }
        return nil
    }

    private static func malformed(_ detail: String) -> ServeError {
        ServeError.invalid(place: "request body", detail: "malformed multipart/form-data: \(detail)")
    }
}
