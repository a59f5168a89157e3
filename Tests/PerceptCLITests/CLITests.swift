import Foundation
import Testing

/// The built `percept` binary (it sits beside the test bundle in the build folder).
let perceptExecutable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
    .deletingLastPathComponent().appendingPathComponent("percept")

/// Runs the built `percept` binary.
func runPercept(_ arguments: [String], in directory: URL? = nil,
                environment: [String: String] = [:]) throws -> (status: Int32, stdout: String, stderr: String) {
    let process = Process()
    process.executableURL = perceptExecutable
    process.arguments = arguments
    if let directory { process.currentDirectoryURL = directory }
    if !environment.isEmpty {
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
    }
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    let errData = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: outData, as: UTF8.self), String(decoding: errData, as: UTF8.self))
}

/// Runs `percept` with `PERCEPT_DIAGNOSTICS_AT_EXIT` and returns the JSON it wrote as it exited
/// (the libraries it had mapped, its calls into OpenBLAS/oneDNN from inside parallel loops).
func runPerceptWithDiagnostics(_ arguments: [String], environment: [String: String] = [:])
    throws -> (status: Int32, stderr: String, diagnostics: [String: Any]) {
    let report = FileManager.default.temporaryDirectory.appendingPathComponent("percept-diagnostics-\(UUID().uuidString).json")
    defer { try? FileManager.default.removeItem(at: report) }
    let result = try runPercept(arguments, environment: environment.merging(["PERCEPT_DIAGNOSTICS_AT_EXIT": report.path]) { $1 })
    let diagnostics = try JSONSerialization.jsonObject(with: Data(contentsOf: report)) as? [String: Any] ?? [:]
    return (result.status, result.stderr, diagnostics)
}

@Suite("percept command line")
struct CLITests {
    @Test("--version prints the version and exits 0")
    func version() throws {
        let result = try runPercept(["--version"])
        #expect(result.status == 0)
        #expect(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: ".").count == 3)
    }

    @Test("an unknown flag is a usage error with exit code 2")
    func usageError() throws {
        let result = try runPercept(["bench", "tensor", "--no-such-flag"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("no-such-flag"))
    }

    @Test("shell completion scripts are generated for bash, zsh and fish")
    func completion() throws {
        for shell in ["bash", "zsh", "fish"] {
            let result = try runPercept(["--generate-completion-script", shell])
            #expect(result.status == 0)
            #expect(result.stdout.contains("percept"))
        }
    }
}
