import Foundation
import PerceptImage
import PerceptLabels
import PerceptModels
@testable import PerceptServe
import Testing

/// Bad uploads and requests get JSON 4xx answers, and the server keeps serving.
@Suite("serve refuses bad requests")
struct BadRequestTests {
    /// A server over a small classifier, with a 64 KiB body limit and a 10,000-pixel decode limit.
    static func server(_ scratch: Scratch, token: String? = nil, host: String = "127.0.0.1") async throws -> TestServer {
        let weights = try scratch.weights("fashion_cnn", "small", configuration: ModelConfiguration(numClasses: 3, inputChannels: 3, imageSize: 16),
                                          classes: ["a", "b", "c"])
        return try await TestServer([ModelSpecification(weights)],
                                    settings: ServeSettings(host: host, port: 0, token: token, bodyLimit: 64 << 10,
                                                            decodeLimits: DecodeLimits(maxPixels: 10_000)))
    }

    @Test("not an image, truncated, too many pixels, too large, wrong type, unknown model, wrong method, bad query: JSON 4xx, then a good request works")
    func badUploads() async throws {
        let scratch = try Scratch()
        let server = try await Self.server(scratch)
        let good = try scratch.bytes(try scratch.image("good.png", width: 20, height: 20))
        let huge = try scratch.bytes(try scratch.image("huge.png", width: 120, height: 100))

        let cases: [(what: String, answer: (status: Int, json: JSONValue), status: Int)] = [
            ("not an image", try await server.predict("small", Array("hello, not a picture".utf8)), 400),
            ("truncated", try await server.predict("small", Array(good.prefix(good.count / 2))), 400),
            ("empty", try await server.predict("small", []), 400),
            ("too many pixels", try await server.predict("small", huge), 400),
            ("too large", try await server.predict("small", [UInt8](repeating: 7, count: 70 << 10)), 413),
            ("wrong content type", try await server.predict("small", good, type: "application/json"), 415),
            ("no content type", try await server.send("POST", "/v1/models/small/predict", body: good), 415),
            ("unknown model", try await server.predict("nope", good), 404),
            ("unknown path", try await server.send("GET", "/v2/anything"), 404),
            ("wrong method on predict", try await server.send("GET", "/v1/models/small/predict"), 405),
            ("wrong method on models", try await server.send("DELETE", "/v1/models"), 405),
            ("bad top_k", try await server.predict("small", good, query: "top_k=zero"), 400),
            ("bad multipart", try await server.predict("small", good, type: "multipart/form-data; boundary=xyz"), 400),
        ]
        for item in cases {
            #expect(item.answer.status == item.status, "\(item.what): \(item.answer.json)")
            #expect(item.answer.json["error"]?.string?.isEmpty == false, "\(item.what): \(item.answer.json)")
        }
        #expect(cases[0].answer.json["error"]?.string?.hasPrefix("upload:") == true)
        let after = try await server.predict("small", good)
        #expect(after.status == 200, "\(after.json)")
        #expect(try await server.send("GET", "/health").status == 200)
    }

    @Test("a multipart/form-data upload answers as the raw body does")
    func multipart() async throws {
        let scratch = try Scratch()
        let server = try await Self.server(scratch)
        let good = try scratch.bytes(try scratch.image("good.png", width: 20, height: 20))
        let boundary = "----percept-boundary-42"
        let body = Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nhi\r\n--\(boundary)\r\nContent-Disposition: form-data; name=\"image\"; filename=\"good.png\"\r\nContent-Type: image/png\r\n\r\n".utf8)
            + good + Array("\r\n--\(boundary)--\r\n".utf8)
        let viaForm = try await server.predict("small", body, type: "multipart/form-data; boundary=\"\(boundary)\"")
        let raw = try await server.predict("small", good)
        #expect(viaForm.status == 200, "\(viaForm.json)")
        #expect(viaForm.json == raw.json)
        let broken = Array(body.dropLast(20))
        let refused = try await server.predict("small", broken, type: "multipart/form-data; boundary=\(boundary)")
        #expect(refused.status == 400)
        #expect(refused.json["error"]?.string?.contains("closing boundary") == true)
    }

    @Test("off loopback a token is required; with one, requests without Bearer TOKEN get 401")
    func token() async throws {
        let scratch = try Scratch()
        #expect(throws: ServeError.self) { try InferenceServer(models: [], settings: ServeSettings(host: "0.0.0.0", port: 0)) }
        #expect(throws: Never.self) { try ServeSettings(host: "127.0.0.1", port: 0).check() }
        let token = "0123456789abcdef0123456789abcdef"
        let server = try await Self.server(scratch, token: token, host: "0.0.0.0")
        let good = try scratch.bytes(try scratch.image("good.png", width: 20, height: 20))
        #expect(try await server.send("GET", "/health").status == 401)
        #expect(try await server.send("GET", "/v1/models", headers: ["Authorization": "Bearer wrong"]).status == 401)
        #expect(try await server.predict("small", good).status == 401)
        #expect(try await server.predict("small", good, headers: ["Authorization": "Basic \(token)"]).status == 401)
        #expect(try await server.send("GET", "/health", headers: ["Authorization": "Bearer \(token)"]).status == 200)
        #expect(try await server.predict("small", good, headers: ["Authorization": "Bearer \(token)"]).status == 200)
    }

    @Test("on loopback without a token a foreign Host name is refused (DNS rebinding)")
    func foreignHost() async throws {
        let scratch = try Scratch()
        let server = try await Self.server(scratch)
        #expect(try await server.send("GET", "/health", headers: ["Host": "evil.example:8090"]).status == 400)
        #expect(try await server.send("GET", "/health", headers: ["Host": "localhost:8090"]).status == 200)
    }
}
