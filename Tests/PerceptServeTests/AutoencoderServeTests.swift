import Foundation
import PerceptData
import PerceptImage
import PerceptLabels
import PerceptModels
import PerceptTensor
import PerceptTestSupport
import PerceptTrain
@testable import PerceptCLI
@testable import PerceptServe
import Testing

/// The autoencoder answer equals `percept autoencoder reconstruct`'s PNG and PSNR, and the
/// embedding `autoencoder embed`'s library call on the same image and weights.
@Suite("serve answers autoencoders as autoencoder reconstruct and embed do")
struct AutoencoderServeTests {
    @Test("the reconstruction's pixels and PSNR equal percept autoencoder reconstruct's; the embedding equals embed's code",
          arguments: [("conv_ae", ["width": 8.0, "latent": 8.0]), ("vae", ["width": 8.0, "latent": 4.0])])
    func parity(architecture: String, options: [String: Double]) async throws {
        let scratch = try Scratch()
        let configuration = ModelConfiguration(numClasses: 10, inputChannels: 3, imageSize: 16, options: options)
        let weights = try scratch.weights(architecture, "codec", configuration: configuration, classes: [])
        // Larger than the model's 16×16 and not square: the server must shrink it as the command does.
        let image = try scratch.image("a.png", width: 24, height: 20, seed: 3)
        let reconstructed = try runPercept(["autoencoder", "reconstruct", image, "--weights", weights, "--out", scratch.path("out"), "--json"])
        #expect(reconstructed.status == 0, "\(reconstructed.stderr)")
        let report = try JSONParser.parse(Array(reconstructed.stdout.utf8), file: "stdout")
        let printedPSNR = try #require(report["images"]?.array?.first?["psnr"]?.number)
        let written = try Image(contentsOf: URL(fileURLWithPath: scratch.path("out/a.png")))

        let (model, description) = try AutoencoderCLI.load(weights)
        let code = try AutoencoderInput.embedding(model, AutoencoderCLI.input(image, for: description).unsqueezed(0)).toArray()

        let server = try await TestServer([ModelSpecification(weights)])
        let answer = try await server.predict("codec", scratch.bytes(image))
        #expect(answer.status == 200, "\(answer.json)")
        #expect(answer.json["task"] == .string("autoencoder"))
        #expect(answer.json["width"]?.number == 16 && answer.json["height"]?.number == 16)
        let png = try #require(Data(base64Encoded: answer.json["reconstruction"]?.string ?? ""))
        let served = try Image.decode([UInt8](png), file: "reconstruction")
        #expect(served.size == written.size && served.channels == written.channels)
        #expect(served.tensor().toArray() == written.tensor().toArray())
        #expect(abs((answer.json["psnr"]?.number ?? -1) - printedPSNR) < 1e-9, "\(answer.json["psnr"] ?? .null) vs \(printedPSNR)")
        let embedding = answer.json["embedding"]?.array?.compactMap { $0.number } ?? []
        #expect(embedding.count == model.latentFeatures && code.count == model.latentFeatures)
        #expect(zip(embedding, code).allSatisfy { abs($0 - Double($1)) <= 1e-5 }, "\(embedding) vs \(code)")

        let listed = try await server.send("GET", "/v1/models")
        let summary = try #require(listed.json["models"]?.array?.first)
        #expect(summary["task"] == .string("autoencoder"))
        #expect(summary["input"]?["width"]?.number == 16 && summary["input"]?["channels"]?.number == 3)
    }

    @Test("concurrent requests run as one batch whose answers equal --max-batch 1's")
    func batched() async throws {
        let scratch = try Scratch()
        let weights = try scratch.weights("conv_ae", "codec", configuration: ModelConfiguration(numClasses: 10, inputChannels: 3, imageSize: 16, options: ["width": 8, "latent": 8]), classes: [])
        let requests: [(model: String, body: [UInt8], query: String)] = try (0..<4).map { index in
            (model: "codec", body: try scratch.bytes(try scratch.image("i\(index).png", width: 16 + 4 * index, height: 16, seed: index)), query: "")
        }
        let single = try await TestServer([ModelSpecification(weights)], settings: ServeSettings(port: 0, maxBatch: 1))
        var unbatched: [JSONValue] = []
        for request in requests { unbatched.append(try await single.predict(request.model, request.body).json) }
        let batching = try await TestServer([ModelSpecification(weights)], settings: ServeSettings(port: 0, maxBatch: 8, maxWait: 0.3))
        let batched = try await BatchingTests.concurrently(batching, requests)
        for (index, (one, many)) in zip(unbatched, batched).enumerated() {
            // The PNG's 8-bit pixels may round one level apart when the batch changes the sums' order.
            let pixels = try [one, many].map { answer in
                try Image.decode([UInt8](Data(base64Encoded: answer["reconstruction"]?.string ?? "") ?? Data()), file: "reconstruction").tensor().toArray()
            }
            #expect(pixels[0].count == 3 * 16 * 16 && zip(pixels[0], pixels[1]).allSatisfy { abs($0 - $1) <= 1.5 / 255 }, "request \(index)")
            #expect(BatchingTests.close(one["embedding"] ?? .null, many["embedding"] ?? .null), "request \(index): \(one) vs \(many)")
            #expect(BatchingTests.close(one["psnr"] ?? .null, many["psnr"] ?? .null, tolerance: 1e-3), "request \(index)")
        }
        #expect(batching.server.largestBatches.values.allSatisfy { $0 >= 2 }, "\(batching.server.largestBatches)")
    }

    @Test("a gray image for an RGB autoencoder, or no image at all, is a JSON 400 naming the problem")
    func badUploads() async throws {
        let scratch = try Scratch()
        let weights = try scratch.weights("conv_ae", "codec", configuration: ModelConfiguration(numClasses: 10, inputChannels: 3, imageSize: 16, options: ["width": 8, "latent": 8]), classes: [])
        let gray = Image(width: 16, height: 16, channels: 1)
        let server = try await TestServer([ModelSpecification(weights)])
        let wrongChannels = try await server.predict("codec", try gray.encoded(as: .png))
        #expect(wrongChannels.status == 400, "\(wrongChannels.json)")
        #expect(wrongChannels.json["error"]?.string?.contains("gray") == true, "\(wrongChannels.json)")
        let notImage = try await server.predict("codec", Array("not a picture".utf8))
        #expect(notImage.status == 400, "\(notImage.json)")
        #expect(notImage.json["error"]?.string?.hasPrefix("upload:") == true, "\(notImage.json)")
        #expect(try await server.predict("codec", try scratch.bytes(try scratch.image("ok.png", width: 16, height: 16))).status == 200)
    }
}
