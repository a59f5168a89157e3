import Foundation
import Testing

/// Commands that need no tensors must not pay for the heavy libraries the engine loads at
/// first use (issue 14's start-up goal). The dynamic loader's own log (`LD_DEBUG=files`) names
/// every shared library the child maps.
@Suite("start-up")
struct StartupTests {
    @Test("percept --version maps neither oneDNN nor OpenBLAS")
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
}
