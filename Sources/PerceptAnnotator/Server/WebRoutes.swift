import Hummingbird

/// Serves the embedded single-page UI (Sources/PerceptAnnotator/Web, compiled into
/// `Server/WebAssets/` by Tools/make-annotator-web).
struct WebRoutes: Sendable {
    func register(on router: Router<BasicRequestContext>) {
        router.get("/") { _, _ in try asset("index.html") }
        router.get("/app/{name}") { _, context in try asset(context.parameters.get("name") ?? "") }
    }

    private func asset(_ name: String) throws -> Response {
        guard let asset = WebAssets.files[name] else { throw AnnotatorError.notFound("/app/\(name)") }
        return Response(status: .ok,
                        headers: [.contentType: asset.contentType, .cacheControl: "no-cache",
                                  .contentSecurityPolicy: "default-src 'self'; img-src 'self' blob:; style-src 'self'; script-src 'self'"],
                        body: ResponseBody(byteBuffer: ByteBuffer(string: asset.text)))
    }
}

/// A file of the web UI embedded in the binary.
struct WebAsset: Sendable {
    var contentType: String
    var text: String
}
