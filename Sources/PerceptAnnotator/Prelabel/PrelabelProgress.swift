/// Where a "pre-label all" run is: how many of its images the detector has seen, what it
/// proposed and where it failed.
public struct PrelabelProgress: Equatable, Sendable {
    /// Whether the run is still going.
    public var running = false
    /// Images the run took on (those without proposals that the detector had not seen).
    public var total = 0
    /// Images done so far, failures included.
    public var done = 0
    /// Proposals stored so far.
    public var proposals = 0
    /// Images the detector failed on.
    public var failed = 0
    /// The failures, one `FILE: warning: …` line each (the last 20).
    public var warnings: [String] = []

    /// How many failure lines are kept.
    static let keptWarnings = 20

    /// A progress with nothing done.
    public init() {}

    mutating func record(failure: String) {
        failed += 1
        warnings.append(failure)
        if warnings.count > Self.keptWarnings { warnings.removeFirst(warnings.count - Self.keptWarnings) }
    }
}
