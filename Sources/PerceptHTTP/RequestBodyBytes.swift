import Hummingbird

extension Request {
    /// The body's bytes, or nil when it is larger than `limit` (or the client stops sending it).
    public func bodyBytes(upTo limit: Int) async -> [UInt8]? {
        guard limit >= 0, let buffer = try? await body.collect(upTo: limit) else { return nil }
        return Array(buffer.readableBytesView)
    }
}
