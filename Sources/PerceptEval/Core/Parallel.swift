import Foundation
import PerceptThreads

/// Runs `body` over `0..<count` in contiguous chunks spread across the cores. Each index is
/// handled by exactly one call, so results written per index do not depend on scheduling.
/// Inside another parallel loop it runs serially.
func forEachChunk(count: Int, minimumChunk: Int = 16, _ body: (Range<Int>) -> Void) {
    let cores = ThreadBudget.threads
    guard cores > 1, count > minimumChunk, !ParallelLoop.isInside else {
        body(0..<count)
        return
    }
    // Several chunks per core even out cells of very different sizes.
    let chunks = min(cores * 8, (count + minimumChunk - 1) / minimumChunk)
    ParallelLoop.run(iterations: chunks) { chunk in
        body(count * chunk / chunks..<count * (chunk + 1) / chunks)
    }
}

/// Computes one value per index of `0..<count` across the cores, in index order.
func parallelMap<Value>(count: Int, minimumChunk: Int = 16, _ transform: (Int) -> Value) -> [Value] {
    var results = [Value?](repeating: nil, count: count)
    results.withUnsafeMutableBufferPointer { slots in
        let slots = UnsafeMutableSendableBuffer(slots)
        forEachChunk(count: count, minimumChunk: minimumChunk) { range in
            for index in range { slots.buffer[index] = transform(index) }
        }
    }
    return results.compactMap { $0 }
}

/// A buffer shared by the chunks of `forEachChunk`, each writing its own indices only.
private struct UnsafeMutableSendableBuffer<Element>: @unchecked Sendable {
    let buffer: UnsafeMutableBufferPointer<Element>
    init(_ buffer: UnsafeMutableBufferPointer<Element>) { self.buffer = buffer }
}
