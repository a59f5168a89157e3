import Dispatch

/// The two times behind an epoch's data-wait share: the seconds the training loop spent waiting
/// for the loader's next batch, and the seconds of the loop itself (waits, steps and callbacks;
/// validation not included). Both come from one clock, which tests replace with a scripted one.
struct EpochTiming {
    /// Seconds on a monotonic clock.
    typealias Clock = () -> Double

    /// The system's monotonic clock in seconds.
    static let monotonic: Clock = { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }

    /// The clock every interval is read from.
    var clock: Clock = EpochTiming.monotonic
    /// Seconds spent waiting for batches since the last reset.
    private(set) var waitSeconds = 0.0
    /// Seconds of training loop since the last reset.
    private(set) var loopSeconds = 0.0

    /// Takes the next batch with `take`, counting the time it took as waiting.
    mutating func waiting<T>(_ take: () throws -> T) rethrows -> T {
        let started = clock()
        defer { waitSeconds += clock() - started }
        return try take()
    }

    /// The clock now, to pass to ``loopEnded(startedAt:)`` when the loop ends.
    func loopStarted() -> Double { clock() }

    /// Adds the loop that started at `start` (a reading of ``clock``).
    mutating func loopEnded(startedAt start: Double) { loopSeconds += clock() - start }

    /// Starts a new epoch's figures.
    mutating func reset() {
        waitSeconds = 0
        loopSeconds = 0
    }
}
