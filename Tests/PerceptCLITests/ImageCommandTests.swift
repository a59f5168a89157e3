import Foundation
import PerceptTestSupport
import Testing

@Suite("percept image")
struct ImageCommandTests {
    let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fixtures/images")

    func temporaryFolder() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("percept-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }

    @Test("info --json reports size, depth and EXIF orientation and exits 0")
    func infoJSON() throws {
        let result = try runPercept(["image", "info", "--json", fixtures.appendingPathComponent("exif-orientation-6.jpg").path])
        #expect(result.status == 0)
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]])
        #expect(rows.count == 1)
        #expect(rows.first?["exif_orientation"] as? Int == 6 && rows.first?["displayed_width"] as? Int == 21)
        #expect(rows.first?["format"] as? String == "jpeg" && rows.first?["bit_depth"] as? Int == 8)
    }

    @Test("info on an unsupported file prints FILE: error: and exits 1")
    func infoUnsupported() throws {
        let file = fixtures.appendingPathComponent("rgb.gif").path
        let result = try runPercept(["image", "info", file])
        #expect(result.status == 1)
        #expect(result.stderr.contains("\(file): error: unsupported format: GIF"))
    }

    @Test("convert resizes a glob of files into a new folder and refuses a non-empty one without --force")
    func convertFolder() throws {
        let output = try temporaryFolder().appendingPathComponent("out")
        defer { try? FileManager.default.removeItem(at: output.deletingLastPathComponent()) }
        let pattern = fixtures.appendingPathComponent("palette*.png").path
        let first = try runPercept(["image", "convert", pattern, output.path, "--format", "jpeg", "--resize", "16x0"])
        #expect(first.status == 0)
        let written = try FileManager.default.contentsOfDirectory(atPath: output.path).sorted()
        #expect(written == [".percept-output", "palette-transparent.jpg", "palette.jpg"])
        let info = try runPercept(["image", "info", "--json", output.appendingPathComponent("palette.jpg").path])
        #expect(info.stdout.contains("\"width\" : 16"))
        let again = try runPercept(["image", "convert", pattern, output.path])
        #expect(again.status == 2 && again.stderr.contains("not empty"))
        #expect(try runPercept(["image", "convert", pattern, output.path, "--force"]).status == 0)
    }

    @Test("converting a folder mirrors its subfolders, so equal names do not collide")
    func convertTree() throws {
        let root = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        let input = root.appendingPathComponent("in"), output = root.appendingPathComponent("out")
        for (folder, fixture) in [("a", "rgb.ppm"), ("b", "gray.pgm")] {
            let target = input.appendingPathComponent(folder)
            try FileManager.default.createDirectory(at: target, withIntermediateDirectories: true)
            try FileManager.default.copyItem(at: fixtures.appendingPathComponent(fixture),
                                             to: target.appendingPathComponent("x." + (fixture as NSString).pathExtension))
        }
        let result = try runPercept(["image", "convert", input.path, output.path, "--format", "png"])
        #expect(result.status == 0)
        for folder in ["a", "b"] {
            #expect(FileManager.default.fileExists(atPath: output.appendingPathComponent("\(folder)/x.png").path))
        }
    }

    @Test("--format takes a format's name or one of its extensions; anything else is a usage error")
    func formatAliases() throws {
        let root = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        let input = fixtures.appendingPathComponent("rgb.pp[m]").path  // a glob: OUT is a folder
        for (argument, written) in [("tif", "rgb.tif"), ("JPG", "rgb.jpg"), ("pnm", "rgb.ppm")] {
            let output = root.appendingPathComponent(argument)
            #expect(try runPercept(["image", "convert", input, output.path, "--format", argument]).status == 0, "\(argument)")
            #expect(try FileManager.default.contentsOfDirectory(atPath: output.path).sorted() == [".percept-output", written], "\(argument)")
        }
        let unknown = try runPercept(["image", "convert", input, root.appendingPathComponent("gif").path, "--format", "gif"])
        #expect(unknown.status == 2)
    }

    @Test("a bad --quality or --resize is a usage error with exit code 2")
    func badOptions() throws {
        let file = fixtures.appendingPathComponent("rgb.ppm").path
        #expect(try runPercept(["image", "convert", file, "/tmp/never.png", "--quality", "0"]).status == 2)
        let resize = try runPercept(["image", "convert", file, "/tmp/never.png", "--resize", "12by5"])
        #expect(resize.status == 2 && resize.stderr.contains("WIDTHxHEIGHT"))
    }

    @Test("convert never writes into its input folder")
    func convertIntoInput() throws {
        let result = try runPercept(["image", "convert", fixtures.path, fixtures.path, "--force"])
        #expect(result.status == 2 && result.stderr.contains("input folder"))
    }
}
