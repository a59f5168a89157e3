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
