import Foundation
import PerceptTestSupport
import Testing

/// `percept annotate serve --detector`: the detector is loaded and named before the server
/// starts; a missing file or weights of another task stop it with exit 1 naming the file.
@Suite("annotate serve --detector loads the detector first; bad weights are named")
struct AnnotateDetectorTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures")

    /// A temporary folder holding the tiny detector's scene picture.
    static func folder() throws -> URL {
        let root = try DatasetFixtures.temporaryFolder()
        try FileManager.default.copyItem(at: fixtures.appendingPathComponent("yolo/scene.png"), to: root.appendingPathComponent("scene.png"))
        return root
    }

    @Test("Ultralytics' tiny checkpoint: the server names the detector, its classes, threshold and size, and serves")
    func servesWithDetector() throws {
        let root = try Self.folder()
        defer { try? FileManager.default.removeItem(at: root) }
        let weights = Self.fixtures.appendingPathComponent("yolo/tiny.pt").path
        let started = try startServer([root.path, "--detector", weights, "--detector-imgsz", "320", "--conf", "0.3"])
        #expect(started.status == nil, "\(started.stderr)")
        #expect(started.stdout.contains("detector \(weights) (circle, square, triangle) proposes boxes above 0.3 at 320 px"), "\(started.stdout)")
    }

    @Test("a missing --detector file or classifier weights exit 1 naming the file, before any store is made; flag misuse exits 2")
    func badDetector() throws {
        let root = try Self.folder()
        defer { try? FileManager.default.removeItem(at: root) }
        let missing = root.appendingPathComponent("nowhere.pt").path
        let gone = try runPercept(["annotate", "serve", root.path, "--detector", missing, "--port", "0"])
        #expect(gone.status == 1 && gone.stderr.contains("\(missing): error: --detector: no such file"), "\(gone.stderr)")
        let classifier = Self.fixtures.appendingPathComponent("models/cifar_resnet20-fashion0-4.safetensors").path
        let wrong = try runPercept(["annotate", "serve", root.path, "--detector", classifier, "--port", "0"])
        #expect(wrong.status == 1 && wrong.stderr.contains("\(classifier): error:") && wrong.stderr.contains("not a detection model"), "\(wrong.stderr)")
        #expect(!FileManager.default.fileExists(atPath: root.appendingPathComponent(".percept").path), "no store before the detector loads")
        let size = try runPercept(["annotate", "serve", root.path, "--detector-imgsz", "320", "--port", "0"])
        #expect(size.status == 2 && size.stderr.contains("--detector-imgsz needs --detector"), "\(size.stderr)")
        let conf = try runPercept(["annotate", "serve", root.path, "--detector", missing, "--conf", "1.5", "--port", "0"])
        #expect(conf.status == 2 && conf.stderr.contains("--conf must lie in 0...1"), "\(conf.stderr)")
    }
}
