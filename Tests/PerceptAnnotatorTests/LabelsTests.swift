import Foundation
import PerceptAnnotator
import PerceptLabels
import PerceptTestSupport
import Testing

/// The repository's Fixtures folder.
let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("Fixtures")

/// Every file under `folder` (relative path → bytes), without the conversion report and the
/// output marker (which names the command and the time).
func filesUnder(_ folder: URL) throws -> [String: [UInt8]] {
    var result: [String: [UInt8]] = [:]
    let walker = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: [.isRegularFileKey])
    while let url = walker?.nextObject() as? URL {
        guard (try url.resourceValues(forKeys: [.isRegularFileKey])).isRegularFile == true,
              url.lastPathComponent != "conversion-report.json", url.lastPathComponent != OutputFolder.markerFileName else { continue }
        result[String(url.standardizedFileURL.path.dropFirst(folder.standardizedFileURL.path.count + 1))] = [UInt8](try Data(contentsOf: url))
    }
    return result
}

@Suite("annotator import and export")
struct LabelsTests {
    /// A server over copies of the coco-small fixture's images with its labels imported.
    func importedServer() async throws -> TestServer {
        let server = try await TestServer(images: [], classes: []) { folder in
            for name in ["park.png", "room.png", "street.png"] {
                try FileManager.default.copyItem(at: fixtures.appendingPathComponent("labels/coco-small/images/\(name)"),
                                                 to: folder.appendingPathComponent(name))
            }
        }
        let (dataset, problems) = DatasetFormat.coco.read(folder: fixtures.appendingPathComponent("labels/coco-small"))
        #expect(!problems.containsErrors)
        let summary = try server.store.importLabels(dataset)
        #expect(summary.images == 3)
        return server
    }

    @Test("imported COCO labels become shapes, classes keep their ids, crowd regions are reported")
    func importsCOCO() async throws {
        let server = try await importedServer()
        #expect(try server.store.classes().map(\.id) == [1, 5, 17])
        let street = try server.store.state(of: try server.id("street.png"))
        #expect(street.shapes.map(\.kind) == [.rect, .polygon])
        #expect(street.shapes[0].coordinates == [4.5, 6.25, 24.5, 18.75])
        #expect(street.shapes[0].attributes["difficult"]?.integer == 1)
        #expect(street.image.status == .inProgress)
        let (status, body) = try await server.client.json("GET", "/api/images")
        #expect(status == 200 && body["counts"]?["in_progress"]?.integer == 3)
    }

    /// The files `write` leaves in `folder`, after which the folder is removed again: writers
    /// record their output path (YOLO's `path:`), so both sides are written at the same place.
    func filesWritten(at folder: URL, _ write: () throws -> Void) throws -> [String: [UInt8]] {
        try write()
        defer { try? FileManager.default.removeItem(at: folder) }
        return try filesUnder(folder)
    }

    func expectSameFiles(_ exported: [String: [UInt8]], _ expected: [String: [UInt8]], _ format: String) {
        #expect(exported.keys.sorted() == expected.keys.sorted())
        for (file, bytes) in expected { #expect(exported[file] == bytes, "\(format): \(file) differs") }
    }

    // CVAT and Label Studio number images in file order, which the store (sorted by path) does
    // not keep from a COCO file; the next test covers them through the app's own COCO export.
    @Test("export equals the PerceptLabels writer's output for the same labels, byte for byte", arguments: ["yolo", "voc"])
    func exportMatchesWriters(format: String) async throws {
        let server = try await importedServer()
        let output = try TestServer.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: output) }
        let target = output.appendingPathComponent("labels")
        let exported = try await filesWrittenByAPI(server, format: format, target: target)
        let (dataset, _) = DatasetFormat.coco.read(folder: fixtures.appendingPathComponent("labels/coco-small"))
        let expected = try filesWritten(at: target) { try DatasetFormat(rawValue: format)?.write(dataset, to: target) }
        expectSameFiles(exported, expected, format)
    }

    @Test("export equals `percept convert` of the same labels, byte for byte", arguments: ["yolo", "voc"])
    func exportMatchesConvertCommand(format: String) async throws {
        let server = try await importedServer()
        let output = try TestServer.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: output) }
        let target = output.appendingPathComponent("labels")
        let exported = try await filesWrittenByAPI(server, format: format, target: target)
        let source = fixtures.appendingPathComponent("labels/coco-small").path
        let converted = try filesWritten(at: target) {
            let status = try runPercept(["convert", source, target.path, "--to", format]).status
            #expect(status == 0)
        }
        #expect(!converted.isEmpty)
        expectSameFiles(exported, converted, format)
    }

    func filesWrittenByAPI(_ server: TestServer, format: String, target: URL) async throws -> [String: [UInt8]] {
        let (status, body) = try await server.client.json("POST", "/api/export", #"{"format":"\#(format)","target":"\#(target.path)"}"#)
        #expect(status == 200)
        #expect(body["report"]?["to"]?.string == format)
        #expect(FileManager.default.fileExists(atPath: target.appendingPathComponent("conversion-report.json").path))
        let files = try filesUnder(target)
        try FileManager.default.removeItem(at: target)
        return files
    }

    @Test("every export equals converting the app's own COCO export with the same writers", arguments: ["yolo", "voc", "cvat", "labelstudio"])
    func exportMatchesConversionOfCOCOExport(format: String) async throws {
        let server = try await importedServer()
        let output = try TestServer.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: output) }
        let coco = output.appendingPathComponent("coco"), target = output.appendingPathComponent("labels")
        _ = try server.store.export(to: try server.store.exportTarget(coco.path, argument: "target", force: false), format: .coco)
        let exported = try await filesWrittenByAPI(server, format: format, target: target)
        let (dataset, problems) = DatasetFormat.coco.read(folder: coco)
        #expect(!problems.containsErrors)
        let expected = try filesWritten(at: target) { try DatasetFormat(rawValue: format)?.write(dataset, to: target) }
        expectSameFiles(exported, expected, format)
    }

    @Test("export refuses a non-empty target without force, a folder Percept did not write even with force, and any target inside the image folder")
    func exportTargets() async throws {
        let server = try await importedServer()
        let output = try TestServer.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: output) }
        try Data("x".utf8).write(to: output.appendingPathComponent("keep.txt"))
        var (status, body) = try await server.client.json("POST", "/api/export", #"{"format":"yolo","target":"\#(output.path)"}"#)
        #expect(status == 400 && body["error"]?.string?.contains(#""force": true"#) == true)
        #expect(FileManager.default.fileExists(atPath: output.appendingPathComponent("keep.txt").path))
        (status, body) = try await server.client.json("POST", "/api/export", #"{"format":"yolo","target":"\#(output.path)","force":true}"#)
        #expect(status == 400 && body["error"]?.string?.contains("keep.txt") == true)
        #expect(FileManager.default.fileExists(atPath: output.appendingPathComponent("keep.txt").path))
        let fresh = output.appendingPathComponent("fresh")
        (status, _) = try await server.client.json("POST", "/api/export", #"{"format":"yolo","target":"\#(fresh.path)"}"#)
        #expect(status == 200)
        (status, _) = try await server.client.json("POST", "/api/export", #"{"format":"yolo","target":"\#(fresh.path)","force":true}"#)
        #expect(status == 200)
        #expect(FileManager.default.fileExists(atPath: fresh.appendingPathComponent("data.yaml").path))
        (status, _) = try await server.client.json("POST", "/api/export", #"{"format":"yolo","target":"\#(server.folder.appendingPathComponent("out").path)"}"#)
        #expect(status == 400)
        (status, _) = try await server.client.json("POST", "/api/export", #"{"format":"folders","target":"/tmp/x"}"#)
        #expect(status == 400)
    }

    @Test("COCO results become proposals, found by file_name or through the ground truth's image ids")
    func importsPredictions() async throws {
        let server = try await importedServer()
        let results = #"""
        [{"image_id":3,"category_id":5,"bbox":[1,2,10,10],"score":0.75},
         {"file_name":"park.png","category_id":17,"bbox":[0,0,5,5],"score":0.4},
         {"image_id":99,"category_id":5,"bbox":[1,2,10,10],"score":0.5}]
        """#
        let (truth, _) = DatasetFormat.coco.read(folder: fixtures.appendingPathComponent("labels/coco-small"))
        let summary = try server.store.importPredictions(results: Array(results.utf8), file: "results.json", groundTruth: truth)
        #expect(summary.shapes == 2 && summary.warnings.count == 1)
        let street = try server.store.state(of: try server.id("street.png"))
        #expect(street.shapes.filter { $0.source == .prediction }.map(\.score) == [0.75])
        #expect(street.shapes.filter { $0.source == .user }.count == 2)
        #expect(street.image.predictionCount == 1)
    }
}
