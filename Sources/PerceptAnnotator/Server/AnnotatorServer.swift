import Foundation
import Hummingbird
import PerceptHTTP
import PerceptLabels

/// How the server listens and who may talk to it.
public struct ServerSettings: Sendable {
    /// The address to bind (`127.0.0.1` by default).
    public var host: String
    /// The port; 0 picks a free one (reported through `onRunning`).
    public var port: Int
    /// The token every request must carry; required whenever `host` is not loopback.
    public var token: String?
    /// The largest request body accepted, in bytes.
    public var bodyLimit: Int

    /// Settings with the given values.
    public init(host: String = "127.0.0.1", port: Int = 8080, token: String? = nil, bodyLimit: Int = 8 << 20) {
        self.host = host
        self.port = port
        self.token = token
        self.bodyLimit = bodyLimit
    }

    /// True for addresses only this machine can reach.
    public var isLoopback: Bool { ServerAccess.isLoopback(host) }

    /// Who may talk to the server: the token, and loopback `Host` names on loopback without one.
    var access: ServerAccess { ServerAccess(host: host, token: token) }

    /// A random 128-bit token as 32 hex digits.
    public static func generateToken() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<4).map { _ in String(format: "%08x", UInt32.random(in: .min ... .max, using: &generator)) }.joined()
    }
}

/// The labeling web app: the HTTP API over an `AnnotationStore` and the embedded UI.
public struct AnnotatorServer: Sendable {
    /// The store served.
    public let store: AnnotationStore
    /// How to listen.
    public let settings: ServerSettings
    /// The detector that proposes boxes for opened images and "pre-label all", if any.
    public let prelabeler: Prelabeler?

    /// A server over `store`, with proposals from `prelabeler` when given; throws when a
    /// non-loopback host has no token.
    public init(store: AnnotationStore, settings: ServerSettings, prelabeler: Prelabeler? = nil) throws {
        guard settings.access.isSafe else {
            throw AnnotatorError.invalid(place: "--host", detail: "listening on \(settings.host) needs a token")
        }
        self.store = store
        self.settings = settings
        self.prelabeler = prelabeler
    }

    /// Serves until the task is cancelled or (when `handleSignals`) SIGINT/SIGTERM arrives;
    /// `onRunning` receives the bound port once requests are accepted.
    public func run(handleSignals: Bool = true, onRunning: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        let router = Router()
        router.add(middleware: JSONErrorMiddleware(AnnotatorError.self))
        router.add(middleware: AccessMiddleware(access: settings.access))
        APIRoutes(store: store, bodyLimit: settings.bodyLimit).register(on: router)
        PrelabelRoutes(store: store, prelabeler: prelabeler).register(on: router)
        WebRoutes().register(on: router)
        defer { prelabeler?.cancel() }
        try await LocalHTTPServer.run(router, host: settings.host, port: settings.port, label: "percept-annotate",
                                      handleSignals: handleSignals, onRunning: onRunning)
    }
}
