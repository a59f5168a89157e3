import Foundation

/// The file a predict request carries, from a raw body or the first file part of a
/// `multipart/form-data` body, with the request's query parameters.
public struct Upload: Sendable {
    /// The file's bytes.
    public var bytes: [UInt8]
    /// The name errors use: the multipart part's file name, or `upload`.
    public var fileName: String
    /// The query parameters (`conf`, `top_k`, `format`, …).
    public var query: [String: String]

    /// An upload from its parts.
    public init(bytes: [UInt8], fileName: String = "upload", query: [String: String] = [:]) {
        self.bytes = bytes
        self.fileName = fileName
        self.query = query
    }

    /// The upload in a request `body` sent with `contentType`: the body itself, or for
    /// `multipart/form-data` its first part with a file name (else its first part).
    public init(body: [UInt8], contentType: String, query: [String: String]) throws {
        self.query = query
        guard MediaType.essence(contentType) == "multipart/form-data" else {
            bytes = body
            fileName = "upload"
            return
        }
        guard let boundary = MediaType.parameter("boundary", of: contentType), !boundary.isEmpty else {
            throw ServeError.invalid(place: "Content-Type", detail: "multipart/form-data without a boundary")
        }
        let parts = try MultipartBody.parts(body, boundary: boundary)
        guard let part = parts.first(where: { $0.fileName != nil }) ?? parts.first else {
            throw ServeError.invalid(place: "request body", detail: "the multipart body holds no part")
        }
        bytes = part.content
        fileName = part.fileName ?? "upload"
    }

    /// The query parameter `name` as a number in `range`, or `fallback` when absent.
    public func number<Value: LosslessStringConvertible & Comparable>(_ name: String, in range: ClosedRange<Value>, default fallback: Value) throws -> Value {
        guard let text = query[name] else { return fallback }
        guard let value = Value(text), range.contains(value) else {
            throw ServeError.invalid(place: "query parameter \(name)", detail: "expected a number in \(range.lowerBound)...\(range.upperBound), found '\(text)'")
        }
        return value
    }
}

/// Reading `Content-Type` values.
enum MediaType {
    /// The type and subtype, lower-cased, without parameters (`image/png`).
    static func essence(_ value: String) -> String {
        String(value.split(separator: ";", maxSplits: 1).first ?? "").trimmingCharacters(in: .whitespaces).lowercased()
    }

    /// The value of parameter `name` (quotes removed), or nil.
    static func parameter(_ name: String, of value: String) -> String? {
        for item in value.split(separator: ";").dropFirst() {
            let pair = item.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard pair.count == 2, pair[0].lowercased() == name else { continue }
            return pair[1].hasPrefix("\"") && pair[1].hasSuffix("\"") && pair[1].count >= 2 ? String(pair[1].dropFirst().dropLast()) : pair[1]
        }
        return nil
    }
}
