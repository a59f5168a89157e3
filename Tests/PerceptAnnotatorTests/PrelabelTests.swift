import Foundation
import PerceptAnnotator
import PerceptImage
import PerceptLabels
import Testing

/// A detector stand-in: fixed boxes per file name, a failure for the names in `failing`, an
/// optional gate that holds every call until the test releases it, and a count of the calls per file.
final class FakeProposals: ProposalSource, @unchecked Sendable {
    private let boxes: [String: [Proposal]]
    private let failing: Set<String>
    private let gate: DispatchSemaphore?
    private let lock = NSLock()
    private var callsByFile: [String: Int] = [:]

    struct Failure: Error, CustomStringConvertible {
        var description: String { "the model ran out of luck" }
    }

    init(_ boxes: [String: [Proposal]] = [:], failing: Set<String> = [], held: Bool = false) {
        self.boxes = boxes
        self.failing = failing
        gate = held ? DispatchSemaphore(value: 0) : nil
    }

    /// Lets held calls (and every later one) through.
    func release() { gate?.signal() }

    /// Calls so far for the file named `name`.
    func calls(_ name: String) -> Int { lock.withLock { callsByFile[name] ?? 0 } }

    /// Calls so far in all.
    var totalCalls: Int { lock.withLock { callsByFile.values.reduce(0, +) } }

    func proposals(forImageAt url: URL, width: Int, height: Int) throws -> [Proposal] {
        let name = url.lastPathComponent
        lock.withLock { callsByFile[name, default: 0] += 1 }
        if let gate {
            gate.wait()
            gate.signal()
        }
        if failing.contains(name) { throw Failure() }
        return boxes[name] ?? [Proposal(box: BoundingBox(minX: 2, minY: 3, maxX: 12, maxY: 14), score: 0.9, className: "cat")]
    }
}

/// Collects the server's report lines.
final class ReportLines: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [String] = []
    var lines: [String] { lock.withLock { stored } }
    func append(_ line: String) { lock.withLock { stored.append(line) } }
}

@Suite("annotator: proposals from a detector (--detector)")
struct PrelabelTests {
    static func box(_ minX: Double, _ minY: Double, _ maxX: Double, _ maxY: Double, _ score: Double, _ name: String) -> Proposal {
        Proposal(box: BoundingBox(minX: minX, minY: minY, maxX: maxX, maxY: maxY), score: score, className: name)
    }

    /// Waits until the "pre-label all" run ends (at most `seconds`).
    static func finish(_ server: TestServer, seconds: Double = 20) async throws -> JSONValue {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            let (_, body) = try await server.client.json("GET", "/api/prelabel")
            if body["running"]?.bool == false { return body }
            try await Task.sleep(nanoseconds: 50_000_000)
        }
        throw AnnotatorError.invalid(place: "pre-label all", detail: "still running after \(seconds) s")
    }

    @Test("opening an image (POST …/propose) runs the detector once: proposals stored with scores, new class names added; GETs and later opens do not run it")
    func proposesOnOpen() async throws {
        let source = FakeProposals(["a.png": [Self.box(1, 2, 20, 30, 0.8, "dog"), Self.box(30, 5, 50, 25, 0.4, "bird")]])
        let server = try await TestServer(source: source)
        let id = try server.id("a.png")
        var (status, body) = try await server.client.json("GET", "/api/images/\(id)")
        #expect(status == 200 && body["shapes"]?.array?.isEmpty == true && source.totalCalls == 0, "a plain GET leaves the detector alone")
        (status, body) = try await server.client.json("POST", "/api/images/\(id)/propose", "{}")
        #expect(status == 200 && body["warning"] == nil)
        let shapes = body["shapes"]?.array ?? []
        #expect(shapes.compactMap { $0["source"]?.string } == ["prediction", "prediction"])
        #expect(shapes.compactMap { $0["score"]?.number } == [0.8, 0.4])
        #expect(shapes.first?["points"]?.array?.compactMap(\.number) == [1, 2, 20, 30])
        let classes = try server.store.classes()
        #expect(classes.map(\.name) == ["cat", "dog", "bird"], "dog maps by name, bird is added")
        #expect(shapes.compactMap { $0["class"]?.integer } == [1, 2])
        #expect(body["image"]?["predictions"]?.integer == 2 && body["version"]?.integer == 1)

        // People reject every proposal; opening the image again does not propose them again.
        (status, body) = try await server.client.json("PUT", "/api/images/\(id)/shapes", #"{"version":1,"shapes":[]}"#)
        #expect(status == 200)
        (status, body) = try await server.client.json("POST", "/api/images/\(id)/propose", "{}")
        #expect(body["shapes"]?.array?.isEmpty == true && source.calls("a.png") == 1)
    }

    @Test("proposals go after people's shapes, never replace them; a box repeating a person's box of its class is left out; boxes are clipped")
    func keepsPeoplesShapes() async throws {
        let source = FakeProposals(["a.png": [Self.box(10, 10, 30, 31, 0.9, "cat"), Self.box(10, 10, 30, 30, 0.7, "dog"),
                                              Self.box(40, 5, 70, 60, 0.6, "cat"), Self.box(-5, 60, 10, 80, 0.5, "cat")]])
        let server = try await TestServer(source: source)
        let id = try server.id("a.png")
        let person = #"{"kind":"rect","class":0,"points":[10,10,30,30]}"#
        var (status, body) = try await server.client.json("PUT", "/api/images/\(id)/shapes", #"{"version":0,"shapes":[\#(person)]}"#)
        #expect(status == 200)
        (status, body) = try await server.client.json("POST", "/api/images/\(id)/propose", "{}")
        let shapes = body["shapes"]?.array ?? []
        #expect(shapes.compactMap { $0["source"]?.string } == ["user", "prediction", "prediction"], "the repeated cat box and the box outside the image are left out")
        #expect(shapes.first?["points"]?.array?.compactMap(\.number) == [10, 10, 30, 30] && shapes.first?["score"] == nil)
        #expect(shapes[1]["class"]?.integer == 1, "the dog box over the cat box is another class: kept")
        #expect(shapes[2]["points"]?.array?.compactMap(\.number) == [40, 5, 64, 48], "clipped into the 64×48 image")
        #expect(try server.store.state(of: id).image.userShapeCount == 1)
    }

    @Test("an image with proposals (imported from a results file) is not run, and storing twice stores once")
    func neverTwice() async throws {
        let source = FakeProposals()
        let server = try await TestServer(source: source)
        let a = try server.id("a.png"), b = try server.id("b.png")
        try server.store.replacePredictions([a: [LabelShape(kind: .rect, classID: 0, coordinates: [1, 1, 5, 5], score: 0.3)]])
        let (_, body) = try await server.client.json("POST", "/api/images/\(a)/propose", "{}")
        #expect(body["shapes"]?.array?.count == 1 && source.totalCalls == 0)
        let proposal = [Self.box(1, 1, 9, 9, 0.5, "cat")]
        #expect(try server.store.storeDetectorProposals(proposal, for: b) == 1)
        #expect(try server.store.storeDetectorProposals(proposal, for: b) == nil)
        #expect(try server.store.state(of: b).shapes.count == 1)
        #expect(try server.store.imagesAwaitingDetector().map(\.path) == ["sub/c.png"])
    }

    @Test("pre-label all runs in the background: edits are answered meanwhile, a second start joins the run, every image is run once")
    func prelabelAllWhileEditing() async throws {
        let images = (0..<8).map { (path: "img\($0).png", width: 40, height: 30) }
        let source = FakeProposals(held: true)
        let server = try await TestServer(images: images, source: source)
        var (status, body) = try await server.client.json("POST", "/api/prelabel", "{}")
        #expect(status == 202 && body["running"]?.bool == true && body["total"]?.integer == 8)
        // Edit the last image (the run reaches it last) and read others while the run goes on.
        let last = try server.id("img7.png")
        let started = Date()
        (status, body) = try await server.client.json("PUT", "/api/images/\(last)/shapes",
                                                      #"{"version":0,"shapes":[{"kind":"rect","class":1,"points":[20,5,35,25]}]}"#)
        let answeredIn = Date().timeIntervalSince(started)
        // The detector is held on its gate until release() below, so any answer at all came while the run
        // went on; the bound only turns a server that waits for the detector into a failure instead of a hang.
        #expect(status == 200 && answeredIn < 30, "the edit waited \(answeredIn) s")
        (status, body) = try await server.client.json("GET", "/api/images")
        #expect(status == 200)
        (status, body) = try await server.client.json("GET", "/api/prelabel")
        #expect(body["running"]?.bool == true, "the edit was answered while the run went on")
        (status, body) = try await server.client.json("POST", "/api/prelabel", "{}")
        #expect(status == 202 && body["total"]?.integer == 8, "a second start joins the run")
        source.release()
        let end = try await Self.finish(server)
        #expect(end["done"]?.integer == 8 && end["proposals"]?.integer == 8 && end["failed"]?.integer == 0)
        #expect(images.allSatisfy { source.calls($0.path) == 1 })
        let edited = try server.store.state(of: last)
        #expect(edited.shapes.map(\.source) == [.user, .prediction] && edited.shapes[0].coordinates == [20, 5, 35, 25])
        // Nothing is left to run: a new start has nothing to do.
        (status, body) = try await server.client.json("POST", "/api/prelabel", "{}")
        #expect(status == 202 && body["total"]?.integer == 0 && body["running"]?.bool == false)
    }

    @Test("a detector failure on one image is reported (log line, progress, the opened image's warning) and the others go on")
    func failureOnOneImage() async throws {
        let lines = ReportLines()
        let source = FakeProposals(failing: ["b.png"])
        let server = try await TestServer(source: source, reportTo: lines)
        var (status, body) = try await server.client.json("POST", "/api/prelabel", "{}")
        #expect(status == 202)
        body = try await Self.finish(server)
        #expect(body["done"]?.integer == 3 && body["failed"]?.integer == 1 && body["proposals"]?.integer == 2)
        let warning = body["warnings"]?.array?.first?.string ?? ""
        #expect(warning.hasSuffix("b.png: warning: the detector failed, no proposals: the model ran out of luck"), "\(warning)")
        #expect(lines.lines == [warning])
        let b = try server.id("b.png")
        #expect(try server.store.awaitsDetector(b), "a failed image can be run again")
        (status, body) = try await server.client.json("POST", "/api/images/\(b)/propose", "{}")
        #expect(status == 200 && body["warning"]?.string?.contains("b.png: warning: the detector failed") == true, "\(body)")
        #expect(body["shapes"]?.array?.isEmpty == true && lines.lines.count == 2)
        (status, _) = try await server.client.json("GET", "/api/images/\(try server.id("a.png"))")
        #expect(status == 200, "the server still answers")
    }

    @Test("without a detector, /api/prelabel says so, and starting a run or proposing for an image is refused with 400")
    func withoutDetector() async throws {
        let server = try await TestServer()
        var (status, body) = try await server.client.json("GET", "/api/prelabel")
        #expect(status == 200 && body["available"]?.bool == false)
        (status, body) = try await server.client.json("POST", "/api/prelabel", "{}")
        #expect(status == 400 && body["error"]?.string?.contains("--detector") == true)
        (status, body) = try await server.client.json("POST", "/api/images/\(try server.id("a.png"))/propose", "{}")
        #expect(status == 400 && body["error"]?.string?.contains("without a detector") == true)
    }
}
