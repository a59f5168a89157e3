import Foundation
import Percept

/// `PERCEPT_DIAGNOSTICS_AT_EXIT=FILE`: when `percept` exits, it writes FILE as JSON with the
/// shared libraries it had mapped (from its own `/proc/self/maps`) and how many calls into
/// OpenBLAS or oneDNN came from inside a parallel loop. Tests use it to check that commands which
/// need no point clouds or tensors map none of PCL, oneDNN, OpenBLAS or Open MPI (they load at
/// first use; see Sources/README.md) and that training keeps to the thread budget.
///
/// ```json
/// {"mapped_libraries": ["/usr/lib/x86_64-linux-gnu/libc.so.6", …], "nested_library_calls": 0}
/// ```
enum ExitDiagnostics {
    /// The environment variable naming the file to write.
    static let variable = "PERCEPT_DIAGNOSTICS_AT_EXIT"

    /// Registers the exit handler when the variable is set; does nothing otherwise.
    static func installIfRequested() {
        guard ProcessInfo.processInfo.environment[variable] != nil else { return }
        atexit { ExitDiagnostics.write() }
    }

    private static func write() {
        guard let path = ProcessInfo.processInfo.environment[variable] else { return }
        let report: [String: Any] = ["mapped_libraries": mappedFiles(), "nested_library_calls": ParallelLoop.nestedLibraryCalls]
        guard let data = try? JSONSerialization.data(withJSONObject: report, options: [.sortedKeys]) else { return }
        try? data.write(to: URL(fileURLWithPath: path), options: .atomic)
    }

    /// The distinct files mapped into this process, in the order `/proc/self/maps` lists them.
    private static func mappedFiles() -> [String] {
        guard let maps = FileHandle(forReadingAtPath: "/proc/self/maps")?.readDataToEndOfFile() else { return [] }
        var seen = Set<String>(), files: [String] = []
        for line in String(decoding: maps, as: UTF8.self).split(separator: "\n") {
            // address perms offset device inode path: the path is the sixth field, when present.
            let fields = line.split(separator: " ", maxSplits: 5, omittingEmptySubsequences: true)
            guard fields.count == 6 else { continue }
            let path = fields[5].trimmingCharacters(in: .whitespaces)
            if path.hasPrefix("/"), seen.insert(path).inserted { files.append(path) }
        }
        return files
    }
}
