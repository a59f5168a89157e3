import Foundation

/// A request to stop training, safe to set from any thread (a signal handler's queue): the
/// trainer finishes the step it is in, writes `last` and returns.
///
/// ```swift
/// let stop = StopFlag()
/// trainer.stopFlag = stop
/// signalSource.setEventHandler { stop.request() }
/// ```
public final class StopFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var requested = false

    /// A flag not yet set.
    public init() {}

    /// Asks the run to stop after its current step.
    public func request() {
        lock.lock()
        requested = true
        lock.unlock()
    }

    /// Whether a stop was asked for.
    public var isRequested: Bool {
        lock.lock()
        defer { lock.unlock() }
        return requested
    }
}
