import Foundation
import PerceptAnnotator
import PerceptImage

/// A folder of small generated images served by an in-process annotator on a free port.
final class TestServer {
    let folder: URL
    let store: AnnotationStore
    let port: Int
    let client: HTTPClient
    /// The detector runner when the server was given a proposal source.
    let prelabeler: Prelabeler?
    private let task: Task<Void, Error>

    /// The images every test folder holds: two at the top, one in a subfolder.
    static let defaultImages: [(path: String, width: Int, height: Int)] = [("a.png", 64, 48), ("b.png", 40, 30), ("sub/c.png", 32, 32)]

    init(images: [(path: String, width: Int, height: Int)] = TestServer.defaultImages, classes: [String] = ["cat", "dog"],
         settings: ServerSettings = ServerSettings(port: 0), source: (any ProposalSource)? = nil,
         reportTo lines: ReportLines? = nil, prepare: (URL) throws -> Void = { _ in }) async throws {
        folder = try TestServer.temporaryFolder()
        for image in images { try TestServer.writeImage(folder.appendingPathComponent(image.path), width: image.width, height: image.height) }
        try prepare(folder)
        store = try AnnotationStore(root: folder)
        try store.scan()
        try store.ensureClasses(classes.enumerated().map { ($0.offset, $0.element) })
        var prelabeler: Prelabeler?
        if let source { prelabeler = Prelabeler(store: store, source: source) { line in lines?.append(line) } }
        self.prelabeler = prelabeler
        let server = try AnnotatorServer(store: store, settings: settings, prelabeler: prelabeler)
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        task = Task { try await server.run(handleSignals: false) { continuation.yield($0) } }
        var bound = 0
        for await value in ports {
            bound = value
            break
        }
        port = bound
        var client = HTTPClient(port: bound)
        if let token = settings.token { client.headers["Authorization"] = "Bearer \(token)" }
        self.client = client
    }

    deinit {
        task.cancel()
        try? FileManager.default.removeItem(at: folder)
    }

    /// The id of the image at `path`.
    func id(_ path: String) throws -> Int {
        guard let image = try store.images().first(where: { $0.path == path }) else { throw AnnotatorError.notFound(path) }
        return image.id
    }

    static func temporaryFolder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("percept-annotator-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    static func writeImage(_ url: URL, width: Int, height: Int) throws {
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        var image = Image(width: width, height: height, channels: 3)
        for y in 0..<height {
            for x in 0..<width { image[x: x, y: y, channel: (x + y) % 3] = Double((x * 7 + y * 3) % 256) }
        }
        try image.write(to: url)
    }
}
