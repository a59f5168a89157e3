import CMPI
import Foundation

/// The ranks of an MPI job and the collectives between them, over Float32 (and Float64) buffers.
/// Every collective is non-blocking underneath and polled against a deadline, so a rank that
/// died or hangs turns into ``DistributedError/timedOut(operation:rank:seconds:)`` instead of a
/// hang. Calls must come from one thread at a time (MPI_THREAD_SERIALIZED).
///
/// ```swift
/// let world = try Communicator.joinWorld(timeout: 60)
/// var gradient: [Float] = …
/// try world.allreduce(&gradient, mean: true)
/// ```
public final class Communicator: @unchecked Sendable {
    /// The timeout of a collective when none is given: long enough for rank 0 to validate and
    /// write a checkpoint while the others wait at the next collective.
    public static let defaultTimeout = 300.0
    /// Floats per bucket when a long buffer is reduced in pieces (4 MB).
    public static let defaultBucketFloats = 1 << 20

    /// This process's rank, 0-based.
    public let rank: Int
    /// The number of ranks.
    public let size: Int
    /// Seconds a collective may take before it throws.
    public let timeout: Double
    /// The MPI communicator: nil for the world.
    private let handle: percept_mpi_comm?

    private nonisolated(unsafe) static var joined: Communicator?
    private static let joinLock = NSLock()

    /// The job this process joined with ``joinWorld(timeout:)``, or nil when it runs alone.
    public static var world: Communicator? {
        joinLock.lock()
        defer { joinLock.unlock() }
        return joined
    }

    private init(rank: Int, size: Int, timeout: Double, handle: percept_mpi_comm? = nil) {
        self.rank = rank
        self.size = size
        self.timeout = timeout
        self.handle = handle
    }

    /// Loads Open MPI, initialises it once and returns the world (the same object on every call).
    public static func joinWorld(timeout: Double = defaultTimeout) throws -> Communicator {
        joinLock.lock()
        defer { joinLock.unlock() }
        if let joined { return joined }
        guard percept_mpi_load() == 0 else { throw DistributedError.libraryMissing(reason: String(cString: percept_mpi_load_error())) }
        var rank: Int32 = 0, size: Int32 = 0
        let code = percept_mpi_init(&rank, &size)
        guard code == 0 else { throw DistributedError.mpiFailed(operation: "MPI_Init_thread", rank: 0, code: code, message: Self.message(code)) }
        let world = Communicator(rank: Int(rank), size: Int(size), timeout: timeout)
        joined = world
        return world
    }

    /// The same ranks on a communicator of their own (MPI_Comm_idup, a collective every rank
    /// calls): its collectives never match this one's, so the two may interleave differently on
    /// different ranks, as background gradient sums and batch norm's do.
    public func duplicate() throws -> Communicator {
        // MPI writes the new handle when the duplication ends, so its place outlives the call
        // (and is not freed after a failure, when MPI may still write it).
        let duplicate = UnsafeMutablePointer<percept_mpi_comm?>.allocate(capacity: 1)
        duplicate.initialize(to: nil)
        try run("duplicate") { percept_mpi_icomm_dup(handle, duplicate, $0) }
        defer { duplicate.deallocate() }
        return Communicator(rank: rank, size: size, timeout: timeout, handle: duplicate.pointee)
    }

    /// Whether this rank writes files and prints (rank 0).
    public var isLeader: Bool { rank == 0 }

    /// Waits until every rank has arrived.
    public func barrier() throws {
        try run("barrier") { percept_mpi_ibarrier(handle, $0) }
    }

    /// Replaces `values` on every rank with `root`'s (every rank must pass the same count).
    public func broadcast(_ values: inout [Float], root: Int = 0) throws {
        try values.withUnsafeMutableBytes { try broadcastRaw($0, root: root) }
    }

    /// `root`'s bytes on every rank, whatever the other ranks pass (their length is sent first).
    public func broadcast(bytes: [UInt8], root: Int = 0) throws -> [UInt8] {
        var length = [Int64(bytes.count)]
        try length.withUnsafeMutableBytes { try broadcastRaw($0, root: root) }
        guard length[0] >= 0, length[0] <= Int64(Int32.max) else {
            throw DistributedError.invalidArgument(operation: "broadcast", message: "\(length[0]) bytes do not fit MPI's 32-bit counts")
        }
        var received = rank == root ? bytes : [UInt8](repeating: 0, count: Int(length[0]))
        try received.withUnsafeMutableBytes { try broadcastRaw($0, root: root) }
        return received
    }

    private func broadcastRaw(_ buffer: UnsafeMutableRawBufferPointer, root: Int) throws {
        try checkCount(buffer.count, "broadcast")
        try run("broadcast") { percept_mpi_ibcast_bytes(handle, buffer.baseAddress, Int32(buffer.count), Int32(root), $0) }
    }

    /// Sums `values` element-wise over every rank (the mean with `mean`), in buckets of
    /// `bucketFloats` that are all in flight at once, so one bucket travels while the next is reduced.
    public func allreduce(_ values: inout [Float], mean: Bool = false, bucketFloats: Int = defaultBucketFloats) throws {
        let bucket = min(max(bucketFloats, 1), Int(Int32.max))
        try values.withUnsafeMutableBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            let starts = Array(stride(from: 0, to: buffer.count, by: bucket))
            try runAll("allreduce", count: starts.count) { index, request in
                let start = starts[index]
                return percept_mpi_iallreduce_sum_float(handle, base + start, Int32(min(bucket, buffer.count - start)), request)
            }
        }
        if mean && size > 1 {
            let scale = 1 / Float(size)
            for index in values.indices { values[index] *= scale }
        }
    }

    /// Sums `values` element-wise over every rank in Float64 (counts, loss sums, metric sums).
    public func allreduce(_ values: inout [Double]) throws {
        try checkCount(values.count, "allreduce")
        try values.withUnsafeMutableBufferPointer { buffer in
            try run("allreduce") { percept_mpi_iallreduce_sum_double(handle, buffer.baseAddress, Int32(buffer.count), $0) }
        }
    }

    /// Every rank's `values` (their lengths may differ) at `root`, in rank order; nil on the other ranks.
    public func gather(_ values: [Float], root: Int = 0) throws -> [[Float]]? {
        try gatherv(values, root: root, filler: 0) { percept_mpi_igatherv_float(self.handle, $0, $1, $2, $3, $4, $5, $6) }
    }

    /// Every rank's bytes (their lengths may differ) at `root`, in rank order; nil on the other ranks.
    public func gather(bytes: [UInt8], root: Int = 0) throws -> [[UInt8]]? {
        try gatherv(bytes, root: root, filler: 0) { percept_mpi_igatherv_bytes(self.handle, $0, $1, $2, $3, $4, $5, $6) }
    }

    private typealias GathervStart<Element> = (UnsafePointer<Element>?, Int32, UnsafeMutablePointer<Element>?, UnsafePointer<Int32>?,
                                               UnsafePointer<Int32>?, Int32, UnsafeMutablePointer<percept_mpi_request?>) -> Int32

    /// The counts first, then the values at their offsets (MPI_Igatherv).
    private func gatherv<Element>(_ values: [Element], root: Int, filler: Element, _ start: GathervStart<Element>) throws -> [[Element]]? {
        try checkCount(values.count, "gather")
        var count = [Int32(values.count)], counts = [Int32](repeating: 0, count: size)
        try count.withUnsafeMutableBufferPointer { sent in
            try counts.withUnsafeMutableBufferPointer { received in
                try run("gather") { percept_mpi_igather_int(handle, sent.baseAddress, received.baseAddress, Int32(root), $0) }
            }
        }
        var offsets = [Int32](repeating: 0, count: size), total = 0
        for index in 0..<size {
            offsets[index] = Int32(total)
            total += Int(counts[index])
        }
        try checkCount(total, "gather")
        var received = [Element](repeating: filler, count: rank == root ? max(total, 1) : 1)
        // MPI reads the counts and offsets until the gather ends, so they stay pinned as long.
        try values.withUnsafeBufferPointer { sent in
            try received.withUnsafeMutableBufferPointer { into in
                try counts.withUnsafeBufferPointer { counts in
                    try offsets.withUnsafeBufferPointer { offsets in
                        try run("gather") { start(sent.baseAddress, Int32(sent.count), into.baseAddress, counts.baseAddress, offsets.baseAddress, Int32(root), $0) }
                    }
                }
            }
        }
        guard rank == root else { return nil }
        return (0..<size).map { index in Array(received[Int(offsets[index])..<Int(offsets[index]) + Int(counts[index])]) }
    }

    /// Ends every rank of the job with `code`; used after an error that leaves the others waiting.
    public func abort(code: Int32) -> Never {
        percept_mpi_abort(code)
        exit(code)
    }

    /// Leaves MPI cleanly (every rank must call it).
    public func finalize() throws {
        let code = percept_mpi_finalize()
        guard code == 0 else { throw DistributedError.mpiFailed(operation: "MPI_Finalize", rank: rank, code: code, message: Self.message(code)) }
    }

    func checkCount(_ count: Int, _ operation: String) throws {
        guard count <= Int(Int32.max) else {
            throw DistributedError.invalidArgument(operation: operation, message: "\(count) elements do not fit MPI's 32-bit counts")
        }
    }

    private func run(_ operation: String, _ start: (UnsafeMutablePointer<percept_mpi_request?>) -> Int32) throws {
        try runAll(operation, count: 1) { _, request in start(request) }
    }

    /// Starts `count` requests, then tests them all until each is done, the deadline passes or one fails.
    private func runAll(_ operation: String, count: Int, _ start: (Int, UnsafeMutablePointer<percept_mpi_request?>) -> Int32) throws {
        guard count > 0 else { return }
        var requests = [percept_mpi_request?](repeating: nil, count: count)
        var pending = [Bool](repeating: false, count: count)
        let deadline = Date().addingTimeInterval(timeout)
        try requests.withUnsafeMutableBufferPointer { requests in
            for index in 0..<count {
                let code = start(index, requests.baseAddress! + index)
                guard code == 0 else { throw failure(operation, code) }
                pending[index] = true
            }
            try poll(operation, deadline: deadline) {
                for index in 0..<count where pending[index] {
                    if try test(requests.baseAddress! + index, operation) { pending[index] = false }
                }
                return !pending.contains(true)
            }
        }
    }

    /// Starts an in-place sum of `values` over the ranks; returns MPI's code.
    func startSum(_ values: UnsafeMutableBufferPointer<Float>, _ request: UnsafeMutablePointer<percept_mpi_request?>) -> Int32 {
        percept_mpi_iallreduce_sum_float(handle, values.baseAddress, Int32(values.count), request)
    }

    /// Whether the pending `request` has finished (MPI_Test, which also moves every pending collective on).
    func test(_ request: UnsafeMutablePointer<percept_mpi_request?>, _ operation: String) throws -> Bool {
        var done: Int32 = 0
        let code = percept_mpi_test(request, &done)
        guard code == 0 else { throw failure(operation, code) }
        return done != 0
    }

    /// Calls `isDone` until it says so, throwing ``DistributedError/timedOut(operation:rank:seconds:)``
    /// once `deadline` has passed.
    func poll(_ operation: String, deadline: Date, until isDone: () throws -> Bool) throws {
        var polls = 0
        while try !isDone() {
            polls += 1
            // Spin briefly for a fast collective; then sleep, since ranks share cores.
            if polls > 200 {
                guard Date() < deadline else { throw DistributedError.timedOut(operation: operation, rank: rank, seconds: timeout) }
                usleep(polls > 20_000 ? 1000 : 20)
            }
        }
    }

    func failure(_ operation: String, _ code: Int32) -> DistributedError {
        code == PERCEPT_MPI_NOT_LOADED
            ? .libraryMissing(reason: String(cString: percept_mpi_load_error()))
            : .mpiFailed(operation: operation, rank: rank, code: code, message: Self.message(code))
    }

    private static func message(_ code: Int32) -> String {
        var buffer = [CChar](repeating: 0, count: 512)
        percept_mpi_error_string(code, &buffer, Int32(buffer.count))
        return String(cString: buffer)
    }
}
