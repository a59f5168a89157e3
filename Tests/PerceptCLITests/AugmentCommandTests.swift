import Foundation
import PerceptTestSupport
import Testing

@Suite("percept augment")
struct AugmentCommandTests {
    private func augment(_ input: URL, _ output: URL, _ extra: [String] = [], copies: Int = 2, seed: Int = 42) throws
        -> (status: Int32, stdout: String, stderr: String) {
        try runPercept(["augment", input.path, output.path, "--pipeline", DatasetFixtures.smallPipeline.path,
                        "--copies", "\(copies)", "--seed", "\(seed)"] + extra)
    }

    @Test("the same seed gives the same bytes with 1 and with 2 workers, and IN is untouched")
    func workersGiveSameBytes() throws {
        let root = try DatasetFixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        let before = try DatasetFixtures.snapshot(DatasetFixtures.coco)
        let one = root.appendingPathComponent("one"), two = root.appendingPathComponent("two")
        let first = try augment(DatasetFixtures.coco, one, ["--workers", "1"])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(try augment(DatasetFixtures.coco, two, ["--workers", "2"]).status == 0)
        let written = try DatasetFixtures.snapshot(one)
        #expect(written == (try DatasetFixtures.snapshot(two)))
        #expect(written.keys.contains("images/shapes_00_aug1.png") && written.keys.contains("images/shapes_35_aug2.jpg"))
        #expect(written.count == 36 * 2 + 2)
        #expect(try DatasetFixtures.snapshot(DatasetFixtures.coco) == before)
        #expect(try runPercept(["validate", one.path]).status == 0)
    }

    @Test("manifest.jsonl has one line per image with the documented fields")
    func manifest() throws {
        let root = try DatasetFixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        let output = root.appendingPathComponent("out")
        #expect(try augment(DatasetFixtures.coco, output, ["--keep-originals"], copies: 1).status == 0)
        let lines = try String(contentsOf: output.appendingPathComponent("manifest.jsonl"), encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 72)
        let entries = try lines.map { try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]) }
        #expect(entries.allSatisfy { Set($0.keys) == ["output", "source", "copy", "seed", "transforms", "boxes_in", "boxes_out", "dropped"] })
        #expect(entries[0]["output"] as? String == "images/shapes_00.png" && DatasetFixtures.number(entries[0]["copy"]) == 0)
        #expect(entries[1]["output"] as? String == "images/shapes_00_aug1.png" && entries[1]["source"] as? String == "images/shapes_00.png")
        let transforms = entries[1]["transforms"] as? [[String: Any]] ?? []
        #expect(transforms.compactMap { $0["name"] as? String } == ["Compose", "HorizontalFlip", "Affine", "ColorJitter", "GaussianBlur", "RandomResizedCrop"])
        #expect(entries.allSatisfy { entry in
            let counts = ["boxes_in", "boxes_out", "dropped"].compactMap { DatasetFixtures.number(entry[$0]) }
            return counts.count == 3 && counts[0] - counts[1] == counts[2]
        })
        #expect(try Data(contentsOf: output.appendingPathComponent("images/shapes_00.png"))
            == Data(contentsOf: DatasetFixtures.coco.appendingPathComponent("images/shapes_00.png")))
    }

    @Test("a run killed with SIGKILL midway and resumed equals an uninterrupted run byte for byte")
    func killAndResume() throws {
        let root = try DatasetFixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        let whole = root.appendingPathComponent("whole"), resumed = root.appendingPathComponent("resumed")
        let arguments = ["--workers", "1"]
        #expect(try augment(DatasetFixtures.coco, whole, arguments, copies: 6).status == 0)
        let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent().appendingPathComponent("percept")
        let journal = resumed.appendingPathComponent(".percept-augment/journal.jsonl")
        var killedMidway = false
        for attempt in 0..<3 where !killedMidway {
            let process = Process()
            process.executableURL = executable
            process.arguments = ["augment", DatasetFixtures.coco.path, resumed.path, "--pipeline", DatasetFixtures.smallPipeline.path,
                                 "--copies", "6", "--seed", "42", "--force"] + arguments
            process.standardError = FileHandle.nullDevice
            try process.run()
            // Kill once some outputs are committed (and others half done).
            let deadline = Date().addingTimeInterval(30)
            while Date() < deadline, process.isRunning {
                let lines = (try? String(contentsOf: journal, encoding: .utf8))?.split(separator: "\n").count ?? 0
                if lines > 10 + attempt * 20 { break }
                usleep(1000)
            }
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            killedMidway = process.terminationReason == .uncaughtSignal
                && !FileManager.default.fileExists(atPath: resumed.appendingPathComponent("manifest.jsonl").path)
        }
        #expect(killedMidway, "the run ended before it could be killed")
        let again = try augment(DatasetFixtures.coco, resumed, arguments + ["--resume"], copies: 6)
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.stderr.contains("were finished by the interrupted run"))
        #expect(try DatasetFixtures.snapshot(resumed) == DatasetFixtures.snapshot(whole))
        let complete = try augment(DatasetFixtures.coco, resumed, arguments + ["--resume"], copies: 6)
        #expect(complete.status == 0 && complete.stderr.contains("already complete"))
    }

    @Test("resuming with other settings is refused with exit code 2")
    func resumeWithOtherSettings() throws {
        let root = try DatasetFixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        let output = root.appendingPathComponent("out")
        let work = output.appendingPathComponent(".percept-augment")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        try Data("{\"fingerprint\":\"0\"}\n".utf8).write(to: work.appendingPathComponent("journal.jsonl"))
        let result = try augment(DatasetFixtures.coco, output, ["--resume"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("other settings"))
    }

    @Test("--split augments one split and copies the others unchanged; --to writes another format")
    func splitAndTarget() throws {
        let root = try DatasetFixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        let output = root.appendingPathComponent("out")
        let result = try augment(DatasetFixtures.yolo, output, ["--split", "val", "--to", "coco"], copies: 1)
        #expect(result.status == 0, "\(result.stderr)")
        let images = try FileManager.default.contentsOfDirectory(atPath: output.appendingPathComponent("images").path)
        #expect(images.count == 36)
        #expect(images.filter { $0.contains("_aug1") }.count == 7)
        #expect(try Data(contentsOf: output.appendingPathComponent("images/shapes_00.png"))
            == Data(contentsOf: DatasetFixtures.yolo.appendingPathComponent("images/train/shapes_00.png")))
        #expect(!images.contains("shapes_04.jpg") && images.contains("shapes_04_aug1.jpg"))
        let missing = try augment(DatasetFixtures.yolo, root.appendingPathComponent("none"), ["--split", "test"])
        #expect(missing.status == 2 && missing.stderr.contains("no image is in that split"))
    }

    @Test("command-line box settings override the pipeline file's")
    func boxSettingsOverride() throws {
        let root = try DatasetFixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        let output = root.appendingPathComponent("out")
        #expect(try augment(DatasetFixtures.coco, output, ["--min-area", "1000000"], copies: 1).status == 0)
        let document = try DatasetFixtures.json(output.appendingPathComponent("annotations.json"))
        #expect((document["annotations"] as? [Any])?.isEmpty == true)
        let lines = try String(contentsOf: output.appendingPathComponent("manifest.jsonl"), encoding: .utf8).split(separator: "\n")
        #expect(lines.allSatisfy { $0.contains("\"boxes_out\":0") })
    }

    @Test("an image that cannot be decoded is reported with its file, the rest is written, exit code 1")
    func undecodableImage() throws {
        let root = try DatasetFixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        let input = root.appendingPathComponent("in"), output = root.appendingPathComponent("out")
        try FileManager.default.copyItem(at: DatasetFixtures.coco, to: input)
        try Data("not a png".utf8).write(to: input.appendingPathComponent("images/shapes_00.png"))
        let result = try augment(input, output, [], copies: 1)
        #expect(result.status == 1)
        #expect(result.stderr.contains("images/shapes_00.png: error:"))
        #expect(result.stderr.contains("wrote 35 of 36 image(s)"))
        #expect(FileManager.default.fileExists(atPath: output.appendingPathComponent("images/shapes_01_aug1.jpg").path))
    }

    @Test("usage mistakes exit 2: a bad pipeline file, no copies, a non-empty OUT, --dry-run writes nothing")
    func usage() throws {
        let root = try DatasetFixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        let output = root.appendingPathComponent("out")
        let badPipeline = try runPercept(["augment", DatasetFixtures.coco.path, output.path, "--pipeline",
                                          fixturesFolder.appendingPathComponent("augment/bad-unknown-transform.yaml").path,
                                          "--copies", "1", "--seed", "1"])
        #expect(badPipeline.status == 2 && badPipeline.stderr.contains("bad-unknown-transform.yaml:"))
        #expect(try augment(DatasetFixtures.coco, output, [], copies: 0).status == 2)
        #expect(try augment(DatasetFixtures.coco, DatasetFixtures.coco.appendingPathComponent("images"), []).status == 2)
        let dry = try augment(DatasetFixtures.coco, output, ["--dry-run"])
        #expect(dry.status == 0 && dry.stdout.contains("would write shapes_00_aug2.png (copy 2 of shapes_00.png)"))
        #expect(!FileManager.default.fileExists(atPath: output.path))
    }
}
