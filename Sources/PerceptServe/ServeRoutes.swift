import Hummingbird
import PerceptHTTP
import PerceptLabels

/// The HTTP API: `GET /health`, `GET /v1/models`, `POST /v1/models/{name}/predict`.
struct ServeRoutes: Sendable {
    let endpoints: [String: any ModelEndpoint]
    let bodyLimit: Int

    /// The routes and the methods each allows; the middleware answers 404 and 405 from it.
    static func allowedMethod(for path: String) -> HTTPRequest.Method? {
        let parts = path.split(separator: "/", omittingEmptySubsequences: false)
        switch parts.count {
        case 2 where parts[1] == "health": return .get
        case 3 where parts[1] == "v1" && parts[2] == "models": return .get
        case 5 where parts[1] == "v1" && parts[2] == "models" && !parts[3].isEmpty && parts[4] == "predict": return .post
        default: return nil
        }
    }

    func register(on router: Router<BasicRequestContext>) {
        router.get("/health") { _, _ in
            JSONResponse.make(.object([("status", .string("ok")), ("models", .number(Double(endpoints.count)))]))
        }
        router.get("/v1/models") { _, _ in
            JSONResponse.make(.object([("models", .array(endpoints.keys.sorted().compactMap { endpoints[$0]?.summary }))]))
        }
        router.post("/v1/models/{name}/predict") { request, context in try await predict(request, context) }
    }

    private func predict(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        let name = context.parameters.get("name") ?? ""
        guard let endpoint = endpoints[name] else {
            throw ServeError.notFound("no model named '\(name)'; GET /v1/models lists them")
        }
        if let length = request.headers[.contentLength].flatMap({ Int($0) }), length > bodyLimit {
            throw ServeError.tooLarge(limit: bodyLimit)
        }
        let contentType = request.headers[.contentType] ?? ""
        guard endpoint.accepts(contentType) else {
            throw ServeError.unsupportedMediaType(found: contentType, expected: (endpoint.acceptedMediaTypes + ["multipart/form-data"]).joined(separator: ", "))
        }
        guard let body = await request.bodyBytes(upTo: bodyLimit) else { throw ServeError.tooLarge(limit: bodyLimit) }
        var query: [String: String] = [:]
        for (key, value) in request.uri.queryParameters { query[String(key)] = String(value) }
        let upload = try Upload(body: body, contentType: contentType, query: query)
        return JSONResponse.make(try await endpoint.predict(upload))
    }
}
