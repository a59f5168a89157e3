import Foundation

/// Runs an HTTP server from a synchronous command: `percept serve` and `percept annotate serve`
/// block in `run()` until their server stops (SIGINT/SIGTERM or a failure).
enum BlockingServe {
    /// Runs `serve` on a task and waits for it to end; returns its error, or nil when it stopped cleanly.
    static func run(_ serve: @escaping @Sendable () async throws -> Void) -> Error? {
        let finished = DispatchSemaphore(value: 0)
        let outcome = Outcome()
        Task {
            do {
                try await serve()
            } catch {
                outcome.error = error
            }
            finished.signal()
        }
        finished.wait()
        return outcome.error
    }

    /// Where the server task leaves its error for the waiting command.
    private final class Outcome: @unchecked Sendable {
        var error: Error?
    }
}
