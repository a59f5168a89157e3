import Foundation
import PerceptTestSupport
import Testing

/// Runs `percept annotate serve` until it prints its URL, then stops it; returns the exit
/// status (nil when it was serving), standard output up to the URL and standard error.
func startServer(_ arguments: [String]) throws -> (status: Int32?, stdout: String, stderr: String) {
    let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        .deletingLastPathComponent().appendingPathComponent("percept")
    let process = Process()
    process.executableURL = executable
    process.arguments = ["annotate", "serve"] + arguments + ["--port", "0"]
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    var printed = ""
    while !printed.contains("open http://") {
        let chunk = out.fileHandleForReading.availableData
        if chunk.isEmpty { break }
        printed += String(decoding: chunk, as: UTF8.self)
    }
    let serving = printed.contains("open http://")
    if serving { process.terminate() }
    process.waitUntilExit()
    let errors = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    return (serving ? nil : process.terminationStatus, printed, errors)
}

@Suite("flags that would do nothing say so")
struct SilentNoOpTests {
    @Test("--remap and --drop-classes names the dataset lacks get a warning with the close match")
    func unknownClassEdits() throws {
        let root = try DatasetFixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        let output = root.appendingPathComponent("out")
        let input = DatasetFixtures.coco.path
        let result = try runPercept(["convert", input, output.path, "--to", "yolo", "--remap", "kitty:cat,Crate:box",
                                     "--drop-classes", "trinagle,horse"])
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stderr.split(separator: "\n").map(String.init)
        func warned(_ option: String, _ name: String, _ hint: String) -> Bool {
            lines.contains { $0.hasPrefix("\(input): warning: \(option): the dataset has no class '\(name)'") && $0.contains(hint) }
        }
        #expect(warned("--remap", "Crate", "did you mean 'crate'?"), "\(result.stderr)")
        #expect(warned("--remap", "kitty", "the classes are 'crate', 'disc' and 'triangle'"), "\(result.stderr)")
        #expect(warned("--drop-classes", "trinagle", "did you mean 'triangle'?"), "\(result.stderr)")
        #expect(warned("--drop-classes", "horse", "the classes are"), "\(result.stderr)")
        #expect(FileManager.default.fileExists(atPath: output.appendingPathComponent("data.yaml").path))
    }

    @Test("under --strict an unknown class name is an error: exit 1 and nothing written")
    func strictUnknownClassEdits() throws {
        let root = try DatasetFixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        let output = root.appendingPathComponent("out")
        let result = try runPercept(["convert", DatasetFixtures.coco.path, output.path, "--to", "yolo", "--remap", "Crate:box", "--strict"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("error: --remap: the dataset has no class 'Crate'") && result.stderr.contains("did you mean 'crate'?"),
                "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: output.path))
        let json = try runPercept(["convert", DatasetFixtures.coco.path, output.path, "--to", "yolo", "--drop-classes", "Disc", "--strict", "--json"])
        #expect(json.status == 1 && json.stdout.contains("\"written\": false") && json.stdout.contains("did you mean 'disc'?"), "\(json.stdout)")
        #expect(!FileManager.default.fileExists(atPath: output.path))
        let known = try runPercept(["convert", DatasetFixtures.coco.path, output.path, "--to", "yolo", "--remap", "crate:box", "--strict"])
        #expect(known.status == 0, "\(known.stderr)")
        #expect(!known.stderr.contains("has no class"))
    }

    @Test("validate --classes reports COCO and YOLO labels whose class the list lacks", arguments: ["coco", "yolo"])
    func validateClassList(format: String) throws {
        let root = try DatasetFixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        let list = root.appendingPathComponent("classes.txt")
        try "crate\ndisk\n".write(to: list, atomically: true, encoding: .utf8)
        let folder = format == "coco" ? DatasetFixtures.coco : DatasetFixtures.yolo
        let result = try runPercept(["validate", folder.path, "--classes", list.path])
        #expect(result.status == 1, "\(result.stderr)")
        let lines = result.stderr.split(separator: "\n").map(String.init)
        #expect(lines.contains { $0.hasPrefix("\(folder.path): error: class 'disc' is not in the class list \(list.path)") && $0.contains("did you mean 'disk'?") },
                "\(result.stderr)")
        #expect(lines.contains { $0.contains("error: class 'triangle' is not in the class list") && $0.contains("label(s) in") }, "\(result.stderr)")
        #expect(!lines.contains { $0.contains("class 'crate'") })
        try "crate\ndisc\ntriangle\n".write(to: list, atomically: true, encoding: .utf8)
        #expect(try runPercept(["validate", folder.path, "--classes", list.path]).status == 0)
    }

    @Test("annotate serve --classes reports removed and renamed classes and changes them only when told")
    func serveClassFile() throws {
        let root = try DatasetFixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        let images = root.appendingPathComponent("images")
        try FileManager.default.copyItem(at: fixturesFolder.appendingPathComponent("annotator/images"), to: images)
        let classes = root.appendingPathComponent("classes.txt")
        try "car\nsun\ntree\nlamp\nmore\n".write(to: classes, atomically: true, encoding: .utf8)
        // The proposals use tree and lamp, so those classes are in use.
        let first = try startServer([images.path, "--classes", classes.path,
                                     "--import-predictions", fixturesFolder.appendingPathComponent("annotator/predictions.json").path])
        #expect(first.status == nil && !first.stderr.contains("warning"), "\(first.stderr)")

        try "car\nsun\ntrees\nlamp\n".write(to: classes, atomically: true, encoding: .utf8)
        let second = try startServer([images.path, "--classes", classes.path])
        #expect(second.status == nil, "\(second.stderr)")
        let warnings = second.stderr.split(separator: "\n").map(String.init)
        #expect(warnings.contains { $0.hasPrefix("\(classes.path): warning: class 'tree' is in the annotation store (1 shape(s)) but not in the class file") })
        #expect(warnings.contains { $0.hasPrefix("\(classes.path): warning: class 'more' is in the annotation store (0 shape(s))") })
        #expect(warnings.contains { $0.contains("warning: class 'trees' is new in the class file and was added") })

        let refused = try startServer([images.path, "--classes", classes.path, "--sync-classes"])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("cannot remove 'tree' (1 shape(s))"), "\(refused.stderr)")

        let unknown = try startServer([images.path, "--classes", classes.path, "--rename-classes", "tre:trees"])
        #expect(unknown.status == 1)
        #expect(unknown.stderr.contains("there is no class 'tre'; did you mean 'tree'"), "\(unknown.stderr)")

        let synced = try startServer([images.path, "--classes", classes.path, "--rename-classes", "tree:trees", "--sync-classes"])
        #expect(synced.status == nil, "\(synced.stderr)")
        #expect(synced.stdout.contains("class 'tree' renamed to 'trees'") && synced.stdout.contains("'more'"), "\(synced.stdout)")
        #expect(!synced.stderr.contains("warning"), "\(synced.stderr)")
        let export = root.appendingPathComponent("export")
        let exported = try runPercept(["annotate", "export", images.path, export.path, "--to", "coco"])
        #expect(exported.status == 0, "\(exported.stderr)")
        let categories = try DatasetFixtures.json(export.appendingPathComponent("annotations.json"))["categories"] as? [[String: Any]] ?? []
        #expect(categories.compactMap { $0["name"] as? String } == ["car", "sun", "trees", "lamp"])
    }
}
