import Foundation
import PerceptLabels
import Testing

/// A scratch folder with an `input` folder holding one file; removed by the caller.
private func scratch() throws -> (root: URL, input: URL) {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("percept-output-\(UUID().uuidString)")
    let input = root.appendingPathComponent("input")
    try FileManager.default.createDirectory(at: input, withIntermediateDirectories: true)
    try Data("photo".utf8).write(to: input.appendingPathComponent("photo.jpg"))
    return (root, input)
}

/// Every file under `folder` (hidden ones too) with its bytes.
private func contents(_ folder: URL) throws -> [String: Data] {
    var files: [String: Data] = [:]
    for path in FileManager.default.enumerator(atPath: folder.path)?.allObjects as? [String] ?? [] {
        var isFolder: ObjCBool = false
        let url = folder.appendingPathComponent(path)
        if FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder), !isFolder.boolValue {
            files[path] = try Data(contentsOf: url)
        }
    }
    return files
}

private struct WriterFailed: Error {}

/// Why `OutputFolder` refuses `path`; nil when it accepts it.
private func refusal(_ path: String, protecting protected: [OutputFolder.Protected], force: Bool) -> OutputFolderError? {
    do {
        _ = try OutputFolder(path: path, argument: "OUT", protecting: protected, force: force)
        return nil
    } catch {
        return error
    }
}

@Suite("output folder rule")
struct OutputFolderTests {
    @Test("an empty or blank path is refused, naming the argument", arguments: ["", "   ", "\n"])
    func emptyPath(path: String) throws {
        #expect(throws: OutputFolderError.emptyPath(argument: "OUT")) {
            try OutputFolder(path: path, argument: "OUT", protecting: [], force: true)
        }
        #expect(OutputFolderError.emptyPath(argument: "OUT").isUsage)
    }

    @Test("the output may not be, lie inside or contain a protected folder, also through a symbolic link")
    func protectedFolders() throws {
        let (root, input) = try scratch()
        defer { try? FileManager.default.removeItem(at: root) }
        let link = root.appendingPathComponent("link")
        try FileManager.default.createSymbolicLink(at: link, withDestinationURL: input)
        let protected = [OutputFolder.Protected(input, role: "input folder")]
        let cases: [(String, OutputFolderError.Relation)] = [
            (input.path, .same), (link.path, .same), (input.appendingPathComponent("out").path, .inside),
            (link.appendingPathComponent("new/deeper").path, .inside), (root.path, .contains), ("/", .contains),
        ]
        for (path, relation) in cases {
            let error = refusal(path, protecting: protected, force: true)
            if case .overlaps(_, let found, _, let role)? = error {
                #expect(found == relation && role == "input folder", "\(path)")
            } else {
                Issue.record("\(path): \(String(describing: error))")
            }
        }
        #expect(try OutputFolder(path: root.appendingPathComponent("beside").path, argument: "OUT", protecting: protected, force: false).isEmpty)
    }

    @Test("a non-empty folder needs force, and force replaces only a folder Percept wrote; the refusal lists some files")
    func forceOnlyForPerceptFolders() throws {
        let (root, input) = try scratch()
        defer { try? FileManager.default.removeItem(at: root) }
        let foreign = root.appendingPathComponent("foreign")
        try FileManager.default.createDirectory(at: foreign.appendingPathComponent("sub"), withIntermediateDirectories: true)
        for index in 0..<8 { try Data("\(index)".utf8).write(to: foreign.appendingPathComponent("sub/file\(index).txt")) }
        let before = try contents(foreign)
        #expect(throws: OutputFolderError.notEmpty(path: foreign.path)) {
            try OutputFolder(path: foreign.path, argument: "OUT", protecting: [], force: false)
        }
        let error = refusal(foreign.path, protecting: [.init(input, role: "input folder")], force: true)
        if case .notPerceptOutput(_, let files, let more)? = error {
            #expect(files == (0..<5).map { "sub/file\($0).txt" } && more == 3)
            #expect(error?.message.contains("… and 3 more") == true)
        } else {
            Issue.record("a foreign folder was accepted for replacing: \(String(describing: error))")
        }
        #expect(try contents(foreign) == before)
    }

    @Test("writing creates the folder with the marker; force replaces a Percept folder as a whole and leaves no temporary folder")
    func replacesPerceptFolder() throws {
        let (root, _) = try scratch()
        defer { try? FileManager.default.removeItem(at: root) }
        let target = root.appendingPathComponent("out/labels")
        let first = try OutputFolder(path: target.path, argument: "OUT", protecting: [], force: false)
        #expect(!first.exists && first.isEmpty && !first.wouldReplace)
        try first.write(command: "percept test") { folder in try Data("old".utf8).write(to: folder.appendingPathComponent("old.txt")) }
        let marker = try String(contentsOf: target.appendingPathComponent(OutputFolder.markerFileName), encoding: .utf8)
        #expect(marker.hasPrefix("written by percept test at 20"))
        try Data("added later".utf8).write(to: target.appendingPathComponent("stray.txt"))
        let second = try OutputFolder(path: target.path, argument: "OUT", protecting: [], force: true)
        #expect(second.exists && second.writtenByPercept && second.wouldReplace)
        let recorded = try second.write(command: "percept test") { folder in
            try Data("new".utf8).write(to: folder.appendingPathComponent("new.txt"))
            return folder
        }
        #expect(recorded.path != target.path && recorded.deletingLastPathComponent().path == target.deletingLastPathComponent().path)
        #expect(Set(try contents(target).keys) == [OutputFolder.markerFileName, "new.txt"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: target.deletingLastPathComponent().path) == ["labels"])
    }

    @Test("a failure in the middle of a replacement leaves the old folder byte for byte and no temporary folder")
    func failedReplacementKeepsOldFolder() throws {
        let (root, _) = try scratch()
        defer { try? FileManager.default.removeItem(at: root) }
        let target = root.appendingPathComponent("out")
        try OutputFolder(path: target.path, argument: "OUT", protecting: [], force: false).write(command: "percept test") { folder in
            try Data("kept".utf8).write(to: folder.appendingPathComponent("a.txt"))
            try FileManager.default.createDirectory(at: folder.appendingPathComponent("images"), withIntermediateDirectories: true)
            try Data([0, 1, 2, 255]).write(to: folder.appendingPathComponent("images/b.png"))
        }
        let before = try contents(target)
        let output = try OutputFolder(path: target.path, argument: "OUT", protecting: [], force: true)
        #expect(throws: WriterFailed.self) {
            try output.write(command: "percept test") { folder in
                try Data("half".utf8).write(to: folder.appendingPathComponent("a.txt"))
                throw WriterFailed()
            }
        }
        #expect(try contents(target) == before)
        #expect(try FileManager.default.contentsOfDirectory(atPath: root.path).sorted() == ["input", "out"])
    }

    @Test("a missing or empty folder is filled in place when asked (a resumable run), with the marker first")
    func inPlace() throws {
        let (root, _) = try scratch()
        defer { try? FileManager.default.removeItem(at: root) }
        let target = root.appendingPathComponent("augmented")
        let output = try OutputFolder(path: target.path, argument: "OUT", protecting: [], force: false)
        let folder = try output.write(command: "percept test", inPlace: true) { folder in
            #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent(OutputFolder.markerFileName).path))
            return folder
        }
        #expect(folder.path == output.location.path)
    }
}
