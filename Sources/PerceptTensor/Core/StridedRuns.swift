/// Walks a shape in row-major order for several operands with their own strides, one run
/// along the innermost axis at a time. Axes of size 1 are dropped and axes that are laid out
/// back to back in every operand are merged, so most loops become a few long runs.
struct StridedRuns {
    /// The merged shape (at least one axis).
    let shape: [Int]
    /// Per operand, its strides over the merged shape.
    let strides: [[Int]]

    init(shape: [Int], strides operandStrides: [[Int]]) {
        var mergedShape: [Int] = []
        var merged: [[Int]] = operandStrides.map { _ in [] }
        for axis in 0..<shape.count where shape[axis] != 1 {
            if let last = mergedShape.last,
               operandStrides.indices.allSatisfy({ merged[$0].last! == operandStrides[$0][axis] * shape[axis] }) {
                mergedShape[mergedShape.count - 1] = last * shape[axis]
                for operand in operandStrides.indices { merged[operand][merged[operand].count - 1] = operandStrides[operand][axis] }
            } else {
                mergedShape.append(shape[axis])
                for operand in operandStrides.indices { merged[operand].append(operandStrides[operand][axis]) }
            }
        }
        if mergedShape.isEmpty {
            mergedShape = [1]
            merged = operandStrides.map { _ in [0] }
        }
        self.shape = mergedShape
        self.strides = merged
    }

    /// Length of each run.
    var runLength: Int { shape[shape.count - 1] }
    /// Number of runs.
    var runCount: Int { shape.dropLast().reduce(1, *) }
    /// Each operand's stride inside a run.
    func innerStride(_ operand: Int) -> Int { strides[operand][shape.count - 1] }

    /// Calls `body` with each operand's starting offset for the runs in `runs`.
    @inline(__always)
    func forEachRun(in runs: Range<Int>, _ body: (UnsafeMutablePointer<Int>) -> Void) {
        let outer = shape.count - 1
        let operands = strides.count
        let index = UnsafeMutablePointer<Int>.allocate(capacity: max(outer, 1))
        let offsets = UnsafeMutablePointer<Int>.allocate(capacity: operands)
        defer { index.deallocate(); offsets.deallocate() }
        var remainder = runs.lowerBound
        for axis in stride(from: outer - 1, through: 0, by: -1) {
            index[axis] = remainder % shape[axis]
            remainder /= shape[axis]
        }
        for operand in 0..<operands {
            var position = 0
            for axis in 0..<outer { position += index[axis] * strides[operand][axis] }
            offsets[operand] = position
        }
        for _ in runs {
            body(offsets)
            var axis = outer - 1
            while axis >= 0 {
                index[axis] += 1
                for operand in 0..<operands { offsets[operand] += strides[operand][axis] }
                if index[axis] < shape[axis] { break }
                for operand in 0..<operands { offsets[operand] -= strides[operand][axis] * shape[axis] }
                index[axis] = 0
                axis -= 1
            }
        }
    }
}
