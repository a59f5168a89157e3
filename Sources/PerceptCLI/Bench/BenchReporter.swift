import Foundation

/// One measured case: timings in milliseconds over the repetitions, plus optional rates.
struct BenchResult {
    var name: String
    var timesMs: [Double]
    var extra: [(String, Any)] = []

    var median: Double { let s = timesMs.sorted(); return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2 }
    var min: Double { timesMs.min() ?? 0 }
    var max: Double { timesMs.max() ?? 0 }
}

/// Prints benchmark results as aligned text or as JSON lines.
struct BenchReporter {
    var json: Bool

    func report(_ result: BenchResult) {
        if json {
            var object: [String: Any] = [
                "case": result.name, "median_ms": round3(result.median),
                "min_ms": round3(result.min), "max_ms": round3(result.max),
            ]
            for (key, value) in result.extra { object[key] = (value as? Double).map(round3) ?? value }
            if let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]),
               let line = String(data: data, encoding: .utf8) {
                print(line)
            }
        } else {
            let extras = result.extra.map { "\($0.0)=\(($0.1 as? Double).map { String(format: "%.1f", $0) } ?? "\($0.1)")" }
            let name = result.name.padding(toLength: max(32, result.name.count), withPad: " ", startingAt: 0)
            print(String(format: "%@ median %9.3f ms  (min %.3f, max %.3f)  ", name, result.median, result.min, result.max)
                + extras.joined(separator: "  "))
        }
        fflush(stdout)
    }

    private func round3(_ value: Double) -> Double { (value * 1000).rounded() / 1000 }
}

/// Times `body` after `warmup` untimed runs; returns each repetition's milliseconds.
func measure(repeats: Int, warmup: Int = 2, _ body: () throws -> Void) rethrows -> [Double] {
    for _ in 0..<warmup { try body() }
    var times: [Double] = []
    for _ in 0..<repeats {
        let start = DispatchTime.now().uptimeNanoseconds
        try body()
        times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
    }
    return times
}
