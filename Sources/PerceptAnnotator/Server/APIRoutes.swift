import Foundation
import Hummingbird
import PerceptHTTP
import PerceptImage
import PerceptLabels

/// The HTTP API over the store (documented in the README's Annotator section).
struct APIRoutes: Sendable {
    let store: AnnotationStore
    let bodyLimit: Int

    func register(on router: Router<BasicRequestContext>) {
        router.get("/api/images") { request, _ in try listImages(request) }
        router.get("/api/images/{id}") { _, context in
            JSONResponse.make(APICoding.json(try store.state(of: try APIRoutes.imageID(context))))
        }
        router.put("/api/images/{id}/shapes") { request, context in try await replaceShapes(request, context) }
        router.patch("/api/images/{id}") { request, context in try await updateImage(request, context) }
        router.get("/api/classes") { _, _ in JSONResponse.make(APICoding.json(try store.classes())) }
        router.put("/api/classes") { request, _ in try await replaceClasses(request) }
        router.post("/api/predictions") { request, _ in try await addPredictions(request) }
        router.post("/api/export") { request, _ in try await export(request) }
        router.post("/api/export/check") { request, _ in try await checkExport(request) }
        router.get("/images/{id}") { _, context in try imageFile(context) }
    }

    /// The numeric image id of the route's `{id}`.
    static func imageID(_ context: BasicRequestContext) throws -> Int {
        guard let id = context.parameters.get("id", as: Int.self) else {
            throw AnnotatorError.invalid(place: "path", detail: "expected a numeric image id, found '\(context.parameters.get("id") ?? "")'")
        }
        return id
    }

    private func body(_ request: Request) async throws -> JSONValue {
        guard let bytes = await request.bodyBytes(upTo: bodyLimit) else { throw AnnotatorError.tooLarge(limit: bodyLimit) }
        return try APICoding.object(bytes)
    }

    private func listImages(_ request: Request) throws -> Response {
        var status: ImageStatus?
        if let name = request.uri.queryParameters["status"], !name.isEmpty {
            guard let known = ImageStatus(rawValue: String(name)) else {
                throw AnnotatorError.invalid(place: "status", detail: "expected one of \(ImageStatus.allCases.map(\.rawValue).joined(separator: ", ")), found '\(name)'")
            }
            status = known
        }
        let images = try store.images(status: status)
        let counts = try store.statusCounts()
        return JSONResponse.make(.object([
            ("images", .array(images.map(APICoding.json))),
            ("counts", .object(ImageStatus.allCases.map { ($0.rawValue, .number(Double(counts[$0] ?? 0))) })),
            ("total", .number(Double(counts.values.reduce(0, +)))),
        ]))
    }

    private func replaceShapes(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        let id = try APIRoutes.imageID(context)
        let value = try await body(request)
        let version = try APICoding.integer(value["version"], place: "version")
        let shapes = try APICoding.list(value["shapes"], place: "shapes").enumerated().map { index, shape in
            try APICoding.shape(shape, place: "shapes[\(index)]")
        }
        switch try store.replaceShapes(of: id, basedOn: version, with: shapes) {
        case .saved(let state):
            return JSONResponse.make(APICoding.json(state))
        case .conflict(let state):
            let message = "image \(id) was changed elsewhere: version \(version) is stale, the current version is \(state.image.version)"
            return JSONResponse.make(.object([("error", .string(message)), ("current", APICoding.json(state))]), status: 409)
        }
    }

    private func updateImage(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        let id = try APIRoutes.imageID(context)
        let value = try await body(request)
        var status: ImageStatus?
        if let name = value["status"] {
            guard let known = name.string.flatMap(ImageStatus.init(rawValue:)) else {
                throw AnnotatorError.invalid(place: "status", detail: "expected one of \(ImageStatus.allCases.map(\.rawValue).joined(separator: ", ")), found \(name)")
            }
            status = known
        }
        let comment = try value["comment"].map { try APICoding.string($0, place: "comment") }
        return JSONResponse.make(APICoding.json(try store.update(id, status: status, comment: comment)))
    }

    private func replaceClasses(_ request: Request) async throws -> Response {
        let value = try await body(request)
        let drafts = try APICoding.list(value["classes"], place: "classes").enumerated().map { index, item in
            ClassDraft(id: try item["id"].map { try APICoding.integer($0, place: "classes[\(index)].id") },
                       name: try APICoding.string(item["name"], place: "classes[\(index)].name"),
                       color: try item["color"].map { try APICoding.string($0, place: "classes[\(index)].color") })
        }
        return JSONResponse.make(APICoding.json(try store.replaceClasses(with: drafts)))
    }

    private func addPredictions(_ request: Request) async throws -> Response {
        let value = try await body(request)
        var proposals: [Int: [LabelShape]] = [:]
        for (index, item) in try APICoding.list(value["predictions"], place: "predictions").enumerated() {
            let place = "predictions[\(index)]"
            let image = try APICoding.integer(item["image"], place: "\(place).image")
            var shape = try APICoding.shape(item, place: place)
            guard shape.score != nil else { throw AnnotatorError.invalid(place: "\(place).score", detail: "expected a number in 0...1") }
            shape.source = .prediction
            proposals[image, default: []].append(shape)
        }
        try store.replacePredictions(proposals)
        return JSONResponse.make(.object([("images", .number(Double(proposals.count))),
                                          ("shapes", .number(Double(proposals.values.map(\.count).reduce(0, +))))]))
    }

    private func export(_ request: Request) async throws -> Response {
        let (format, target, statuses) = try exportRequest(try await body(request))
        let report: ConversionReport
        do {
            report = try store.export(to: target, format: format, statuses: statuses, command: "percept annotate serve")
        } catch let error as OutputFolderError {
            throw APIRoutes.annotatorError(error)
        }
        return JSONResponse.make(.object([("target", .string(target.location.path)), ("report", report.json)]))
    }

    /// What `POST /api/export` would do with the same body, writing nothing: 200 with the
    /// resolved folder when the export is allowed, 400 saying why when not.
    private func checkExport(_ request: Request) async throws -> Response {
        let value = try await body(request)
        let target = try exportRequest(value).target
        return JSONResponse.make(.object([
            ("resolved", .string(target.location.path)), ("exists", .bool(target.exists)), ("empty", .bool(target.isEmpty)),
            ("writtenByPercept", .bool(target.writtenByPercept)), ("wouldReplace", .bool(target.wouldReplace)),
        ]))
    }

    /// The format, the checked target and the statuses (nil: all) of an export request.
    private func exportRequest(_ value: JSONValue) throws -> (format: DatasetFormat, target: OutputFolder, statuses: Set<ImageStatus>?) {
        let name = try APICoding.string(value["format"], place: "format")
        guard let format = DatasetFormat(rawValue: name), format != .folders else {
            throw AnnotatorError.invalid(place: "format", detail: "expected coco, yolo, voc, cvat or labelstudio, found '\(name)'")
        }
        let statuses = try value["status"].map { list in
            Set(try APICoding.list(list, place: "status").enumerated().map { index, item in
                guard let status = item.string.flatMap(ImageStatus.init(rawValue:)) else {
                    throw AnnotatorError.invalid(place: "status[\(index)]", detail: "expected one of \(ImageStatus.allCases.map(\.rawValue).joined(separator: ", ")), found \(item)")
                }
                return status
            })
        }
        let path = try APICoding.string(value["target"], place: "target")
        let force: Bool
        switch value["force"] {
        case nil: force = false
        case let flag?:
            guard let bool = flag.bool else { throw AnnotatorError.invalid(place: "force", detail: "expected true or false, found \(flag)") }
            force = bool
        }
        do {
            return (format, try store.exportTarget(path, argument: "the export folder", force: force), statuses)
        } catch {
            throw APIRoutes.annotatorError(error)
        }
    }

    /// An output-folder refusal in the API's words: 400 for what the request asked, 500 when
    /// the file system failed.
    private static func annotatorError(_ error: OutputFolderError) -> AnnotatorError {
        switch error {
        case .cannotWrite(let path, let reason): .unreadable(file: path, reason: reason)
        case .notEmpty: .invalid(place: "target", detail: "\(error.description); send \"force\": true to replace it")
        default: .invalid(place: "target", detail: error.description)
        }
    }

    private func imageFile(_ context: BasicRequestContext) throws -> Response {
        let url = try store.imageURL(of: try APIRoutes.imageID(context))
        let bytes: [UInt8]
        do {
            bytes = [UInt8](try Data(contentsOf: url))
        } catch {
            throw AnnotatorError.unreadable(file: url.path, reason: error.localizedDescription)
        }
        let format = try? ImageFormat.detect(bytes, file: url.path)
        let browserFormats: [ImageFormat: String] = [.png: "image/png", .jpeg: "image/jpeg", .webp: "image/webp", .bmp: "image/bmp"]
        if let format, let type = browserFormats[format] {
            return Response(status: .ok, headers: [.contentType: type, .cacheControl: "private, max-age=60"],
                            body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
        }
        // Browsers show neither TIFF nor PNM: send those as PNG.
        do {
            let png = try Image.decode(bytes, file: url.path).encoded(as: .png)
            return Response(status: .ok, headers: [.contentType: "image/png", .cacheControl: "private, max-age=60"],
                            body: ResponseBody(byteBuffer: ByteBuffer(bytes: png)))
        } catch {
            throw AnnotatorError.unreadable(file: url.path, reason: "\(error)")
        }
    }
}
