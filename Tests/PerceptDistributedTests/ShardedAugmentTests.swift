import Foundation
import Testing

/// `mpirun -np 2 percept augment` against `percept augment` alone.
@Suite("sharded augmentation under mpirun", .serialized)
struct ShardedAugmentTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fixtures")

    /// Every file under `folder` with its bytes, by relative path, without the output marker (it records the time).
    static func snapshot(_ folder: URL) -> [String: Data] {
        let paths = FileManager.default.enumerator(atPath: folder.path)?.allObjects as? [String] ?? []
        var files: [String: Data] = [:]
        for path in paths where path != ".percept-output" {
            var isFolder: ObjCBool = false
            let url = folder.appendingPathComponent(path)
            guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder), !isFolder.boolValue else { continue }
            files[path] = FileManager.default.contents(atPath: url.path)
        }
        return files
    }

    @Test("two ranks write the bytes one process writes: images, labels and manifest")
    func sameBytes() throws {
        let root = try MPIRun.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        func arguments(_ output: URL) -> [String] {
            ["augment", Self.fixtures.appendingPathComponent("dataset/coco").path, output.path,
             "--pipeline", Self.fixtures.appendingPathComponent("pipelines/detection-small.yaml").path, "--copies", "2", "--seed", "42", "--workers", "1"]
        }
        let one = root.appendingPathComponent("one"), two = root.appendingPathComponent("two")
        let alone = try MPIRun.run(ranks: nil, arguments(one), in: root)
        #expect(alone.status == 0, "\(alone.stderr)")
        let shared = try MPIRun.run(ranks: 2, arguments(two), in: root)
        #expect(shared.status == 0, "\(shared.stderr)")
        let written = Self.snapshot(one)
        #expect(written.keys.contains("manifest.jsonl") && written.count == 36 * 2 + 2)
        let sharedFiles = Self.snapshot(two)
        #expect(Set(sharedFiles.keys) == Set(written.keys))
        for (path, bytes) in written { #expect(sharedFiles[path] == bytes, "\(path) differs") }
        // One summary line, from rank 0, counting every rank's images.
        #expect(shared.stderr.components(separatedBy: "wrote 72 of 72 image(s)").count - 1 == 1, "\(shared.stderr)")
    }
}
