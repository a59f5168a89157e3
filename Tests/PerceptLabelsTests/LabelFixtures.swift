import Foundation
import PerceptImage
@testable import PerceptLabels

/// The committed label fixtures under Fixtures/labels.
enum LabelFixtures {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fixtures/labels")

    static func url(_ path: String) -> URL { folder.appendingPathComponent(path) }

    /// A fixture parsed as JSON.
    static func json(_ path: String) throws -> JSONValue {
        try JSONParser.parse([UInt8](try Data(contentsOf: url(path))), file: path)
    }

    /// The pycocotools reference (written by Tools/make-rle-fixtures).
    static let pycocotools: JSONValue = (try? json("rle/pycocotools.json")) ?? .null

    /// A fresh empty folder for a test's output.
    static func temporaryFolder(_ name: String = #function) throws -> URL {
        let safe = name.filter { $0.isLetter || $0.isNumber }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("percept-labels-\(safe)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }
}

extension Mask {
    /// A mask from rows of "0"/"1" characters.
    init(rows: [String]) throws {
        try self.init(width: rows.first?.count ?? 0, height: rows.count,
                      values: rows.flatMap { $0.map { $0 == "1" ? UInt8(1) : 0 } })
    }
}
