import Foundation
import Testing
import PerceptTensor
@testable import PerceptNN

extension PerceptNNTests {
    @Suite("Checkpoints resume training exactly")
    struct ResumeTests {
        /// Runs the PerceptResumeProbe helper (built beside the test bundle) in a new process;
        /// it trains on one thread and writes a checkpoint.
        static func probe(_ arguments: [String]) throws {
            let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
                .deletingLastPathComponent().appendingPathComponent("PerceptResumeProbe")
            let process = Process()
            process.executableURL = executable
            process.arguments = arguments
            let errors = Pipe()
            process.standardError = errors
            try process.run()
            let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            #expect(process.terminationStatus == 0, "PerceptResumeProbe \(arguments): \(message)")
        }

        @Test("two steps, a checkpoint, a new process and two more steps equal four steps bit for bit on one thread")
        func resume() throws {
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("nn-resume-\(UUID())")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: folder) }
            let uninterrupted = folder.appendingPathComponent("four.safetensors").path
            let halfway = folder.appendingPathComponent("two.safetensors").path
            let resumed = folder.appendingPathComponent("resumed.safetensors").path
            try Self.probe(["4", uninterrupted])
            try Self.probe(["2", halfway])
            try Self.probe(["2", resumed, halfway])

            let expected = try Checkpoint.read(from: uninterrupted), actual = try Checkpoint.read(from: resumed)
            let early = try Checkpoint.read(from: halfway)
            #expect(actual.step == 4 && expected.step == 4 && early.step == 2)
            #expect(expected.model.keys.contains("norm.running_mean") && expected.model.keys.contains("norm.num_batches_tracked"))
            #expect(actual.model.keys.sorted() == expected.model.keys.sorted())
            for (name, value) in expected.model {
                #expect(actual.model[name]?.toBits() == value.toBits(), "\(name) differs after resuming")
            }
            // Training went on after the checkpoint: the halfway weights are not the final ones.
            #expect(early.model["hidden.weight"]?.toBits() != expected.model["hidden.weight"]?.toBits())
            #expect(actual.optimizer == expected.optimizer)
            #expect(actual.schedule == expected.schedule)
            #expect(actual.randomState == expected.randomState)
        }
    }
}

extension Tensor {
    /// The exact bit patterns of float32 values (other types as integers), so comparisons are bit for bit.
    func toBits() -> [UInt64] {
        dtype == .float32 ? toArray().map { UInt64($0.bitPattern) } : toIntArray().map { UInt64(bitPattern: Int64($0)) }
    }
}
