/// A sum over processes as an op of the tape: the values of every process added element-wise
/// by `reduce` (an allreduce the caller provides, so the engine knows no transport), with the
/// gradient reduced the same way, since each process's input feeds every process's output.
/// Synchronised batch norm builds its statistics from it. Every process must reach the op, and
/// its pullback, in the same order.
extension Tensor {
    /// This tensor summed element-wise over the processes `reduce` joins (`reduce` receives this
    /// process's values in row-major order and returns the sums, as many).
    ///
    /// ```swift
    /// let total = try localSum.summedAcrossProcesses { values in try world.allreduce(values) }
    /// ```
    public func summedAcrossProcesses(_ reduce: @escaping ([Float]) throws -> [Float]) throws -> Tensor {
        var result = try Tensor(reduce(toArray()), shape: shape)
        Autograd.record("summedAcrossProcesses", output: &result, inputs: [self]) { grad in
            [try Tensor(reduce(grad.toArray()), shape: grad.shape)]
        }
        return result
    }
}
