import Foundation
import PerceptLabels
import PerceptModels
@testable import PerceptServe
import Testing

/// Concurrent requests run as batches whose answers equal the unbatched ones.
@Suite("serve batches concurrent requests")
struct BatchingTests {
    /// The answers to `requests` sent all at once.
    static func concurrently(_ server: TestServer, _ requests: [(model: String, body: [UInt8], query: String)]) async throws -> [JSONValue] {
        try await withThrowingTaskGroup(of: (Int, JSONValue).self) { group in
            for (index, request) in requests.enumerated() {
                group.addTask {
                    let answer = try await server.predict(request.model, request.body, query: request.query)
                    return (index, answer.status == 200 ? answer.json : .string("status \(answer.status): \(answer.json)"))
                }
            }
            var answers = [JSONValue](repeating: .null, count: requests.count)
            for try await (index, answer) in group { answers[index] = answer }
            return answers
        }
    }

    /// Every number in `left` within `tolerance` of the one at the same place in `right`, every other value equal.
    static func close(_ left: JSONValue, _ right: JSONValue, tolerance: Double = 1e-5) -> Bool {
        switch (left, right) {
        case let (.number(a), .number(b)): return abs(a - b) <= tolerance * max(1, abs(b))
        case let (.array(a), .array(b)): return a.count == b.count && zip(a, b).allSatisfy { close($0, $1, tolerance: tolerance) }
        case let (.object(a), .object(b)):
            return a.count == b.count && zip(a, b).allSatisfy { $0.key == $1.key && close($0.value, $1.value, tolerance: tolerance) }
        default: return left == right
        }
    }

    @Test("classify, detect and segment: batched answers under concurrent requests equal --max-batch 1's, and batches of several did run")
    func batchedEqualsUnbatched() async throws {
        let scratch = try Scratch()
        let classifier = try scratch.weights("fashion_cnn", "classifier", configuration: ModelConfiguration(numClasses: 5, inputChannels: 3, imageSize: 24),
                                             classes: ["a", "b", "c", "d", "e"])
        let segmenter = try scratch.weights("unet_s", "segmenter", configuration: ModelConfiguration(numClasses: 3, inputChannels: 3, imageSize: 32),
                                            classes: ["bg", "x", "y"])
        let detector = fixtures.appendingPathComponent("yolo/tiny.pt").path
        let specifications = try [ModelSpecification(classifier), ModelSpecification(segmenter), ModelSpecification("detector=\(detector)")]
        // Images of two sizes: the detector and segmenter batch each size separately.
        var requests: [(model: String, body: [UInt8], query: String)] = []
        for index in 0..<6 {
            let image = try scratch.bytes(try scratch.image("i\(index).png", width: index % 2 == 0 ? 32 : 48, height: 32, seed: index))
            requests.append(("classifier", image, "top_k=\(1 + index % 5)"))
            requests.append(("segmenter", image, ""))
            requests.append(("detector", image, "conf=0.01&max_det=\(5 + index)"))
        }

        let single = try await TestServer(specifications, settings: ServeSettings(port: 0, maxBatch: 1), detectImageSize: 64)
        var unbatched: [JSONValue] = []
        for request in requests { unbatched.append(try await single.predict(request.model, request.body, query: request.query).json) }

        let batching = try await TestServer(specifications, settings: ServeSettings(port: 0, maxBatch: 8, maxWait: 0.3), detectImageSize: 64)
        let batched = try await Self.concurrently(batching, requests)
        for (index, (one, many)) in zip(unbatched, batched).enumerated() {
            #expect(Self.close(one, many), "request \(index) (\(requests[index].model)): \(one) vs \(many)")
        }
        #expect(unbatched.allSatisfy { $0["error"] == nil && $0["model"] != nil })
        let largest = batching.server.largestBatches
        #expect(largest.values.allSatisfy { $0 >= 2 }, "\(largest)")
        #expect(single.server.largestBatches.values.allSatisfy { $0 == 1 })
    }

    @Test("a bad upload in a batch fails alone; the others in its batch are answered")
    func badUploadInBatch() async throws {
        let scratch = try Scratch()
        let classifier = try scratch.weights("fashion_cnn", "classifier", configuration: ModelConfiguration(numClasses: 3, inputChannels: 3, imageSize: 16),
                                             classes: ["a", "b", "c"])
        let server = try await TestServer([ModelSpecification(classifier)], settings: ServeSettings(port: 0, maxBatch: 4, maxWait: 0.3))
        let good = try scratch.bytes(try scratch.image("good.png", width: 16, height: 16))
        let answers = try await Self.concurrently(server, [("classifier", good, ""), ("classifier", Array("junk".utf8), ""), ("classifier", good, "")])
        #expect(answers[0]["top"] != nil)
        #expect(answers[2]["top"] != nil)
        #expect(answers[1].string?.hasPrefix("status 400") == true, "\(answers[1])")
    }
}
