import Foundation
import PerceptTestSupport
import Testing

/// The repository's Fixtures folder, found from this source file's location.
let fixturesFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fixtures")

@Suite("percept demo")
struct DemoTests {
    @Test("the demo's loss falls and it classifies the bundled points")
    func lossFalls() throws {
        let result = try runPercept(["demo", "--fixtures", fixturesFolder.path, "--epochs", "100"])
        #expect(result.status == 0, "\(result.stderr)")
        let losses = result.stdout.split(separator: "\n").filter { $0.hasPrefix("epoch") }
            .compactMap { line in line.split(separator: " ").last.flatMap { Double($0) } }
        #expect(losses.count >= 2)
        if let first = losses.first, let last = losses.last { #expect(last < first * 0.8) }
    }

    @Test("a malformed data file is an error naming the file and line, exit code 1")
    func badData() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("percept-demo-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("demo"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try "x,y,label\n0.1,0.2,0\n0.3,oops,1\n".write(to: folder.appendingPathComponent("demo/moons.csv"), atomically: true, encoding: .utf8)
        let result = try runPercept(["demo", "--fixtures", folder.path])
        #expect(result.status == 1)
        #expect(result.stderr.contains("moons.csv:3: error:"))
    }
}
