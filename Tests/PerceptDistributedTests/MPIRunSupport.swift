import Foundation
import Testing

/// Running the built `percept` alone or under `mpirun`, and reading what it wrote.
enum MPIRun {
    /// The built `percept` binary (beside the test bundle in the build folder).
    static let percept = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        .deletingLastPathComponent().appendingPathComponent("percept").path

    /// One thread per process, so runs compare closely and two ranks share the two cores fairly.
    static let environment = ["PERCEPT_THREADS": "1", "OMPI_ALLOW_RUN_AS_ROOT": "1", "OMPI_ALLOW_RUN_AS_ROOT_CONFIRM": "1",
                              "OMPI_MCA_rmaps_base_oversubscribe": "1"]

    /// `mpirun`'s arguments for `ranks` local processes running `percept arguments`.
    static func mpirunArguments(ranks: Int, _ arguments: [String]) -> [String] {
        ["--oversubscribe", "--bind-to", "none", "-np", String(ranks), percept] + arguments
    }

    /// A started process with its output collected in files (so a long run cannot fill a pipe).
    static func start(_ executable: String, _ arguments: [String], log: URL, environment extra: [String: String] = [:]) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }.merging(extra) { $1 }
        try #require(FileManager.default.createFile(atPath: log.path + ".out", contents: nil))
        try #require(FileManager.default.createFile(atPath: log.path + ".err", contents: nil))
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: log.path + ".out"))
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: log.path + ".err"))
        try process.run()
        return process
    }

    /// Runs `percept arguments` alone (`ranks` nil) or under `mpirun -np ranks` to its end.
    static func run(ranks: Int?, _ arguments: [String], in folder: URL) throws -> (status: Int32, stdout: String, stderr: String) {
        let log = folder.appendingPathComponent("log-\(UUID().uuidString)")
        let process = try ranks.map { try start("/usr/bin/mpirun", mpirunArguments(ranks: $0, arguments), log: log) }
            ?? start(percept, arguments, log: log)
        process.waitUntilExit()
        return (process.terminationStatus, try String(contentsOfFile: log.path + ".out", encoding: .utf8),
                try String(contentsOfFile: log.path + ".err", encoding: .utf8))
    }

    /// Trains `arguments("alone")` in one process and `arguments("shared") + sharedExtra` under
    /// `mpirun -np 2`, expecting both to succeed; returns both outputs and the largest difference
    /// between the last weights they wrote into `runs` (nil when their tensors differ in names or sizes).
    static func aloneAndShared(in root: URL, runs: URL, sharedExtra: [String] = [], _ arguments: (String) -> [String]) throws
        -> (difference: Float?, alone: (status: Int32, stdout: String, stderr: String), shared: (status: Int32, stdout: String, stderr: String)) {
        let alone = try run(ranks: nil, arguments("alone"), in: root)
        #expect(alone.status == 0, "\(alone.stderr)")
        let shared = try run(ranks: 2, arguments("shared") + sharedExtra, in: root)
        #expect(shared.status == 0, "\(shared.stderr)")
        let one = try floatTensors(runs.appendingPathComponent("alone/weights/last.safetensors").path)
        let two = try floatTensors(runs.appendingPathComponent("shared/weights/last.safetensors").path)
        return (largestDifference(one, two), alone, shared)
    }

    /// Calls `body` with a new temporary folder, the image folder made in it and the project
    /// folder for runs, and removes the folder afterwards.
    static func withTrainingData(_ body: (_ root: URL, _ images: String, _ project: URL) throws -> Void) throws {
        let root = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        try body(root, try imageFolder(in: root), root.appendingPathComponent("runs"))
    }

    /// A new empty temporary folder.
    static func temporaryFolder() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("percept-mpi-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }

    /// The Float32 tensors of a safetensors file by name (a checkpoint's model tensors without their `model.` prefix).
    static func floatTensors(_ path: String) throws -> [String: [Float]] {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        let length = Int(data.prefix(8).enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) })
        let header = try #require(try JSONSerialization.jsonObject(with: data.subdata(in: 8..<8 + length)) as? [String: Any])
        var tensors: [String: [Float]] = [:]
        for (name, entry) in header where name != "__metadata__" {
            guard let entry = entry as? [String: Any], entry["dtype"] as? String == "F32",
                  let offsets = entry["data_offsets"] as? [Int] else { continue }
            let bytes = data.subdata(in: 8 + length + offsets[0]..<8 + length + offsets[1])
            let values = bytes.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
            tensors[name] = values
        }
        let prefixed = tensors.filter { $0.key.hasPrefix("model.") }
        return prefixed.isEmpty ? tensors : Dictionary(uniqueKeysWithValues: prefixed.map { (String($0.key.dropFirst(6)), $0.value) })
    }

    /// The largest absolute difference between two sets of tensors with the same names and sizes, or nil when they differ in those.
    static func largestDifference(_ first: [String: [Float]], _ second: [String: [Float]]) -> Float? {
        guard !first.isEmpty, Set(first.keys) == Set(second.keys) else { return nil }
        var largest: Float = 0
        for (name, values) in first {
            guard let other = second[name], other.count == values.count else { return nil }
            for (a, b) in zip(values, other) { largest = max(largest, abs(a - b)) }
        }
        return largest
    }

    /// A folder of two class folders of small PGM images: `dark` is dark on the left half, `light` on the right.
    static func imageFolder(in root: URL, perClass: Int = 8, side: Int = 8) throws -> String {
        let data = root.appendingPathComponent("images")
        for (index, name) in ["dark", "light"].enumerated() {
            let folder = data.appendingPathComponent(name)
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            for number in 0..<perClass {
                var bytes = Array("P5\n\(side) \(side)\n255\n".utf8)
                for row in 0..<side {
                    for column in 0..<side {
                        let base = (column < side / 2) == (index == 0) ? 30 : 210
                        bytes.append(UInt8(clamping: base + (row * 7 + column * 3 + number * 11) % 23))
                    }
                }
                try Data(bytes).write(to: folder.appendingPathComponent("\(name)\(number).pgm"))
            }
        }
        return data.path
    }
}
