/// Shape arithmetic shared by all ops: element counts, strides, broadcasting, axes.
enum Layout {
    /// Number of elements of a shape (1 for a scalar).
    @inline(__always)
    static func count(_ shape: [Int]) -> Int { shape.reduce(1, *) }

    /// Row-major strides of a contiguous tensor.
    static func contiguousStrides(_ shape: [Int]) -> [Int] {
        var strides = [Int](repeating: 1, count: shape.count)
        var step = 1
        for axis in stride(from: shape.count - 1, through: 0, by: -1) {
            strides[axis] = step
            step *= max(shape[axis], 1)
        }
        return strides
    }

    /// The NumPy broadcast of several shapes, or a shape-mismatch error naming them.
    static func broadcast(_ shapes: [[Int]], operation: String) throws -> [Int] {
        let rank = shapes.map(\.count).max() ?? 0
        var result = [Int](repeating: 1, count: rank)
        for shape in shapes {
            let shift = rank - shape.count
            for (axis, size) in shape.enumerated() {
                let current = result[axis + shift]
                if current == size || size == 1 { continue }
                if current == 1 { result[axis + shift] = size; continue }
                throw TensorError.shapeMismatch(operation: operation, shapes: shapes)
            }
        }
        return result
    }

    /// Strides that read a tensor of `shape`/`strides` as if expanded to `target` (stride 0 on
    /// broadcast axes). The shapes must be broadcast-compatible.
    static func broadcastStrides(shape: [Int], strides: [Int], to target: [Int]) -> [Int] {
        let shift = target.count - shape.count
        var result = [Int](repeating: 0, count: target.count)
        for axis in 0..<shape.count where shape[axis] != 1 || target[axis + shift] == 1 {
            result[axis + shift] = shape[axis] == 1 ? 0 : strides[axis]
        }
        return result
    }

    /// An axis in `-rank..<rank` made non-negative, or an error.
    static func normalize(axis: Int, rank: Int, operation: String) throws -> Int {
        let resolved = axis < 0 ? axis + rank : axis
        guard resolved >= 0, resolved < max(rank, 1) else {
            throw TensorError.axisOutOfRange(operation: operation, axis: axis, rank: rank)
        }
        return resolved
    }

    /// Several axes normalised, sorted and de-duplicated; `nil` means every axis.
    static func normalize(axes: [Int]?, rank: Int, operation: String) throws -> [Int] {
        guard let axes else { return Array(0..<rank) }
        let resolved = try axes.map { try normalize(axis: $0, rank: rank, operation: operation) }
        guard Set(resolved).count == resolved.count else {
            throw TensorError.invalidArgument(operation: operation, message: "axis repeated in \(axes)")
        }
        return resolved.sorted()
    }
}
