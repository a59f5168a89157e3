import Foundation
import PerceptTestSupport
import Testing

/// `percept tune` on the tiny image folders of ``ClassifyFixtures``.
@Suite("percept tune")
struct TuneCommandTests {
    /// The course's example space, as written.
    static let courseSpace = "units: {int: [32, 512], step: 32}\nlr: {choice: [1e-2, 1e-3, 1e-4]}\n"

    static func write(_ text: String, _ name: String, in root: URL) throws -> String {
        let file = root.appendingPathComponent(name)
        try Data(text.utf8).write(to: file)
        return file.path
    }

    static func tune(_ root: URL, space: String, out: String, _ extra: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
        try runPercept(["tune", "--space", space, "--task", "classify", "--model", "mlp", "--data", root.appendingPathComponent("images").path,
                        "--batch", "4", "--workers", "0", "--out", out] + extra, environment: ["PERCEPT_THREADS": "1"])
    }

    /// results.csv without its time column, which no two runs share.
    static func tableWithoutTimes(_ folder: String) throws -> [String] {
        let lines = try String(contentsOfFile: folder + "/results.csv", encoding: .utf8).split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false) }
        let column = try #require(lines.first?.firstIndex(of: "time_s"))
        return lines.map { row in row.enumerated().filter { $0.offset != column }.map { String($0.element) }.joined(separator: ",") }
    }

    @Test("the course's example space runs as written; best.yaml trains with classify train --cfg")
    func courseExample() throws {
        let root = try ClassifyFixtures.imageFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        let space = try Self.write(Self.courseSpace, "space.yaml", in: root)
        let out = root.appendingPathComponent("search").path
        let result = try Self.tune(root, space: space, out: out, ["--algorithm", "random", "--max-trials", "3", "--epochs", "2", "--seed", "5", "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let table = try String(contentsOfFile: out + "/results.csv", encoding: .utf8).split(separator: "\n")
        #expect(table.first == "trial,units,lr,val_accuracy,epochs,trained_epochs,time_s,status,bracket,round,parent")
        #expect(table.count == 4 && table.dropFirst().allSatisfy { $0.contains(",2,2,") && $0.contains(",completed,") })
        for file in ["best.yaml", "best.safetensors", "tuning.png", "search.json", "trials/0001/e1/weights/last.safetensors"] {
            #expect(FileManager.default.fileExists(atPath: out + "/" + file), "\(file) is missing")
        }
        let lines = result.stdout.split(separator: "\n")
        #expect(lines.count == 4)
        let summary = try #require(try JSONSerialization.jsonObject(with: Data(String(lines.last ?? "").utf8)) as? [String: Any])
        #expect(summary["trials"] as? Int == 3 && summary["trial_epochs"] as? Int == 6 && summary["best_trial"] != nil)

        let best = try String(contentsOfFile: out + "/best.yaml", encoding: .utf8)
        #expect(best.contains("model: mlp") && best.contains("model_options: 'units=") && best.contains("epochs: 2"))
        let trained = try runPercept(["classify", "train", "--cfg", out + "/best.yaml", "--project", root.appendingPathComponent("runs").path, "--workers", "0"])
        #expect(trained.status == 0, "\(trained.stderr)")
        let arguments = try String(contentsOf: root.appendingPathComponent("runs/classify/train/args.yaml"), encoding: .utf8)
        #expect(arguments.contains("model_options: 'units="))

        // The output folder now holds the search: a second search into it needs --force.
        let again = try Self.tune(root, space: space, out: out, ["--max-trials", "1", "--epochs", "1"])
        #expect(again.status == 2 && again.stderr.contains("--force"))
    }

    @Test("a search killed mid-trial resumes and ends with the same table as an uninterrupted one")
    func killAndResume() throws {
        let root = try ClassifyFixtures.imageFolder(perClass: 150)
        defer { try? FileManager.default.removeItem(at: root) }
        let space = try Self.write("units: {int: [16, 64], step: 16}\nlr: {float: [1e-3, 1e-1], scale: log}\n", "space.yaml", in: root)
        let options = ["--algorithm", "hyperband", "--max-epochs", "3", "--factor", "3", "--seed", "3"]
        let whole = root.appendingPathComponent("whole").path, killed = root.appendingPathComponent("killed").path
        let uninterrupted = try Self.tune(root, space: space, out: whole, options)
        #expect(uninterrupted.status == 0, "\(uninterrupted.stderr)")

        let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent().appendingPathComponent("percept")
        // Trial 4 continues trial 1..3's best from epoch 1 to 3: kill it after its second epoch.
        let epochs = killed + "/trials/0004/e1/results.csv", finished = killed + "/trials/0004/result.json"
        var killedMidTrial = false
        for _ in 0..<3 where !killedMidTrial {
            try? FileManager.default.removeItem(atPath: killed)
            let process = Process()
            process.executableURL = executable
            process.arguments = ["tune", "--space", space, "--task", "classify", "--model", "mlp", "--data", root.appendingPathComponent("images").path,
                                 "--batch", "4", "--workers", "0", "--out", killed] + options
            process.environment = ProcessInfo.processInfo.environment.merging(["PERCEPT_THREADS": "1"]) { $1 }
            process.standardError = FileHandle.nullDevice
            try process.run()
            let deadline = Date().addingTimeInterval(120)
            while Date() < deadline, process.isRunning {
                let rows = (try? String(contentsOfFile: epochs, encoding: .utf8))?.split(separator: "\n").count ?? 0
                if rows >= 3 { break }
                usleep(500)
            }
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            killedMidTrial = process.terminationReason == .uncaughtSignal && !FileManager.default.fileExists(atPath: finished)
        }
        #expect(killedMidTrial, "the search ended before it could be killed")
        let resumed = try runPercept(["tune", "--resume", killed, "--workers", "0"], environment: ["PERCEPT_THREADS": "1"])
        #expect(resumed.status != 0 && resumed.stderr.contains("--resume continues the search"))
        let continued = try runPercept(["tune", "--resume", killed], environment: ["PERCEPT_THREADS": "1"])
        #expect(continued.status == 0, "\(continued.stderr)")
        #expect(try Self.tableWithoutTimes(killed) == Self.tableWithoutTimes(whole))
        #expect(try Self.tableWithoutTimes(whole).count == 7)
    }

    @Test("--parallel 2 runs the same trials to the same results as one at a time")
    func parallelEqualsSequential() throws {
        let root = try ClassifyFixtures.imageFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        let space = try Self.write(Self.courseSpace, "space.yaml", in: root)
        let options = ["--algorithm", "random", "--max-trials", "4", "--epochs", "2", "--seed", "1"]
        let one = root.appendingPathComponent("one").path, two = root.appendingPathComponent("two").path
        let sequential = try Self.tune(root, space: space, out: one, options)
        let parallel = try Self.tune(root, space: space, out: two, options + ["--parallel", "2"])
        #expect(sequential.status == 0 && parallel.status == 0, "\(sequential.stderr)\n\(parallel.stderr)")
        #expect(try Self.tableWithoutTimes(two) == Self.tableWithoutTimes(one))
        #expect(try Self.tableWithoutTimes(one).count == 5)
    }

    @Test("bad spaces and options are refused before any training, naming the file and line", arguments: [
        ("units: {int: [32, 512], step: 32}\nwidth1: {int: [8, 16]}\n", "space.yaml:2: error: unknown option width1"),
        ("lr: {float: [0, 0.1], scale: log}\n", "space.yaml:1: error: lr: a log scale cannot reach zero"),
        ("units: {int: [512, 32]}\n", "space.yaml:1: error: units: empty range"),
        ("units: {int: [32, 512], step: -32}\n", "space.yaml:1: error: units: bad step"),
        ("units: {int: [32, 512], steps: 32}\n", "space.yaml:1: error: units: unknown option steps"),
    ])
    func badSpaces(text: String, message: String) throws {
        let root = try ClassifyFixtures.imageFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        let space = try Self.write(text, "space.yaml", in: root)
        let out = root.appendingPathComponent("search").path
        let result = try Self.tune(root, space: space, out: out, ["--epochs", "1"])
        #expect(result.status == 1)
        #expect(result.stderr.contains(message), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out + "/trials"))
    }

    @Test("a trial whose loss becomes NaN is recorded as failed and the search goes on")
    func nanTrialFails() throws {
        let root = try ClassifyFixtures.imageFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        let space = try Self.write("lr: {choice: [1e300, 0.001]}\n", "space.yaml", in: root)
        let out = root.appendingPathComponent("search").path
        let result = try Self.tune(root, space: space, out: out, ["--algorithm", "grid", "--epochs", "1", "--optimizer", "sgd"])
        #expect(result.status == 0, "\(result.stderr)")
        let table = try String(contentsOfFile: out + "/results.csv", encoding: .utf8).split(separator: "\n")
        #expect(table.count == 3 && table[1].contains(",failed,") && table[2].contains(",completed,"), "\(table)")
        #expect(result.stderr.contains("trial 1: failed"))
    }
}
