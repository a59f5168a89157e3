import Hummingbird
import Logging

/// Starts a router the way Percept's servers do: Hummingbird on one address, its logger quiet
/// (the commands print their own lines), stopped by cancellation or SIGINT/SIGTERM.
public enum LocalHTTPServer {
    /// Serves `router` on `host`:`port` until the task is cancelled or (when `handleSignals`)
    /// SIGINT/SIGTERM arrives; `onRunning` receives the bound port once requests are accepted.
    public static func run(_ router: Router<BasicRequestContext>, host: String, port: Int, label: String, handleSignals: Bool,
                           onRunning: @escaping @Sendable (Int) async -> Void) async throws {
        var logger = Logger(label: label)
        logger.logLevel = .critical
        let application = Application(
            router: router,
            configuration: .init(address: .hostname(host, port: port), serverName: "percept"),
            onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? 0) },
            logger: logger)
        try await application.runService(gracefulShutdownSignals: handleSignals ? [.sigterm, .sigint] : [])
    }
}
