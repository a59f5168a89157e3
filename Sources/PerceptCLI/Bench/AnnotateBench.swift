import ArgumentParser
import Foundation
import Percept

/// `percept bench annotate`: the labeling app on a folder of 10,000 small images — the first
/// scan (headers read), a rescan, listing them over HTTP, and storing one edit (directly and
/// over HTTP, each a committed SQLite transaction).
struct AnnotateBench {
    var repeats: Int
    var filter: String?
    var imageCount = 10_000

    func run(reporter: BenchReporter) throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("percept-bench-annotate-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        try makeImages(in: folder)
        let selected = { (name: String) in filter.map { name.contains($0) } ?? true }
        let database = folder.appendingPathComponent(".percept/annotations.sqlite")
        if selected("annotate-scan-\(imageCount)-cold") {
            let times = try measure(repeats: min(repeats, 3), warmup: 0) {
                try? FileManager.default.removeItem(at: database.deletingLastPathComponent())
                try AnnotationStore(root: folder).scan()
            }
            report(reporter, "annotate-scan-\(imageCount)-cold", times)
        }
        let store = try AnnotationStore(root: folder)
        try store.scan()
        try store.ensureClasses([(0, "object")])
        if selected("annotate-scan-\(imageCount)-warm") {
            report(reporter, "annotate-scan-\(imageCount)-warm", try measure(repeats: repeats) { try store.scan() })
        }
        let id = try store.images()[imageCount / 2].id
        let shapes = (0..<5).map { LabelShape(kind: .rect, classID: 0, coordinates: [Double($0), 1, Double($0) + 5, 8]) }
        if selected("annotate-edit-store") {
            report(reporter, "annotate-edit-store", try measure(repeats: max(repeats, 20)) {
                _ = try store.replaceShapes(of: id, basedOn: try store.state(of: id).image.version, with: shapes)
            })
        }
        let port = try startServer(store)
        if selected("annotate-list-\(imageCount)-http") {
            var bytes = 0
            let times = try measure(repeats: repeats) {
                bytes = try AnnotateBench.request(port: port, method: "GET", path: "/api/images", body: nil).count
            }
            report(reporter, "annotate-list-\(imageCount)-http", times, extra: [("bytes", bytes)])
        }
        if selected("annotate-edit-http") {
            let points = shapes.map { "{\"kind\":\"rect\",\"class\":0,\"points\":[\($0.coordinates.map { String($0) }.joined(separator: ","))]}" }
            report(reporter, "annotate-edit-http", try measure(repeats: max(repeats, 20)) {
                let version = try store.state(of: id).image.version
                _ = try AnnotateBench.request(port: port, method: "PUT", path: "/api/images/\(id)/shapes",
                                              body: "{\"version\":\(version),\"shapes\":[\(points.joined(separator: ","))]}")
            })
        }
    }

    private func report(_ reporter: BenchReporter, _ name: String, _ times: [Double], extra: [(String, Any)] = []) {
        var result = BenchResult(name: name, timesMs: times)
        result.extra = [("images", imageCount)] + extra
        reporter.report(result)
    }

    /// Tiny PNGs in 100 subfolders, so the scan walks a tree as a real dataset does.
    private func makeImages(in folder: URL) throws {
        var picture = Image(width: 16, height: 12, channels: 3)
        for index in 0..<imageCount {
            picture[x: index % 16, y: (index / 16) % 12, channel: 0] = 255
            let sub = folder.appendingPathComponent(String(format: "part%02d", index % 100))
            if index < 100 { try FileManager.default.createDirectory(at: sub, withIntermediateDirectories: true) }
            try picture.write(to: sub.appendingPathComponent(String(format: "image%05d.png", index)))
        }
    }

    /// Starts the server on a free loopback port in the background and returns the port.
    private func startServer(_ store: AnnotationStore) throws -> Int {
        let server = try AnnotatorServer(store: store, settings: ServerSettings(port: 0))
        let ready = DispatchSemaphore(value: 0)
        let bound = BoundPort()
        Task {
            try await server.run(handleSignals: false) { port in
                bound.value = port
                ready.signal()
            }
        }
        ready.wait()
        return bound.value
    }

    /// One HTTP request to the bench's server; anything but 200 is an error naming the path.
    static func request(port: Int, method: String, path: String, body: String?) throws -> [UInt8] {
        let headers = body == nil ? [:] : ["Content-Type": "application/json"]
        let request = LoopbackHTTP.request(port: port, method: method, path: path, headers: headers, body: body.map { Array($0.utf8) })
        let answer = try LoopbackHTTP.exchange(port: port, request: request)
        guard answer.status == 200 else {
            CommandOutput.problem(file: "http://127.0.0.1:\(port)\(path)", kind: "error", "HTTP \(answer.status)")
            throw ExitCode(1)
        }
        return answer.body
    }
}

private final class BoundPort: @unchecked Sendable { var value = 0 }
