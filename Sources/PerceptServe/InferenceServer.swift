import Hummingbird
import PerceptHTTP

/// `percept serve`: trained models behind an HTTP API, concurrent requests to one model
/// batched (``ServeSettings/maxBatch`` within ``ServeSettings/maxWait``).
///
/// ```swift
/// let server = try InferenceServer(models: [ModelSpecification("resnet18.safetensors")], settings: ServeSettings(port: 0))
/// try await server.run { port in print("listening on \(port)") }
/// ```
public struct InferenceServer: Sendable {
    /// How to listen.
    public let settings: ServeSettings
    private let endpoints: [String: any ModelEndpoint]

    /// Loads every model; throws for unusable settings (a non-loopback host without a token)
    /// before reading any file, then for any file that cannot be served.
    public init(models: [ModelSpecification], settings: ServeSettings, detectImageSize: Int = 640) throws {
        try settings.check()
        guard !models.isEmpty else { throw ServeError.badSettings(place: "--weights", detail: "name at least one weights file") }
        self.settings = settings
        endpoints = try ServedModels.load(models, settings: settings, detectImageSize: detectImageSize)
    }

    /// Each served model's summary (name, task, classes, input), by name.
    public var modelSummaries: [(name: String, task: String)] {
        endpoints.keys.sorted().map { name in (name, endpoints[name]?.summary["task"]?.string ?? "") }
    }

    /// The most requests each model has run as one batch so far, by name.
    var largestBatches: [String: Int] { endpoints.mapValues(\.largestBatch) }

    /// Serves until the task is cancelled or (when `handleSignals`) SIGINT/SIGTERM arrives, then
    /// stops the batching threads; `onRunning` receives the bound port once requests are accepted.
    public func run(handleSignals: Bool = true, onRunning: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        defer { for endpoint in endpoints.values { endpoint.stop() } }
        let router = Router()
        router.add(middleware: JSONErrorMiddleware(ServeError.self))
        router.add(middleware: ServeAccessMiddleware(access: settings.access))
        ServeRoutes(endpoints: endpoints, bodyLimit: settings.bodyLimit).register(on: router)
        try await LocalHTTPServer.run(router, host: settings.host, port: settings.port, label: "percept-serve",
                                      handleSignals: handleSignals, onRunning: onRunning)
    }
}
