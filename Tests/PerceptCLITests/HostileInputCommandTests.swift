import Foundation
import PerceptTestSupport
import Testing

/// Whether `text` holds a character a terminal could take as a command (line breaks aside).
private func hasControlCharacters(_ text: String) -> Bool {
    text.unicodeScalars.contains { ($0.value < 0x20 && $0 != "\n") || (0x7F...0x9F).contains($0.value) }
}

@Suite("hostile files through the command line: exit 1 with the file named, never a crash or a hang")
struct HostileInputCommandTests {
    let hostile = fixturesFolder.appendingPathComponent("hostile")

    @Test("validate: invalid UTF-8 in a VOC element name, a data.yaml alias bomb", arguments: [
        ("voc-invalid-utf8-name", "a.xml:1:17: error: XML: invalid UTF-8"),
        ("yolo-alias-bomb", "data.yaml:7:1: error: YAML: the document has more than"),
    ])
    func validateHostileFolder(folder: String, message: String) throws {
        let result = try runPercept(["validate", hostile.appendingPathComponent(folder).path])
        #expect(result.status == 1)
        #expect(result.stderr.contains(message), "\(result.stderr)")
    }

    @Test("validate: VOC XML nested 50,000 deep and a data.yaml with 5,000 nested '['", arguments: ["voc", "yolo"])
    func validateDeepFiles(format: String) throws {
        let folder = try DatasetFixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let (name, text) = format == "voc"
            ? ("a.xml", "<annotation>" + String(repeating: "<a>", count: 50_000) + String(repeating: "</a>", count: 50_000) + "</annotation>")
            : ("data.yaml", "names: " + String(repeating: "[", count: 5000) + String(repeating: "]", count: 5000))
        try Data(text.utf8).write(to: folder.appendingPathComponent(name))
        let result = try runPercept(["validate", folder.path])
        #expect(result.status == 1)
        #expect(result.stderr.contains("\(name):1:1: error: "), "\(result.stderr)")
        #expect(result.stderr.contains("nested deeper than"))
    }

    @Test("a label token with terminal escapes reaches the terminal escaped and cut short")
    func hostileTokenIsEscaped() throws {
        let result = try runPercept(["validate", hostile.appendingPathComponent("yolo-terminal-escape").path])
        #expect(result.status == 1)
        #expect(result.stderr.contains("a.txt:1: error: expected an integer class index, found '\\u{1B}]0;owned"), "\(result.stderr)")
        #expect(!hasControlCharacters(result.stderr) && !hasControlCharacters(result.stdout))
        #expect(result.stderr.split(separator: "\n").allSatisfy { $0.count < 400 })
    }

    @Test("weights inspect: tensor names and metadata with terminal escapes are printed escaped")
    func weightsMetadataIsEscaped() throws {
        let folder = try DatasetFixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let header = #"{"__metadata__":{"note":"\u001b]0;owned\u0007\u001b[2J"},"t\u001b[31m":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#
        var bytes = withUnsafeBytes(of: UInt64(header.utf8.count).littleEndian) { Array($0) }
        bytes += Array(header.utf8) + [0, 0, 128, 63]
        let file = folder.appendingPathComponent("escape.safetensors")
        try Data(bytes).write(to: file)
        let result = try runPercept(["weights", "inspect", file.path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("metadata note: \\u{1B}]0;owned\\u{7}\\u{1B}[2J"), "\(result.stdout)")
        #expect(result.stdout.contains("t\\u{1B}[31m"))
        #expect(!hasControlCharacters(result.stdout))
    }

    @Test("image convert: a damaged JPEG scan fails with libjpeg's message; --lenient converts it with a warning",
          arguments: ["jpeg-early-eoi.jpg", "jpeg-bytes-deleted.jpg"])
    func convertDamagedJPEG(name: String) throws {
        let folder = try DatasetFixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let input = hostile.appendingPathComponent(name).path
        let output = folder.appendingPathComponent("out.png")
        let strict = try runPercept(["image", "convert", input, output.path])
        #expect(strict.status == 1)
        #expect(strict.stderr.contains("\(name): error: corrupt at JPEG image data: Corrupt JPEG data"), "\(strict.stderr)")
        #expect(!FileManager.default.fileExists(atPath: output.path))
        let lenient = try runPercept(["image", "convert", input, output.path, "--lenient"])
        #expect(lenient.status == 0)
        #expect(lenient.stderr.contains("\(name): warning: corrupt at JPEG image data: Corrupt JPEG data"), "\(lenient.stderr)")
        #expect(FileManager.default.fileExists(atPath: output.path))
    }

    @Test("validate --decode: a damaged JPEG is an error, a warning with --lenient")
    func validateDamagedJPEG() throws {
        let folder = try DatasetFixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.copyItem(at: hostile.appendingPathComponent("jpeg-bytes-deleted.jpg"), to: folder.appendingPathComponent("a.jpg"))
        let xml = "<annotation><filename>a.jpg</filename><size><width>33</width><height>21</height><depth>3</depth></size></annotation>\n"
        try Data(xml.utf8).write(to: folder.appendingPathComponent("a.xml"))
        let header = try runPercept(["validate", folder.path])
        #expect(!header.stderr.contains("Corrupt JPEG data"))
        let strict = try runPercept(["validate", folder.path, "--decode"])
        #expect(strict.status == 1)
        #expect(strict.stderr.contains("a.jpg: error: cannot read the image:") && strict.stderr.contains("Corrupt JPEG data"), "\(strict.stderr)")
        let lenient = try runPercept(["validate", folder.path, "--decode", "--lenient"])
        #expect(lenient.status == 0, "\(lenient.stderr)")
        #expect(lenient.stderr.contains("a.jpg: warning: damaged image data"), "\(lenient.stderr)")
    }
}
