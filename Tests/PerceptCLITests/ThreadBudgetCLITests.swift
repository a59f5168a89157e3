import Foundation
import Testing

/// The one thread budget, seen from outside (the child's `/proc/PID/task`): a training run with a
/// data-loader worker starts no library pool beyond the budget and makes no call into OpenBLAS or
/// oneDNN from inside a parallel loop. (At budgets above one, GCD, OpenMP and OpenBLAS each keep
/// their own helper threads; README's "Start-up and threads" says so.)
@Suite("thread budget (training)")
struct ThreadBudgetCLITests {
    /// Runs `percept arguments` and samples `/proc/PID/task` (the child's own thread list) until it
    /// exits; returns the exit status, stderr, the most threads seen at once and the diagnostics.
    private func runCountingThreads(_ arguments: [String], environment: [String: String])
        throws -> (status: Int32, stderr: String, peakThreads: Int, samples: Int, diagnostics: [String: Any]) {
        let report = FileManager.default.temporaryDirectory.appendingPathComponent("percept-threads-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: report) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
            .deletingLastPathComponent().appendingPathComponent("percept")
        process.arguments = arguments
        // The test process itself set these when it loaded OpenBLAS and oneDNN; the child must
        // size its pools from PERCEPT_THREADS alone.
        var inherited = ProcessInfo.processInfo.environment
        inherited["OMP_NUM_THREADS"] = nil
        inherited["OPENBLAS_NUM_THREADS"] = nil
        process.environment = inherited.merging(environment) { $1 }.merging(["PERCEPT_DIAGNOSTICS_AT_EXIT": report.path]) { $1 }
        let errors = FileManager.default.temporaryDirectory.appendingPathComponent("percept-threads-\(UUID().uuidString).txt")
        FileManager.default.createFile(atPath: errors.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: errors) }
        process.standardError = try FileHandle(forWritingTo: errors)
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let tasks = "/proc/\(process.processIdentifier)/task"
        var peak = 0, samples = 0
        while process.isRunning {
            if let threads = try? FileManager.default.contentsOfDirectory(atPath: tasks), !threads.isEmpty {
                peak = max(peak, threads.count)
                samples += 1
            }
            usleep(500)
        }
        process.waitUntilExit()
        let diagnostics = (try? JSONSerialization.jsonObject(with: Data(contentsOf: report))) as? [String: Any] ?? [:]
        return (process.terminationStatus, (try? String(contentsOf: errors, encoding: .utf8)) ?? "", peak, samples, diagnostics)
    }

    /// Trains `fashion_cnn` for two short epochs with one data-loader worker under `budget`.
    private func train(budget: Int) throws -> (status: Int32, stderr: String, peakThreads: Int, samples: Int, diagnostics: [String: Any]) {
        let root = try ClassifyFixtures.imageFolder(perClass: 24, side: 28)
        defer { try? FileManager.default.removeItem(at: root) }
        return try runCountingThreads(
            ["classify", "train", "--model", "fashion_cnn", "--data", root.appendingPathComponent("images").path, "--imgsz", "28",
             "--epochs", "2", "--batch", "8", "--workers", "1", "--project", root.appendingPathComponent("runs").path],
            environment: ["PERCEPT_THREADS": String(budget)])
    }

    @Test("with a budget of one thread, OpenBLAS, oneDNN's OpenMP and the engine's loops start no thread")
    func oneThreadBudgetStartsNoPool() throws {
        let run = try train(budget: 1)
        #expect(run.status == 0, "\(run.stderr)")
        // Enough samples that pools (started at first use and kept) would have been seen.
        #expect(run.samples >= 10)
        let mapped = run.diagnostics["mapped_libraries"] as? [String] ?? []
        #expect(mapped.contains { $0.contains("libopenblas") } && mapped.contains { $0.contains("libdnnl") },
                "the run never reached the threaded libraries")
        // The main thread, the one data-loader worker, and the thread libdispatch runs the
        // trainer's SIGINT source on; OpenBLAS sized from the cores (not the budget) would add one.
        #expect(run.peakThreads >= 2, "the data-loader worker was never seen")
        #expect(run.peakThreads <= 3, "\(run.peakThreads) threads alive at once with PERCEPT_THREADS=1")
        #expect(run.diagnostics["nested_library_calls"] as? Int == 0)
    }

    @Test("training with parallel loops and a data-loader worker calls no BLAS or oneDNN from inside a loop")
    func noLibraryCallsFromInsideLoops() throws {
        let run = try train(budget: 2)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.diagnostics["nested_library_calls"] as? Int == 0)
    }
}
