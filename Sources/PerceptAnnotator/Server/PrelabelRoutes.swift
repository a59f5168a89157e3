import Hummingbird
import PerceptHTTP
import PerceptLabels

/// The routes of the `--detector`: `POST /api/images/{id}/propose` (run it on an opened image
/// that waits for it, then answer the image's state), `GET /api/prelabel` (the progress of
/// "pre-label all", `available: false` without a detector) and `POST /api/prelabel` (start it in
/// the background; 202 with the progress). POST, so that no cross-site page can start a run.
struct PrelabelRoutes: Sendable {
    let store: AnnotationStore
    let prelabeler: Prelabeler?

    func register(on router: Router<BasicRequestContext>) {
        router.post("/api/images/{id}/propose") { _, context in try await propose(context) }
        router.get("/api/prelabel") { _, _ in
            JSONResponse.make(prelabeler.map { PrelabelRoutes.json($0.progress) } ?? .object([("available", .bool(false))]))
        }
        router.post("/api/prelabel") { _, _ in
            JSONResponse.make(PrelabelRoutes.json(try detector("/api/prelabel").startAll()), status: 202)
        }
    }

    /// Runs the detector on the image if it waits for it; answers the image's state, with
    /// `warning` when the detector failed.
    private func propose(_ context: BasicRequestContext) async throws -> Response {
        let id = try APIRoutes.imageID(context)
        let warning = try await detector("/api/images/\(id)/propose").proposeIfNeeded(id)
        var answer = APICoding.json(try store.state(of: id))
        if let warning, case .object(var members) = answer {
            members.append(("warning", .string(warning)))
            answer = .object(members)
        }
        return JSONResponse.make(answer)
    }

    /// The prelabeler, or a 400 naming `route` when the server has no detector.
    private func detector(_ route: String) throws -> Prelabeler {
        guard let prelabeler else {
            throw AnnotatorError.invalid(place: route, detail: "the server runs without a detector (percept annotate serve DIR --detector WEIGHTS)")
        }
        return prelabeler
    }

    /// The progress as the API answers it.
    static func json(_ progress: PrelabelProgress) -> JSONValue {
        .object([
            ("available", .bool(true)), ("running", .bool(progress.running)),
            ("total", .number(Double(progress.total))), ("done", .number(Double(progress.done))),
            ("proposals", .number(Double(progress.proposals))), ("failed", .number(Double(progress.failed))),
            ("warnings", .array(progress.warnings.map { .string($0) })),
        ])
    }
}
