import PerceptHTTP
import PerceptImage

/// How the inference server listens, who may talk to it, and how it batches.
public struct ServeSettings: Sendable {
    /// The address to bind (`127.0.0.1` by default).
    public var host: String
    /// The port; 0 picks a free one (reported through `onRunning`).
    public var port: Int
    /// The token every request must carry as `Authorization: Bearer TOKEN`; required off loopback.
    public var token: String?
    /// The largest request body accepted, in bytes.
    public var bodyLimit: Int
    /// The most requests to one model run as one batch (1: no batching).
    public var maxBatch: Int
    /// How long the first request of a batch waits for others to join it, in seconds.
    public var maxWait: Double
    /// The largest image an upload may decode to.
    public var decodeLimits: DecodeLimits

    /// Settings with the given values.
    public init(host: String = "127.0.0.1", port: Int = 8090, token: String? = nil, bodyLimit: Int = 32 << 20,
                maxBatch: Int = 8, maxWait: Double = 0.005, decodeLimits: DecodeLimits = DecodeLimits(maxPixels: 50_000_000, maxBytes: 1 << 28)) {
        self.host = host
        self.port = port
        self.token = token
        self.bodyLimit = bodyLimit
        self.maxBatch = maxBatch
        self.maxWait = maxWait
        self.decodeLimits = decodeLimits
    }

    /// True for addresses only this machine can reach.
    public var isLoopback: Bool { ServerAccess.isLoopback(host) }

    /// Who may talk to the server: the token, and loopback `Host` names on loopback without one.
    var access: ServerAccess { ServerAccess(host: host, token: token) }

    /// Throws naming the setting when the settings cannot serve safely: a host other than
    /// loopback without a token, or a limit below 1.
    public func check() throws {
        guard access.isSafe else {
            throw ServeError.badSettings(place: "--host", detail: "listening on \(host) needs --token (requests must then carry it)")
        }
        guard (0...65535).contains(port) else { throw ServeError.badSettings(place: "--port", detail: "expected 0-65535, found \(port)") }
        guard maxBatch >= 1 else { throw ServeError.badSettings(place: "--max-batch", detail: "expected at least 1, found \(maxBatch)") }
        guard maxWait >= 0, maxWait.isFinite else { throw ServeError.badSettings(place: "--max-wait-ms", detail: "expected 0 or more, found \(maxWait * 1000)") }
        guard bodyLimit >= 1 else { throw ServeError.badSettings(place: "--max-body-mb", detail: "expected a positive size, found \(bodyLimit) bytes") }
    }
}
