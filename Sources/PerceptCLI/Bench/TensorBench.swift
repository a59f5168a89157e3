import Foundation
import Percept

/// `percept bench tensor`: sgemm, convolutions, ResNet-18 and memory bandwidth.
struct TensorBench {
    var repeats: Int
    var filter: String?

    func run(reporter: BenchReporter) throws {
        try BLAS.load()
        for size in [256, 512, 1024] where selected("sgemm-\(size)") {
            try reporter.report(sgemm(size: size))
        }
    }

    private func selected(_ name: String) -> Bool { filter.map { name.contains($0) } ?? true }

    private var common: [(String, Any)] { [("threads", BLAS.threads), ("blas_core", BLAS.coreName)] }

    private func sgemm(size: Int) throws -> BenchResult {
        let a = [Float](repeating: 0.5, count: size * size)
        let b = [Float](repeating: 0.25, count: size * size)
        var c = [Float](repeating: 0, count: size * size)
        let times = a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in
                c.withUnsafeMutableBufferPointer { pc in
                    measure(repeats: repeats) {
                        BLAS.sgemm(transposeA: false, transposeB: false, m: size, n: size, k: size,
                                   a: pa.baseAddress!, lda: size, b: pb.baseAddress!, ldb: size,
                                   c: pc.baseAddress!, ldc: size)
                    }
                }
            }
        }
        var result = BenchResult(name: "sgemm-\(size)", timesMs: times)
        let flops = 2.0 * Double(size * size * size)
        result.extra = [("gflops", flops / (result.median * 1e6))] + common
        return result
    }
}
