/// The inputs one output position of a pool reads along one axis: `count` positions from
/// `start`, `step` apart, all inside the input; `paddedCount` also counts the padding the
/// window covers (the divisor of an average that includes padding), but not the part of a
/// ceil-mode window that hangs past the right padding.
struct PoolAxisWindow {
    let start: Int
    let count: Int
    let step: Int
    let paddedCount: Int

    /// The windows of a sliding kernel: output `i` reads `i·stride − padding + j·dilation`
    /// for `j` in `0..<kernel`, keeping the positions inside `0..<size`.
    static func sliding(size: Int, outputs: Int, kernel: Int, stride: Int, padding: Int, dilation: Int) -> [PoolAxisWindow] {
        (0..<outputs).map { i in
            let origin = i * stride - padding
            var first = 0, last = kernel - 1
            while first < kernel, origin + first * dilation < 0 { first += 1 }
            while last >= first, origin + last * dilation >= size { last -= 1 }
            return PoolAxisWindow(start: origin + first * dilation, count: Swift.max(0, last - first + 1),
                                  step: dilation, paddedCount: Swift.min(origin + kernel, size + padding) - origin)
        }
    }

    /// PyTorch's adaptive windows: output `i` reads `floor(i·size/outputs)..<ceil((i+1)·size/outputs)`.
    static func adaptive(size: Int, outputs: Int) -> [PoolAxisWindow] {
        (0..<outputs).map { i in
            let start = i * size / outputs, end = ((i + 1) * size + outputs - 1) / outputs
            return PoolAxisWindow(start: start, count: end - start, step: 1, paddedCount: end - start)
        }
    }
}

/// Max and average pooling over `[planes, height, width]` with per-axis windows, each plane
/// handled by one task (so the backward scatters never race).
enum PoolingKernels {
    /// The maximum of each window and its flat index within the input plane (PyTorch's
    /// convention); NaN wins, as in PyTorch. The gradient flows to the chosen elements.
    static func maxPool(_ input: Tensor, rows: [PoolAxisWindow], columns: [PoolAxisWindow], name: String) -> (Tensor, Tensor) {
        let width = input.shape[input.rank - 1], outputPlane = rows.count * columns.count
        let indices = Tensor(uninitializedShape: Array(input.shape.dropLast(2)) + [rows.count, columns.count], dtype: .int64)
        let chosen = indices.elements(Int64.self)
        var values = mapPlanes(input, outputRows: rows.count, outputColumns: columns.count) { plane, base, out in
            for (r, row) in rows.enumerated() {
                for (c, column) in columns.enumerated() {
                    // An empty window (possible only with extreme dilation) yields −∞ and index −1.
                    var best = -Float.infinity, bestIndex = -1
                    for i in 0..<row.count {
                        let line = (row.start + i * row.step) * width
                        for j in 0..<column.count {
                            let index = line + column.start + j * column.step, value = base[index]
                            if bestIndex < 0 || value > best || (value.isNaN && !best.isNaN) { best = value; bestIndex = index }
                        }
                    }
                    out[r * columns.count + c] = best
                    chosen[plane * outputPlane + r * columns.count + c] = Int64(bestIndex)
                }
            }
        }
        let inputShape = input.shape
        Autograd.record(name, output: &values, inputs: [input]) { grad in
            // Read through the captured tensor, which stays alive even when the caller drops it.
            let picked = indices.elements(Int64.self)
            return [scatterPlanes(grad, inputShape: inputShape) { plane, upstream, target in
                for o in 0..<outputPlane {
                    let index = Int(picked[plane * outputPlane + o])
                    if index >= 0 { target[index] += upstream[o] }
                }
            }]
        }
        return (values, indices)
    }

    /// The mean of each window, dividing by `divisorOverride` when given, else by the window's
    /// padded size when `includePadding`, else by the number of input elements it covers.
    static func averagePool(_ input: Tensor, rows: [PoolAxisWindow], columns: [PoolAxisWindow],
                            includePadding: Bool, divisorOverride: Int? = nil, name: String) -> Tensor {
        let width = input.shape[input.rank - 1]
        func divisor(_ row: PoolAxisWindow, _ column: PoolAxisWindow) -> Float {
            let size = divisorOverride ?? (includePadding ? row.paddedCount * column.paddedCount : row.count * column.count)
            return size > 0 ? 1 / Float(size) : 0
        }
        var result = mapPlanes(input, outputRows: rows.count, outputColumns: columns.count) { _, base, out in
            for (r, row) in rows.enumerated() {
                for (c, column) in columns.enumerated() {
                    var total: Float = 0
                    for i in 0..<row.count {
                        let line = base + (row.start + i * row.step) * width + column.start
                        for j in 0..<column.count { total += line[j * column.step] }
                    }
                    out[r * columns.count + c] = total * divisor(row, column)
                }
            }
        }
        let inputShape = input.shape
        Autograd.record(name, output: &result, inputs: [input]) { grad in
            [scatterPlanes(grad, inputShape: inputShape) { _, upstream, target in
                for (r, row) in rows.enumerated() {
                    for (c, column) in columns.enumerated() {
                        let share = upstream[r * columns.count + c] * divisor(row, column)
                        for i in 0..<row.count {
                            let line = target + (row.start + i * row.step) * width + column.start
                            for j in 0..<column.count { line[j * column.step] += share }
                        }
                    }
                }
            }]
        }
        return result
    }

    /// A `[…, height, width]` shape as (number of planes, height, width).
    static func planeLayout(_ shape: [Int]) -> (Int, Int, Int) {
        (shape.dropLast(2).reduce(1, *), shape[shape.count - 2], shape[shape.count - 1])
    }

    /// A new `[…, outputRows, outputColumns]` tensor filled plane by plane (in parallel) by
    /// `body(plane, input plane, output plane)`.
    static func mapPlanes(_ input: Tensor, outputRows: Int, outputColumns: Int,
                          _ body: (Int, UnsafePointer<Float>, UnsafeMutablePointer<Float>) -> Void) -> Tensor {
        let source = input.contiguousValues()
        let (planes, height, width) = planeLayout(input.shape)
        let result = Tensor(uninitializedShape: Array(input.shape.dropLast(2)) + [outputRows, outputColumns])
        let outputPlane = outputRows * outputColumns
        withExtendedLifetime(source) {
            let x = source.floats, y = result.floats
            Parallel.forEachRange(planes, costPerItem: outputPlane * 4) { range in
                for plane in range { body(plane, x + plane * height * width, y + plane * outputPlane) }
            }
        }
        return result
    }

    /// A zero gradient of `inputShape` into which `body(plane, output-gradient plane, input-gradient
    /// plane)` scatters each plane's share (planes in parallel, so no two tasks write the same element).
    static func scatterPlanes(_ grad: Tensor, inputShape: [Int],
                              _ body: (Int, UnsafePointer<Float>, UnsafeMutablePointer<Float>) -> Void) -> Tensor {
        let upstream = grad.contiguousValues(), result = Tensor.zeros(inputShape)
        let (planes, height, width) = planeLayout(inputShape)
        let outputPlane = grad.count / Swift.max(planes, 1)
        withExtendedLifetime(upstream) {
            let g = upstream.floats, dx = result.floats
            Parallel.forEachRange(planes, costPerItem: outputPlane * 4) { range in
                for plane in range { body(plane, g + plane * outputPlane, dx + plane * height * width) }
            }
        }
        return result
    }
}
