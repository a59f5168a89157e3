import CMPI
import Foundation

/// A Float32 buffer that is summed over every rank in the background: fill ``values``,
/// ``start()`` the sum, keep working while calling ``test()`` now and then (MPI moves a
/// collective on only inside its calls), then ``wait()``. Every rank must start its buffers in
/// the same order. A buffer is reused from one sum to the next; its memory is fixed, because
/// MPI reads and writes it while the sum is in flight.
///
/// ```swift
/// let buffer = try AllreduceBuffer(world: world, count: 1024)
/// buffer.values.update(repeating: 1)
/// try buffer.start()
/// // … other work, calling `try buffer.test()` between pieces …
/// try buffer.wait()            // every element is now world.size
/// ```
public final class AllreduceBuffer {
    /// The values: this rank's before ``start()``, the sum over the ranks after ``wait()``.
    /// Not to be touched while the sum is in flight.
    public let values: UnsafeMutableBufferPointer<Float>
    /// Whether a started sum has not yet been seen to finish.
    public private(set) var isInFlight = false

    private let world: Communicator
    private var request: percept_mpi_request?
    private var deadline = Date.distantFuture

    /// A buffer of `count` zeros for sums over `world`.
    public init(world: Communicator, count: Int) throws {
        try world.checkCount(count, "allreduce")
        self.world = world
        values = .allocate(capacity: count)
        values.initialize(repeating: 0)
    }

    deinit {
        // MPI may still write into a sum that never finished (the job is ending on an error),
        // so its memory is left allocated rather than freed under it.
        if !isInFlight { values.deallocate() }
    }

    /// Starts summing ``values`` over every rank; the collective timeout counts from now.
    public func start() throws {
        guard !isInFlight else {
            throw DistributedError.invalidArgument(operation: "allreduce", message: "the buffer's previous sum is still in flight")
        }
        let code = world.startSum(values, &request)
        guard code == 0 else { throw world.failure("allreduce", code) }
        isInFlight = true
        deadline = Date().addingTimeInterval(world.timeout)
    }

    /// Whether the sum has finished (true when none is in flight); moves every pending collective on.
    @discardableResult
    public func test() throws -> Bool {
        guard isInFlight else { return true }
        if try world.test(&request, "allreduce") { isInFlight = false }
        return !isInFlight
    }

    /// Waits until the sum has finished, or throws once the collective timeout since ``start()`` has passed.
    public func wait() throws {
        try world.poll("allreduce", deadline: deadline) { try test() }
    }
}
