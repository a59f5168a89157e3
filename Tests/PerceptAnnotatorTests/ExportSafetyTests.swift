import Foundation
import PerceptAnnotator
import PerceptLabels
import Testing

/// Runs the built `percept` in `directory`; returns its exit status and standard error.
private func percept(_ arguments: [String], in directory: URL) throws -> (status: Int32, stderr: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        .deletingLastPathComponent().appendingPathComponent("percept")
    process.arguments = arguments
    process.currentDirectoryURL = directory
    let errors = Pipe()
    process.standardOutput = FileHandle.nullDevice
    process.standardError = errors
    try process.run()
    let text = errors.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: text, as: UTF8.self))
}

@Suite("annotator exports never lose a folder")
struct ExportSafetyTests {
    @Test("an empty or blank target is refused with 400 and a message, never a 500", arguments: ["", "  "])
    func emptyTarget(target: String) async throws {
        let server = try await TestServer()
        for route in ["/api/export", "/api/export/check"] {
            let (status, body) = try await server.client.json("POST", route, #"{"format":"yolo","target":"\#(target)","force":true}"#)
            #expect(status == 400, "\(route)")
            #expect(body["error"]?.string == "target: the export folder is empty; name the output folder (for the current folder, write '.')")
        }
    }

    @Test("a target that is, lies inside or contains the image folder or the store is refused with 400, and nothing moves")
    func forbiddenTargets() async throws {
        let server = try await TestServer { folder in
            try Data("holiday".utf8).write(to: folder.appendingPathComponent("notes.txt"))
        }
        // The images' parent, as the bug report did it, and the other forbidden places.
        let targets = [server.folder.deletingLastPathComponent().path, server.folder.path, server.folder.appendingPathComponent("export").path,
                       server.folder.appendingPathComponent(".percept").path, server.store.databaseURL.path]
        let before = try filesUnder(server.folder).filter { !$0.key.hasPrefix(".percept/") }
        for target in targets {
            for route in ["/api/export", "/api/export/check"] {
                let (status, body) = try await server.client.json("POST", route, #"{"format":"coco","target":"\#(target)","force":true}"#)
                #expect(status == 400, "\(route) \(target)")
                let message = body["error"]?.string ?? ""
                #expect(message.contains("image folder") || message.contains("annotation store"), "\(message)")
            }
        }
        #expect(try filesUnder(server.folder).filter { !$0.key.hasPrefix(".percept/") } == before)
        #expect(FileManager.default.fileExists(atPath: server.store.databaseURL.path))
        let (status, _) = try await server.client.json("GET", "/api/images")
        #expect(status == 200)
    }

    @Test("/api/export/check reports the resolved folder and what an export would do, and writes nothing")
    func check() async throws {
        let server = try await TestServer()
        let root = try TestServer.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        let target = root.appendingPathComponent("labels")
        let through = root.appendingPathComponent("link")
        try FileManager.default.createSymbolicLink(at: through, withDestinationURL: root)
        var (status, body) = try await server.client.json("POST", "/api/export/check", #"{"format":"yolo","target":"\#(through.path)/labels/../labels"}"#)
        #expect(status == 200)
        #expect(body["resolved"]?.string == target.path)
        #expect(body["exists"]?.bool == false && body["empty"]?.bool == true)
        #expect(body["writtenByPercept"]?.bool == false && body["wouldReplace"]?.bool == false)
        #expect(!FileManager.default.fileExists(atPath: target.path))
        (status, _) = try await server.client.json("POST", "/api/export", #"{"format":"yolo","target":"\#(target.path)"}"#)
        #expect(status == 200)
        (status, body) = try await server.client.json("POST", "/api/export/check", #"{"format":"yolo","target":"\#(target.path)"}"#)
        #expect(status == 400 && body["error"]?.string?.contains("exists and is not empty") == true)
        (status, body) = try await server.client.json("POST", "/api/export/check", #"{"format":"yolo","target":"\#(target.path)","force":true}"#)
        #expect(status == 200)
        #expect(body["exists"]?.bool == true && body["empty"]?.bool == false)
        #expect(body["writtenByPercept"]?.bool == true && body["wouldReplace"]?.bool == true)
        (status, body) = try await server.client.json("POST", "/api/export/check", #"{"format":"yolo","target":"\#(root.path)","force":true}"#)
        #expect(status == 400 && body["error"]?.string?.contains("holds files Percept did not write") == true)
    }

    @Test("\"status\" exports only the images with those statuses; an unknown status is refused")
    func statusFilter() async throws {
        let server = try await TestServer()
        let root = try TestServer.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        var (status, _) = try await server.client.json("PATCH", "/api/images/\(try server.id("b.png"))", #"{"status":"done"}"#)
        #expect(status == 200)
        let target = root.appendingPathComponent("done")
        (status, _) = try await server.client.json("POST", "/api/export", #"{"format":"coco","target":"\#(target.path)","status":["done","verified"]}"#)
        #expect(status == 200)
        let (dataset, problems) = DatasetFormat.coco.read(folder: target)
        #expect(!problems.containsErrors)
        #expect(dataset.images.map(\.file) == ["b.png"])
        (status, _) = try await server.client.json("POST", "/api/export", #"{"format":"coco","target":"\#(root.appendingPathComponent("x").path)","status":["finished"]}"#)
        #expect(status == 400)
    }

    @Test("annotate export: an empty OUT, the image folder or its parent are usage errors (exit 2) that touch nothing")
    func commandLineRefusals() async throws {
        let server = try await TestServer()
        let cwd = try TestServer.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: cwd) }
        try Data("mine".utf8).write(to: cwd.appendingPathComponent("notes.txt"))
        let images = try filesUnder(server.folder).filter { !$0.key.hasPrefix(".percept/") }
        let cases: [([String], String)] = [
            ([""], "error: OUT is empty; name the output folder"),
            ([server.folder.appendingPathComponent("export").path], "lies inside the image folder"),
            ([server.folder.deletingLastPathComponent().path], "contains the image folder"),
            ([cwd.path], "holds files Percept did not write"),
        ]
        for (output, message) in cases {
            let result = try percept(["annotate", "export", server.folder.path] + output + ["--to", "yolo", "--force"], in: cwd)
            #expect(result.status == 2, "\(output): \(result.stderr)")
            #expect(result.stderr.contains(message), "\(result.stderr)")
            #expect(!result.stderr.contains("API") && !result.stderr.contains(": error: target:"), "\(result.stderr)")
        }
        let plain = try percept(["annotate", "export", server.folder.path, cwd.path, "--to", "yolo"], in: cwd)
        #expect(plain.status == 2 && plain.stderr.contains("use --force") && !plain.stderr.contains("\"force\""), "\(plain.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: cwd.path) == ["notes.txt"])
        #expect(try filesUnder(server.folder).filter { !$0.key.hasPrefix(".percept/") } == images)
    }

    @Test("annotate export --status picks images by status; --force replaces its own earlier export")
    func commandLineStatus() async throws {
        let server = try await TestServer()
        let root = try TestServer.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        let (status, _) = try await server.client.json("PATCH", "/api/images/\(try server.id("a.png"))", #"{"status":"verified"}"#)
        #expect(status == 200)
        let target = root.appendingPathComponent("out")
        let all = try percept(["annotate", "export", server.folder.path, target.path, "--to", "coco"], in: root)
        #expect(all.status == 0, "\(all.stderr)")
        #expect(DatasetFormat.coco.read(folder: target).dataset.images.count == 3)
        let verified = try percept(["annotate", "export", server.folder.path, target.path, "--to", "coco", "--status", "done,verified", "--force"], in: root)
        #expect(verified.status == 0, "\(verified.stderr)")
        #expect(DatasetFormat.coco.read(folder: target).dataset.images.map(\.file) == ["a.png"])
        let unknown = try percept(["annotate", "export", server.folder.path, root.appendingPathComponent("x").path, "--to", "coco", "--status", "finished"], in: root)
        #expect(unknown.status == 2 && unknown.stderr.contains("--status"))
    }
}
