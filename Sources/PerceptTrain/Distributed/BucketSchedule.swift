/// The trainable parameters cut into buckets for the gradient allreduce, and when each bucket
/// may start, as PyTorch's DDP does: parameters in reverse order of registration (the order in
/// which the backward pass finishes them, roughly), a small first bucket so communication
/// starts early, then buckets of about a fixed size. A bucket starts once all its parameters'
/// gradients are final and every bucket before it has started, so every rank starts the same
/// buckets in the same order whatever order its gradients arrive in.
struct BucketSchedule {
    /// The parameter indices of each bucket, in packing order.
    let buckets: [[Int]]
    /// The bucket of each parameter.
    private let bucketOf: [Int]
    /// Per bucket, how many of its parameters are not final yet in this pass.
    private var missing: [Int]
    /// Per parameter, whether it was reported final in this pass.
    private var isFinal: [Bool]
    /// Buckets `0..<started` have started in this pass.
    private(set) var started = 0

    /// Buckets for parameters of `counts` elements: taken last first, a bucket closes once it
    /// holds at least `firstBucketFloats` (the first bucket) or `bucketFloats` (the others).
    init(counts: [Int], bucketFloats: Int, firstBucketFloats: Int) {
        var buckets: [[Int]] = [], current: [Int] = [], size = 0
        for index in counts.indices.reversed() {
            current.append(index)
            size += counts[index]
            if size >= (buckets.isEmpty ? firstBucketFloats : bucketFloats) {
                buckets.append(current)
                current = []
                size = 0
            }
        }
        if !current.isEmpty { buckets.append(current) }
        var bucketOf = [Int](repeating: 0, count: counts.count)
        for (bucket, members) in buckets.enumerated() {
            for member in members { bucketOf[member] = bucket }
        }
        self.buckets = buckets
        self.bucketOf = bucketOf
        missing = buckets.map(\.count)
        isFinal = [Bool](repeating: false, count: counts.count)
    }

    /// Forgets the last pass: no parameter final, no bucket started.
    mutating func reset() {
        missing = buckets.map(\.count)
        isFinal = [Bool](repeating: false, count: isFinal.count)
        started = 0
    }

    /// Records that parameter `index`'s gradient is final; returns the buckets that may start
    /// now, in order (none when an earlier bucket is still incomplete).
    mutating func parameterFinal(_ index: Int) -> Range<Int> {
        guard !isFinal[index] else { return started..<started }
        isFinal[index] = true
        missing[bucketOf[index]] -= 1
        let first = started
        while started < buckets.count && missing[started] == 0 { started += 1 }
        return first..<started
    }

    /// The buckets not started yet, in order: after the backward pass, those holding parameters
    /// that received no gradient.
    mutating func remaining() -> Range<Int> {
        defer { started = buckets.count }
        return started..<buckets.count
    }
}
