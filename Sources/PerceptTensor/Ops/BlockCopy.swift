/// Moving whole blocks of elements between layouts, for the shape ops that assemble a result
/// from pieces (concatenate, pad, repeat, index selection). Works on every dtype, because it
/// only moves bytes.
extension Kernels {
    /// Writes `source` into `target`, a view of writable storage with the same shape and
    /// dtype. `source` may have zero strides (an expanded view), so one row can be repeated.
    static func copy(_ source: Tensor, into target: Tensor) {
        guard target.count > 0 else { return }
        switch target.dtype.byteSize {
        case 8: copy(source, into: target, as: UInt64.self)
        case 4: copy(source, into: target, as: UInt32.self)
        default: copy(source, into: target, as: UInt8.self)
        }
    }

    private static func copy<Element>(_ source: Tensor, into target: Tensor, as _: Element.Type) {
        let runs = StridedRuns(shape: target.shape, strides: [target.strides, source.strides])
        let output = target.elements(Element.self), input = source.elements(Element.self)
        let length = runs.runLength, outputStride = runs.innerStride(0), inputStride = runs.innerStride(1)
        Parallel.forEachRange(runs.runCount, costPerItem: length) { range in
            runs.forEachRun(in: range) { offsets in
                let o = output + offsets[0], x = input + offsets[1]
                if outputStride == 1, inputStride == 1 {
                    o.update(from: x, count: length)
                } else if outputStride == 1, inputStride == 0 {
                    o.update(repeating: x[0], count: length)
                } else {
                    for i in 0..<length { o[i * outputStride] = x[i * inputStride] }
                }
            }
        }
    }
}

extension Tensor {
    /// The view of `length` consecutive positions from `start` along `axis`, without
    /// recording (the caller has checked the bounds).
    func window(axis: Int, start: Int, length: Int) -> Tensor {
        var view = self
        view.offset += start * strides[axis]
        view.shape[axis] = length
        view.autograd = nil
        return view
    }
}
