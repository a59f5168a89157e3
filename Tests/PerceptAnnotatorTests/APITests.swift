import Foundation
import PerceptAnnotator
import PerceptLabels
import Testing

@Suite("annotator HTTP API")
struct APITests {
    @Test("lists every image of the folder and its subfolders with sizes, statuses and counts")
    func listsImages() async throws {
        let server = try await TestServer()
        let (status, body) = try await server.client.json("GET", "/api/images")
        #expect(status == 200)
        let images = body["images"]?.array ?? []
        #expect(images.compactMap { $0["path"]?.string } == ["a.png", "b.png", "sub/c.png"])
        #expect(images.first?["width"]?.integer == 64 && images.first?["height"]?.integer == 48)
        #expect(images.allSatisfy { $0["status"]?.string == "new" })
        #expect(body["counts"]?["new"]?.integer == 3 && body["total"]?.integer == 3)
    }

    @Test("creates, edits and deletes shapes; each save bumps the version")
    func editsShapes() async throws {
        let server = try await TestServer()
        let id = try server.id("a.png")
        let box = #"{"kind":"rect","class":0,"points":[1,2,30,40],"attributes":{"occluded":1}}"#
        let polygon = #"{"kind":"polygon","class":1,"points":[5,5,20,5,12,18]}"#
        var (status, body) = try await server.client.json("PUT", "/api/images/\(id)/shapes", #"{"version":0,"shapes":[\#(box),\#(polygon)]}"#)
        #expect(status == 200)
        #expect(body["version"]?.integer == 1)
        #expect(body["shapes"]?.array?.count == 2)
        #expect(body["image"]?["status"]?.string == "in_progress")
        (status, body) = try await server.client.json("PUT", "/api/images/\(id)/shapes", #"{"version":1,"shapes":[\#(polygon)]}"#)
        #expect(status == 200 && body["version"]?.integer == 2)
        (status, body) = try await server.client.json("GET", "/api/images/\(id)")
        #expect(body["shapes"]?.array?.first?["kind"]?.string == "polygon")
        #expect(body["shapes"]?.array?.first?["points"]?.array?.compactMap(\.number) == [5, 5, 20, 5, 12, 18])
        (status, body) = try await server.client.json("PUT", "/api/images/\(id)/shapes", #"{"version":2,"shapes":[]}"#)
        #expect(status == 200 && body["shapes"]?.array?.isEmpty == true)
        #expect(try server.store.state(of: id).image.userShapeCount == 0)
    }

    @Test("a stale version gets 409 with the current state and changes nothing")
    func staleVersionConflicts() async throws {
        let server = try await TestServer()
        let id = try server.id("b.png")
        _ = try await server.client.json("PUT", "/api/images/\(id)/shapes", #"{"version":0,"shapes":[{"kind":"point","class":0,"points":[3,4]}]}"#)
        let (status, body) = try await server.client.json("PUT", "/api/images/\(id)/shapes", #"{"version":0,"shapes":[]}"#)
        #expect(status == 409)
        #expect(body["current"]?["version"]?.integer == 1)
        #expect(body["current"]?["shapes"]?.array?.count == 1)
        #expect(try server.store.state(of: id).shapes.count == 1)
    }

    @Test("status and comment changes are stored and filter the list")
    func reviewStatus() async throws {
        let server = try await TestServer()
        let id = try server.id("sub/c.png")
        var (status, body) = try await server.client.json("PATCH", "/api/images/\(id)", #"{"status":"rejected","comment":"box too loose"}"#)
        #expect(status == 200 && body["status"]?.string == "rejected" && body["comment"]?.string == "box too loose")
        (status, body) = try await server.client.json("GET", "/api/images?status=rejected")
        #expect(body["images"]?.array?.compactMap { $0["id"]?.integer } == [id])
        #expect(body["counts"]?["rejected"]?.integer == 1)
        (status, body) = try await server.client.json("PATCH", "/api/images/\(id)", #"{"status":"verified"}"#)
        #expect(body["status"]?.string == "verified" && body["comment"]?.string == "box too loose")
        (status, _) = try await server.client.json("PATCH", "/api/images/\(id)", #"{"status":"finished"}"#)
        #expect(status == 400)
        (status, _) = try await server.client.json("GET", "/api/images?status=finished")
        #expect(status == 400)
    }

    @Test("invalid, malformed and oversized bodies get 4xx and leave the store unchanged", arguments: [
        #"{"version":0,"shapes":[{"kind":"rect","class":0,"points":[1,2,300,40]}]}"#,
        #"{"version":0,"shapes":[{"kind":"rect","class":0,"points":[-1,2,30,40]}]}"#,
        #"{"version":0,"shapes":[{"kind":"rect","class":0,"points":[1,2,1e999,40]}]}"#,
        #"{"version":0,"shapes":[{"kind":"rect","class":9,"points":[1,2,30,40]}]}"#,
        #"{"version":0,"shapes":[{"kind":"rect","class":0,"points":[30,2,1,40]}]}"#,
        #"{"version":0,"shapes":[{"kind":"polygon","class":0,"points":[1,2,3,4]}]}"#,
        #"{"version":0,"shapes":[{"kind":"circle","class":0,"points":[1,2]}]}"#,
        #"{"version":0,"shapes":[{"kind":"point","class":0,"points":["1",2]}]}"#,
        #"{"version":0,"shapes":[{"kind":"point","class":0,"points":[1,2]},{"kind":"point","class":0,"points":[1]}]}"#,
        #"{"version":0,"shapes":"#,
        #"[1,2,3]"#,
        #"{"shapes":[]}"#,
    ])
    func refusesBadBodies(body: String) async throws {
        let server = try await TestServer()
        let id = try server.id("a.png")
        let answer = try await server.client.send("PUT", "/api/images/\(id)/shapes", json: body)
        #expect((400..<500).contains(answer.status))
        #expect(answer.json?["error"]?.string?.isEmpty == false)
        let state = try server.store.state(of: id)
        #expect(state.shapes.isEmpty && state.image.version == 0)
    }

    @Test("a body over the limit gets 413 and a body that is not JSON-typed gets 400")
    func refusesOversizedBodies() async throws {
        let server = try await TestServer(settings: ServerSettings(port: 0, bodyLimit: 1024))
        let id = try server.id("a.png")
        let points = Array(repeating: "1,1,2,1,2,2", count: 200).joined(separator: ",")
        let big = #"{"version":0,"shapes":[{"kind":"polygon","class":0,"points":[\#(points)]}]}"#
        #expect(try await server.client.send("PUT", "/api/images/\(id)/shapes", json: big).status == 413)
        let plain = try await server.client.send("PUT", "/api/images/\(id)/shapes", json: #"{"version":0,"shapes":[]}"#,
                                           headers: ["Content-Type": "text/plain"])
        #expect(plain.status == 400)
        #expect(try server.store.state(of: id).image.version == 0)
    }

    @Test("classes keep their ids, new ones never reuse an old id, and a used class cannot be removed")
    func editsClasses() async throws {
        let server = try await TestServer()
        var (status, body) = try await server.client.json("PUT", "/api/classes", ##"{"classes":[{"id":0,"name":"cat","color":"#112233"},{"name":"bird"}]}"##)
        #expect(status == 200)
        #expect(body["classes"]?.array?.compactMap { $0["id"]?.integer } == [0, 2])
        #expect(body["classes"]?.array?.first?["color"]?.string == "#112233")
        (status, body) = try await server.client.json("PUT", "/api/classes", #"{"classes":[{"id":0,"name":"cat"},{"name":"fish"}]}"#)
        #expect(body["classes"]?.array?.compactMap { $0["id"]?.integer } == [0, 3])
        let id = try server.id("a.png")
        _ = try await server.client.json("PUT", "/api/images/\(id)/shapes", #"{"version":0,"shapes":[{"kind":"point","class":3,"points":[1,1]}]}"#)
        (status, body) = try await server.client.json("PUT", "/api/classes", #"{"classes":[{"id":0,"name":"cat"}]}"#)
        #expect(status == 400)
        #expect(try server.store.classes().map(\.name) == ["cat", "fish"])
        (status, _) = try await server.client.json("PUT", "/api/classes", #"{"classes":[{"name":"a"},{"name":"a"}]}"#)
        #expect(status == 400)
    }

    @Test("proposals are stored with scores beside people's shapes and are not exported until accepted")
    func predictions() async throws {
        let server = try await TestServer()
        let id = try server.id("a.png")
        _ = try await server.client.json("PUT", "/api/images/\(id)/shapes", #"{"version":0,"shapes":[{"kind":"point","class":0,"points":[1,1]}]}"#)
        var (status, body) = try await server.client.json("POST", "/api/predictions",
            #"{"predictions":[{"image":\#(id),"kind":"rect","class":1,"points":[2,2,20,20],"score":0.9},{"image":\#(id),"kind":"rect","class":0,"points":[3,3,9,9],"score":0.2}]}"#)
        #expect(status == 200 && body["shapes"]?.integer == 2)
        (status, body) = try await server.client.json("GET", "/api/images/\(id)")
        let shapes = body["shapes"]?.array ?? []
        #expect(shapes.compactMap { $0["source"]?.string } == ["user", "prediction", "prediction"])
        #expect(shapes.last?["score"]?.number == 0.2)
        #expect(try server.store.labelDataset().annotations.count == 1)
        (status, _) = try await server.client.json("POST", "/api/predictions", #"{"predictions":[{"image":\#(id),"kind":"rect","class":1,"points":[2,2,20,20]}]}"#)
        #expect(status == 400)
    }

    @Test("the embedded UI is served and matches the files in Sources/PerceptAnnotator/Web")
    func servesWebFiles() async throws {
        let server = try await TestServer()
        let web = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Sources/PerceptAnnotator/Web")
        let files = try FileManager.default.contentsOfDirectory(atPath: web.path).sorted()
        #expect(files == ["app.css", "app.js", "canvas.js", "editing.js", "export.js", "index.html", "panels.js", "prelabel.js", "search.js"])
        for file in files {
            let answer = try await server.client.send("GET", file == "index.html" ? "/" : "/app/\(file)")
            #expect(answer.status == 200)
            #expect(answer.body == [UInt8](try Data(contentsOf: web.appendingPathComponent(file))), "run Tools/make-annotator-web after editing \(file)")
        }
    }

    @Test("GET /images/{id} sends the image file")
    func servesPixels() async throws {
        let server = try await TestServer()
        let answer = try await server.client.send("GET", "/images/\(try server.id("sub/c.png"))")
        #expect(answer.status == 200 && answer.headers["content-type"] == "image/png")
        #expect(answer.body == [UInt8](try Data(contentsOf: server.folder.appendingPathComponent("sub/c.png"))))
        #expect(try await server.client.send("GET", "/images/999").status == 404)
    }
}
