import Foundation

/// Reading whole files and writing them atomically, with errors that name the file.
enum FileAccess {
    /// The bytes of the file at `path`.
    static func read(_ path: String) throws -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path) else {
            let reason = FileManager.default.fileExists(atPath: path) ? "cannot read the file" : "no such file"
            throw PointCloudFileError.inputOutput(file: path, reason: reason)
        }
        return [UInt8](data)
    }

    /// Writes `bytes` to a temporary file beside `path`, then renames it into place.
    static func write(_ bytes: [UInt8], to path: String) throws {
        do {
            try Data(bytes).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw PointCloudFileError.inputOutput(file: path, reason: "cannot write: \(error.localizedDescription)")
        }
    }
}

/// Splits text into lines while tracking 1-based line numbers, for text headers and bodies.
struct TextLines {
    let bytes: [UInt8]
    var position: Int
    var lineNumber = 0

    init(_ bytes: [UInt8], from position: Int = 0) {
        self.bytes = bytes
        self.position = position
    }

    /// The next line without its terminator (and without a trailing carriage return), or nil at the end.
    mutating func next() -> String? {
        guard position < bytes.count else { return nil }
        let start = position
        var end = start
        while end < bytes.count && bytes[end] != 0x0A { end += 1 }
        position = min(end + 1, bytes.count)
        lineNumber += 1
        var stop = end
        if stop > start && bytes[stop - 1] == 0x0D { stop -= 1 }
        return String(decoding: bytes[start..<stop], as: UTF8.self)
    }
}

extension String {
    /// The whitespace-separated words of the text.
    var words: [Substring] { split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" }) }
}
