import Foundation
import PerceptTestSupport
import Testing

/// Commands that need no tensors or point clouds must not pay for the heavy libraries loaded at
/// first use (issue 14's start-up goal). With `PERCEPT_DIAGNOSTICS_AT_EXIT=FILE` the child lists
/// the files in its own `/proc/self/maps` as it exits; the dynamic loader's log (`LD_DEBUG=files`)
/// is a second witness for the engine's libraries.
@Suite("start-up")
struct StartupTests {
    /// The shared libraries a run of `percept arguments` had mapped when it exited, by file name.
    private func mappedLibraries(_ arguments: [String], environment: [String: String] = [:])
        throws -> (status: Int32, stderr: String, libraries: Set<String>) {
        let run = try runPerceptWithDiagnostics(arguments, environment: environment)
        let paths = run.diagnostics["mapped_libraries"] as? [String] ?? []
        let names = paths.compactMap { $0.split(separator: "/").last.map(String.init) }
        return (run.status, run.stderr, Set(names.filter { $0.contains(".so") }))
    }

    /// Libraries only some commands need, by file-name prefix: PCL (and Percept's bridge over it),
    /// oneDNN, OpenBLAS or any BLAS, Open MPI, and libcurl (FoundationNetworking's chain).
    static let heavyLibraries = ["libpcl", "libPerceptPCL", "libdnnl", "libopenblas", "libblas", "libmpi", "libcurl"]

    @Test("--version and --help map none of PCL, oneDNN, OpenBLAS, Open MPI or libcurl", arguments: [["--version"], ["--help"]])
    func lightCommandsMapNoHeavyLibrary(arguments: [String]) throws {
        let run = try mappedLibraries(arguments)
        #expect(run.status == 0)
        // The report must list the libraries every run maps, or the absence below would prove nothing.
        #expect(run.libraries.contains { $0.hasPrefix("libc.so") || $0.hasPrefix("libc-") })
        for heavy in StartupTests.heavyLibraries {
            #expect(!run.libraries.contains { $0.hasPrefix(heavy) }, "\(arguments) mapped \(run.libraries.filter { $0.hasPrefix(heavy) })")
        }
    }

    @Test("a PCL filter maps the bridge and PCL at first use, and still works")
    func pclLoadsAtFirstUse() throws {
        let folder = try DatasetFixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let output = folder.appendingPathComponent("voxel.pcd").path
        let run = try mappedLibraries(["cloud", "filter", StartupTests.fixture("organised-binary.pcd"), output, "--voxel", "0.5"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(FileManager.default.fileExists(atPath: output))
        #expect(run.libraries.contains("libPerceptPCL.so"))
        #expect(run.libraries.contains { $0.hasPrefix("libpcl_filters") })
    }

    @Test("a missing PCL bridge is an error naming the library, not a crash")
    func missingBridgeIsAnError() throws {
        let folder = try DatasetFixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let missing = folder.appendingPathComponent("no-such/libPerceptPCL.so").path
        let result = try runPercept(["cloud", "filter", StartupTests.fixture("organised-binary.pcd"), folder.appendingPathComponent("out.pcd").path,
                                     "--voxel", "0.5"], environment: ["PERCEPT_PCL_LIBRARY": missing])
        #expect(result.status == 1)
        #expect(result.stderr.contains("error:"))
        #expect(result.stderr.contains(missing), "\(result.stderr)")
    }

    @Test("--version maps neither oneDNN nor OpenBLAS (the dynamic loader's own log)")
    func versionLoadsNoEngineLibraries() throws {
        let result = try runPercept(["--version"], environment: ["LD_DEBUG": "files"])
        #expect(result.status == 0)
        let loaded = result.stderr.split(separator: "\n").filter { $0.contains("file=") }
        // The log itself must be there, or the absence below would prove nothing.
        #expect(loaded.contains { $0.contains("libswiftCore") })
        for library in ["libdnnl", "libopenblas"] {
            #expect(!loaded.contains { $0.contains(library) }, "--version loaded \(library)")
        }
    }

    @Test("the convolution bench loads oneDNN, unless PERCEPT_NO_DNNL=1")
    func benchLoadsOneDNN() throws {
        let result = try runPercept(["bench", "tensor", "--filter", "conv2d-fwd-64x16x16-128-k1s2", "--repeats", "1"],
                                    environment: ["LD_DEBUG": "files"])
        #expect(result.status == 0)
        if ProcessInfo.processInfo.environment["PERCEPT_NO_DNNL"] == "1" {
            #expect(!result.stderr.contains("libdnnl"), "PERCEPT_NO_DNNL=1 still loaded oneDNN")
        } else {
            #expect(result.stderr.contains("libdnnl"), "the convolution bench ran without oneDNN")
        }
    }

    private static func fixture(_ name: String) -> String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/pointclouds").appendingPathComponent(name).path
    }
}
