import Foundation
import PerceptTestSupport
import Testing

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
