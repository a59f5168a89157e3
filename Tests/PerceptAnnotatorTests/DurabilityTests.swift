import Foundation
import PerceptAnnotator
import PerceptLabels
import Testing

/// The built `percept annotate serve` running as a child process.
final class ServeProcess {
    let process = Process()
    let port: Int

    init(folder: URL) throws {
        process.executableURL = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
            .deletingLastPathComponent().appendingPathComponent("percept")
        process.arguments = ["annotate", "serve", folder.path, "--port", "0"]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        var text = ""
        let deadline = Date().addingTimeInterval(60)
        while !text.contains("\n"), Date() < deadline {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            text += String(decoding: chunk, as: UTF8.self)
        }
        // "percept annotate: N images in DIR; open http://127.0.0.1:PORT/"
        guard let range = text.range(of: "127.0.0.1:"), let port = Int(text[range.upperBound...].prefix { $0.isNumber }) else {
            process.terminate()
            throw AnnotatorError.invalid(place: "percept annotate serve", detail: "printed no URL: '\(text)'")
        }
        self.port = port
    }

    func stop() {
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }
}

@Suite("annotator durability")
struct DurabilityTests {
    @Test("after SIGKILL in the middle of a stream of edits, every acknowledged edit is in the store")
    func survivesKill() async throws {
        let folder = try TestServer.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        for (path, width, height) in TestServer.defaultImages {
            try TestServer.writeImage(folder.appendingPathComponent(path), width: width, height: height)
        }
        let store = try AnnotationStore(root: folder)
        try store.scan()
        try store.ensureClasses([(0, "thing")])
        let ids = try store.images().map(\.id)
        var server = try ServeProcess(folder: folder)
        var acknowledged: [Int: (version: Int, count: Int)] = [:]
        for edit in 0..<60 {
            let id = ids[edit % ids.count]
            let version = acknowledged[id]?.version ?? 0
            let count = (acknowledged[id]?.count ?? 0) + 1
            let shapes = (0..<count).map { #"{"kind":"point","class":0,"points":[\#($0 % 30),\#(edit % 30)]}"# }
            let body = #"{"version":\#(version),"shapes":[\#(shapes.joined(separator: ","))]}"#
            if edit == 45 {
                // Send the next edit and kill the server before reading its answer.
                let client = HTTPClient(port: server.port)
                let inFlight = Task { try? await client.send("PUT", "/api/images/\(id)/shapes", json: body) }
                try await Task.sleep(nanoseconds: 2_000_000)
                server.stop()
                _ = await inFlight.value
                break
            }
            let (status, answer) = try await HTTPClient(port: server.port).json("PUT", "/api/images/\(id)/shapes", body)
            #expect(status == 200)
            acknowledged[id] = (answer["version"]?.integer ?? -1, count)
        }
        server = try ServeProcess(folder: folder)
        defer { server.stop() }
        for (id, last) in acknowledged {
            let (status, state) = try await HTTPClient(port: server.port).json("GET", "/api/images/\(id)")
            #expect(status == 200)
            let version = state["version"]?.integer ?? -1
            let shapes = state["shapes"]?.array?.count ?? -1
            // The edit in flight may or may not have landed; nothing acknowledged may be missing.
            #expect(version == last.version && shapes == last.count || version == last.version + 1 && shapes == last.count + 1)
        }
        #expect(acknowledged.values.map(\.version).reduce(0, +) == 45)
    }
}
