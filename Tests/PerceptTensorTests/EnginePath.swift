import Testing
@testable import PerceptTensor

/// The two ways the engine runs a layer: oneDNN's primitives (where the library is present)
/// or the engine's own kernels. Parity and gradient tests take it as an argument, so both
/// paths are checked in one `swift test`.
enum EnginePath: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case onednn
    case fallback

    var testDescription: String { self == .onednn ? "on oneDNN" : "on the fallback kernels" }

    /// Runs `body` on this path.
    func run<R>(_ body: () throws -> R) rethrows -> R {
        self == .fallback ? try DNNL.withFallbackKernels(body) : try body()
    }
}
