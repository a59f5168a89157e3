import Foundation
import PerceptTestSupport
import Testing

/// The output-folder rule on the command line (issue 13): no command may delete or mix into a
/// folder Percept did not write.
@Suite("output folders are never lost")
struct OutputSafetyTests {
    /// A scratch folder holding `in` (a copy of the sample dataset) and `cwd`, a working folder
    /// with a user's file in it; removed by the caller.
    func workspace() throws -> (root: URL, input: URL, cwd: URL) {
        let root = try DatasetFixtures.temporaryFolder()
        let input = root.appendingPathComponent("in"), cwd = root.appendingPathComponent("cwd")
        try FileManager.default.copyItem(at: DatasetFixtures.coco, to: input)
        try FileManager.default.createDirectory(at: cwd, withIntermediateDirectories: true)
        try Data("my notes".utf8).write(to: cwd.appendingPathComponent("notes.txt"))
        return (root, input, cwd)
    }

    static let emptyPathCommands: [[String]] = [
        ["convert", "IN", "", "--to", "yolo"], ["convert", "IN", "  ", "--to", "yolo", "--force"],
        ["augment", "IN", "", "--pipeline", DatasetFixtures.smallPipeline.path, "--copies", "1", "--seed", "1", "--force"],
        ["split", "IN", "", "--force"],
    ]

    @Test("an empty or blank OUT is a usage error (exit 2) and nothing is written into the current folder",
          arguments: emptyPathCommands)
    func emptyOutput(arguments: [String]) throws {
        let (root, input, cwd) = try workspace()
        defer { try? FileManager.default.removeItem(at: root) }
        let before = try DatasetFixtures.snapshot(cwd, includingMarker: true)
        let result = try runPercept(arguments.map { $0 == "IN" ? input.path : $0 }, in: cwd)
        #expect(result.status == 2, "\(arguments): \(result.stderr)")
        #expect(result.stderr.contains("error: OUT is empty; name the output folder"), "\(result.stderr)")
        #expect(!result.stderr.contains(": error: target:"))
        #expect(try DatasetFixtures.snapshot(cwd, includingMarker: true) == before)
        #expect(try FileManager.default.contentsOfDirectory(atPath: cwd.path) == ["notes.txt"])
    }

    @Test("OUT may not contain the input (its parent) or lie inside it: exit 2, nothing moved or written")
    func outputAroundInput() throws {
        let (root, input, _) = try workspace()
        defer { try? FileManager.default.removeItem(at: root) }
        let before = try DatasetFixtures.snapshot(root, includingMarker: true)
        let parent = try runPercept(["convert", input.path, root.path, "--to", "yolo", "--force"])
        #expect(parent.status == 2 && parent.stderr.contains("contains the input folder"), "\(parent.stderr)")
        let inside = try runPercept(["augment", input.path, input.appendingPathComponent("aug").path, "--pipeline",
                                     DatasetFixtures.smallPipeline.path, "--copies", "1", "--seed", "1"])
        #expect(inside.status == 2 && inside.stderr.contains("lies inside the input folder"), "\(inside.stderr)")
        let link = root.appendingPathComponent("cwd/link")
        try FileManager.default.createSymbolicLink(at: link, withDestinationURL: input)
        let linked = try runPercept(["convert", input.path, link.appendingPathComponent("out").path, "--to", "yolo"])
        #expect(linked.status == 2 && linked.stderr.contains("lies inside the input folder"), "\(linked.stderr)")
        try FileManager.default.removeItem(at: link)
        #expect(try DatasetFixtures.snapshot(root, includingMarker: true) == before)
    }

    @Test("--force refuses a folder Percept did not write, listing some of its files, and deletes nothing")
    func forceOnForeignFolder() throws {
        let (root, input, cwd) = try workspace()
        defer { try? FileManager.default.removeItem(at: root) }
        for index in 0..<7 { try Data("\(index)".utf8).write(to: cwd.appendingPathComponent("photo\(index).jpg")) }
        let before = try DatasetFixtures.snapshot(cwd, includingMarker: true)
        for command in [["convert", input.path, cwd.path, "--to", "coco", "--force"], ["split", input.path, cwd.path, "--force"]] {
            let result = try runPercept(command)
            #expect(result.status == 2, "\(result.stderr)")
            #expect(result.stderr.contains("\(cwd.path): error: holds files Percept did not write"), "\(result.stderr)")
            #expect(result.stderr.contains("notes.txt, photo0.jpg, photo1.jpg, photo2.jpg, photo3.jpg … and 3 more"), "\(result.stderr)")
            #expect(try DatasetFixtures.snapshot(cwd, includingMarker: true) == before)
        }
        let plain = try runPercept(["convert", input.path, cwd.path, "--to", "coco"])
        #expect(plain.status == 2 && plain.stderr.contains("exists and is not empty; use --force"), "\(plain.stderr)")
    }

    @Test("--force replaces a folder Percept wrote as a whole (convert no longer keeps other files in it)")
    func forceReplacesPerceptFolder() throws {
        let (root, input, _) = try workspace()
        defer { try? FileManager.default.removeItem(at: root) }
        let output = root.appendingPathComponent("out")
        #expect(try runPercept(["convert", input.path, output.path, "--to", "yolo"]).status == 0)
        let marker = try String(contentsOf: output.appendingPathComponent(".percept-output"), encoding: .utf8)
        #expect(marker.hasPrefix("written by percept convert at "))
        try Data("left over".utf8).write(to: output.appendingPathComponent("stray.txt"))
        let again = try runPercept(["convert", input.path, output.path, "--to", "coco", "--force"])
        #expect(again.status == 0, "\(again.stderr)")
        let files = Set(try FileManager.default.contentsOfDirectory(atPath: output.path))
        #expect(files == [".percept-output", "annotations.json", "images", "conversion-report.json"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: root.path).sorted() == ["cwd", "in", "out"])
        let yaml = try runPercept(["convert", input.path, output.path, "--to", "yolo", "--force"])
        #expect(yaml.status == 0)
        let dataYAML = try String(contentsOf: output.appendingPathComponent("data.yaml"), encoding: .utf8)
        #expect(dataYAML.hasPrefix("path: '\(output.path)'\n"), "the staging folder's name must not be recorded")
    }

    @Test("a conversion that fails in the middle of a replacement leaves the old folder byte for byte (exit 1)")
    func failedReplacement() throws {
        let (root, input, _) = try workspace()
        defer { try? FileManager.default.removeItem(at: root) }
        let output = root.appendingPathComponent("out")
        #expect(try runPercept(["convert", input.path, output.path, "--to", "yolo"]).status == 0)
        let before = try DatasetFixtures.snapshot(output, includingMarker: true)
        // An image the writer cannot place (its file is gone): the writer throws after the
        // labels and the first images are written.
        try FileManager.default.removeItem(at: input.appendingPathComponent("images/shapes_20.jpg"))
        let result = try runPercept(["convert", input.path, output.path, "--to", "coco", "--force"])
        #expect(result.status == 1, "\(result.stderr)")
        #expect(try DatasetFixtures.snapshot(output, includingMarker: true) == before)
        #expect(try FileManager.default.contentsOfDirectory(atPath: root.path).sorted() == ["cwd", "in", "out"])
    }

    @Test("--format on a command that names formats with --to/--from suggests those, not --force",
          arguments: [["convert", "IN", "OUT", "--format", "voc"], ["convert", "IN", "OUT", "--to", "coco", "--format", "voc"],
                      ["split", "IN", "OUT", "--format=voc"]])
    func formatSuggestion(arguments: [String]) throws {
        let result = try runPercept(arguments)
        #expect(result.status == 2)
        #expect(result.stderr.hasPrefix("Error: Unknown option '--format'. This command names formats with --from and --to, e.g. --to voc.\n"),
                "\(result.stderr)")
        #expect(!result.stderr.contains("Did you mean '--force'"))
        #expect(!FileManager.default.fileExists(atPath: "OUT"))
    }

    @Test("a command that has --format keeps ArgumentParser's own message")
    func formatWhereOffered() throws {
        let result = try runPercept(["validate", DatasetFixtures.coco.path, "--format", "pascal"])
        #expect(result.status == 2 && !result.stderr.contains("This command names formats"), "\(result.stderr)")
    }

    @Test("a transform that fails on an image is reported once per image, not once per copy")
    func failureOncePerImage() throws {
        let (root, input, _) = try workspace()
        defer { try? FileManager.default.removeItem(at: root) }
        // detection.yaml crops 448×448; the sample's images are smaller.
        let pipeline = DatasetFixtures.smallPipeline.deletingLastPathComponent().appendingPathComponent("detection.yaml")
        let result = try runPercept(["augment", input.path, root.appendingPathComponent("out").path, "--pipeline", pipeline.path,
                                     "--copies", "3", "--seed", "1"])
        #expect(result.status == 1)
        let lines = result.stderr.split(separator: "\n").filter { $0.contains("shapes_00.png") && $0.contains("error:") }
        #expect(lines.count == 1, "\(lines)")
        #expect(lines.first?.contains("(3 copies not written)") == true)
    }
}
