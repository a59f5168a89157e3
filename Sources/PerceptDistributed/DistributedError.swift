/// What can go wrong between the ranks of a job, each naming the operation and the rank.
public enum DistributedError: Error, CustomStringConvertible, Equatable {
    /// Open MPI could not be loaded (`reason` says why and what to install).
    case libraryMissing(reason: String)
    /// An MPI call returned an error code.
    case mpiFailed(operation: String, rank: Int, code: Int32, message: String)
    /// A collective did not finish within the timeout: another rank died, hangs or is far behind.
    case timedOut(operation: String, rank: Int, seconds: Double)
    /// A rank's value does not fit what the collective needs (a buffer too large for MPI's 32-bit counts).
    case invalidArgument(operation: String, message: String)
    /// A rank disagrees with rank 0 about something every rank must share (the data, the model).
    case mismatch(rank: Int, what: String, expected: String, found: String)

    public var description: String {
        switch self {
        case let .libraryMissing(reason): "MPI is not available: \(reason)"
        case let .mpiFailed(operation, rank, code, message): "rank \(rank): \(operation) failed (MPI error \(code)): \(message)"
        case let .timedOut(operation, rank, seconds):
            "rank \(rank): \(operation) did not finish within \(Self.format(seconds)) s: another rank died, hangs or is far behind (set PERCEPT_MPI_TIMEOUT to wait longer)"
        case let .invalidArgument(operation, message): "\(operation): \(message)"
        case let .mismatch(rank, what, expected, found): "rank \(rank): \(what) is \(found), rank 0 has \(expected); every rank must see the same data at the same path"
        }
    }

    private static func format(_ seconds: Double) -> String {
        seconds == seconds.rounded() ? String(Int(seconds)) : String(seconds)
    }
}
