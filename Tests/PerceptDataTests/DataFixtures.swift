import Foundation

/// The committed data fixtures (written by Tools/make-pickle-fixtures) and scratch folders.
enum DataFixtures {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fixtures/data")

    static func url(_ path: String) -> URL { folder.appendingPathComponent(path) }

    static func bytes(_ path: String) throws -> [UInt8] { [UInt8](try Data(contentsOf: url(path))) }

    /// A fresh empty folder for a test's files.
    static func temporaryFolder(_ name: String = #function) throws -> URL {
        let safe = name.filter { $0.isLetter || $0.isNumber }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("percept-data-\(safe)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }
}

/// Pickle bytes written opcode by opcode, so a test reads like the disassembly (calls chain).
final class PickleBytes {
    var bytes: [UInt8] = []

    @discardableResult
    func op(_ code: UInt8, _ arguments: [UInt8] = []) -> Self {
        bytes.append(code)
        bytes += arguments
        return self
    }

    /// An opcode given by its ASCII letter.
    @discardableResult
    func op(_ letter: Character, _ arguments: [UInt8] = []) -> Self { op(letter.asciiValue ?? 0, arguments) }

    /// A little-endian integer of `width` bytes.
    static func le(_ value: Int, _ width: Int) -> [UInt8] { (0..<width).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) } }

    /// A newline-terminated text argument (protocol 0).
    static func line(_ text: String) -> [UInt8] { Array(text.utf8) + [0x0A] }

    /// SHORT_BINSTRING: a Python 2 str.
    @discardableResult
    func shortBinString(_ text: String) -> Self { op("U", [UInt8(text.utf8.count)] + Array(text.utf8)) }

    /// SHORT_BINUNICODE: a Python 3 str.
    @discardableResult
    func shortBinUnicode(_ text: String) -> Self { op(0x8C, [UInt8(text.utf8.count)] + Array(text.utf8)) }
}
