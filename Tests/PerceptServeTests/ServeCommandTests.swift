import Foundation
@testable import PerceptCLI
import PerceptModels
import PerceptTestSupport
import Testing

/// `percept serve` as users run it: usage errors, the printed address, a clean stop on signals.
@Suite("percept serve command")
struct ServeCommandTests {
    @Test("listening off loopback without --token, no --weights, or a bad --max-batch is a usage error (exit 2)")
    func usageErrors() throws {
        let weights = fixtures.appendingPathComponent("yolo/tiny.pt").path
        let offLoopback = try runPercept(["serve", "--weights", weights, "--host", "0.0.0.0", "--port", "0"])
        #expect(offLoopback.status == 2)
        #expect(offLoopback.stderr.contains("--token"), "\(offLoopback.stderr)")
        #expect(try runPercept(["serve", "--port", "0"]).status == 2)
        #expect(try runPercept(["serve", "--weights", weights, "--max-batch", "0"]).status == 2)
    }

    @Test("a missing weights file or one that holds no weights is an error naming it (exit 1)")
    func badWeights() throws {
        let scratch = try Scratch()
        let missing = try runPercept(["serve", "--weights", scratch.path("none.safetensors"), "--port", "0"])
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("none.safetensors"))
        let notWeights = scratch.path("picture.safetensors")
        try FileManager.default.copyItem(atPath: try scratch.image("a.png", width: 8, height: 8), toPath: notWeights)
        let refused = try runPercept(["serve", "--weights", notWeights, "--port", "0"])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("picture.safetensors"), "\(refused.stderr)")
    }

    @Test("prints the address and its models, answers, and exits 0 on SIGINT and on SIGTERM", arguments: [SIGINT, SIGTERM])
    func startsAndStops(signal: Int32) async throws {
        let weights = fixtures.appendingPathComponent("yolo/tiny.pt").path
        let process = Process()
        process.executableURL = perceptExecutable
        process.arguments = ["serve", "--weights", "det=\(weights)", "--port", "0", "--imgsz", "320"]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = Pipe()
        try process.run()
        defer { if process.isRunning { process.terminate() } }
        var text = ""
        while !text.contains("det (detect)") {
            let chunk = out.fileHandleForReading.availableData
            guard !chunk.isEmpty else { break }
            text += String(decoding: chunk, as: UTF8.self)
        }
        #expect(text.contains("listening on http://127.0.0.1:"), "\(text)")
        #expect(text.contains("det (detect): POST /v1/models/det/predict"), "\(text)")
        let port = try #require(text.split(separator: "\n").first?.split(separator: ":").last.flatMap { Int($0) })
        let answer = try LoopbackHTTP.exchange(port: port, request: LoopbackHTTP.request(port: port, method: "GET", path: "/health"))
        #expect(answer.status == 200)
        #expect(String(decoding: answer.body, as: UTF8.self).contains("\"ok\""))
        kill(process.processIdentifier, signal)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
    }
}
