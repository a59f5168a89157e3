import Foundation
import PerceptLabels
import PerceptData
import PerceptModels
import PerceptPointCloud
import PerceptTestSupport
import PerceptTrain
@testable import PerceptServe
import Testing

/// Each task's answer equals what its `percept … predict` command gives on the same input.
@Suite("serve answers equal predict's")
struct PredictParityTests {
    @Test("classify: the top classes and probabilities of percept classify predict")
    func classify() async throws {
        let scratch = try Scratch()
        let weights = try scratch.weights("fashion_cnn", "shoes", configuration: ModelConfiguration(numClasses: 4, inputChannels: 3, imageSize: 32),
                                          classes: ["boot", "sandal", "sneaker", "slipper"])
        let image = try scratch.image("a.png", width: 40, height: 30)
        let predicted = try runPercept(["classify", "predict", image, "--weights", weights, "--top-k", "3", "--out", scratch.path("out")])
        #expect(predicted.status == 0, "\(predicted.stderr)")
        let expected = try #require(try readJSON(scratch.path("out/predictions.json"))["predictions"]?.array?.first?["top"]?.array)

        let server = try await TestServer([ModelSpecification(weights)])
        let answer = try await server.predict("shoes", scratch.bytes(image), query: "top_k=3")
        #expect(answer.status == 200, "\(answer.json)")
        let top = try #require(answer.json["top"]?.array)
        #expect(top.count == 3)
        for (served, printed) in zip(top, expected) {
            #expect(served["class"] == printed["class"])
            #expect(served["index"] == printed["index"])
            #expect(abs((served["score"]?.number ?? -1) - (printed["score"]?.number ?? 1)) < 1e-6)
        }
    }

    @Test("detect: the boxes, classes and scores of percept detect predict on the Ultralytics fixture")
    func detect() async throws {
        let scratch = try Scratch()
        let weights = fixtures.appendingPathComponent("yolo/tiny.pt").path
        let image = fixtures.appendingPathComponent("yolo/scene.png").path
        let predicted = try runPercept(["detect", "predict", image, "--weights", weights, "--imgsz", "320", "--conf", "0.3", "--out", scratch.path("out"), "--json"])
        #expect(predicted.status == 0, "\(predicted.stderr)")
        let report = try JSONParser.parse(Array(predicted.stdout.utf8), file: "stdout")
        let expected = try #require(report.array?.first?["detections"]?.array)
        #expect(!expected.isEmpty)

        let server = try await TestServer([ModelSpecification("yolo=\(weights)")], detectImageSize: 320)
        let answer = try await server.predict("yolo", scratch.bytes(image), query: "conf=0.3")
        #expect(answer.status == 200, "\(answer.json)")
        let detections = try #require(answer.json["detections"]?.array)
        #expect(detections.count == expected.count)
        for (served, printed) in zip(detections, expected) {
            #expect(served["class"] == printed["class"])
            #expect(served["class_index"] == printed["class_index"])
            #expect(abs((served["score"]?.number ?? -1) - (printed["score"]?.number ?? 1)) < 1e-6)
            let box = served["box"]?.array?.compactMap(\.number) ?? [], printedBox = printed["box"]?.array?.compactMap(\.number) ?? []
            #expect(box.count == 4 && zip(box, printedBox).allSatisfy { abs($0 - $1) < 1e-6 }, "\(box) vs \(printedBox)")
        }
        let fewer = try await server.predict("yolo", scratch.bytes(image), query: "conf=0.3&max_det=1")
        #expect(fewer.json["detections"]?.array?.count == 1)
    }

    @Test("segment: the COCO RLE masks and scores of percept segment predict --format rle")
    func segment() async throws {
        let scratch = try Scratch()
        // The head's biases keep random weights off the background, so masks of both classes appear.
        let weights = try scratch.weights("unet_s", "cells", configuration: ModelConfiguration(numClasses: 3, inputChannels: 3, imageSize: 32),
                                          classes: ["background", "nucleus", "membrane"], overrides: ["head.bias": [-6, 0, 0]])
        let image = try scratch.image("a.png", width: 32, height: 32)
        let predicted = try runPercept(["segment", "predict", image, "--weights", weights, "--format", "rle", "--out", scratch.path("out")])
        #expect(predicted.status == 0, "\(predicted.stderr)")
        let expected = try #require(try readJSON(scratch.path("out/predictions.json")).array)
        #expect(!expected.isEmpty)

        let server = try await TestServer([ModelSpecification(weights)])
        let answer = try await server.predict("cells", scratch.bytes(image))
        #expect(answer.status == 200, "\(answer.json)")
        #expect(answer.json["classes"] == .array(["background", "nucleus", "membrane"]))
        let masks = try #require(answer.json["masks"]?.array)
        #expect(masks.count == expected.count)
        for (served, printed) in zip(masks, expected) {
            #expect(served["class_index"] == printed["category_id"])
            #expect(served["rle"]?["counts"] == printed["segmentation"]?["counts"])
            #expect(served["rle"]?["size"] == printed["segmentation"]?["size"])
            #expect(abs((served["score"]?.number ?? -1) - (printed["score"]?.number ?? 1)) < 1e-6)
        }
    }

    @Test("PointNet segmentation: the per-point labels percept cloud predict writes")
    func pointCloud() async throws {
        let scratch = try Scratch()
        let weights = fixtures.appendingPathComponent("models/pointnet_seg_sim.safetensors").path
        let scan = try scratch.scan("scan.bin")
        let predicted = try runPercept(["cloud", "predict", scan, "--weights", weights, "--out", scratch.path("out")])
        #expect(predicted.status == 0, "\(predicted.stderr)")
        let written = try scratch.bytes(scratch.path("out/scan.label"))
        let expected = written.withUnsafeBytes { Array($0.bindMemory(to: UInt32.self)) }.map { UInt32(littleEndian: $0) }

        let server = try await TestServer([ModelSpecification(weights)])
        let answer = try await server.predict("pointnet_seg_sim", scratch.bytes(scan), type: "application/octet-stream", query: "format=bin")
        #expect(answer.status == 200, "\(answer.json)")
        let labels = try #require(answer.json["labels"]?.array).compactMap(\.integer)
        #expect(labels.count == 3000)
        #expect(labels.map { UInt32($0) } == expected)
        #expect(answer.json["task"] == "pointcloud-segment")
    }

    @Test("PointNet classification: the class and scores of percept cloud predict, the cloud a multipart PLY")
    func pointCloudClass() async throws {
        let scratch = try Scratch()
        let configuration = ModelConfiguration(numClasses: 3, inputChannels: 3, imageSize: 256)
        let model = try ModelRegistry.build("pointnet_cls_s", configuration: configuration)
        let info = PointCloudModelInfo(task: .classify, features: PointFeatures(), points: 256, tileSize: 10, labelMap: nil)
        var metadata = ModelDescription(name: "pointnet_cls_s", configuration: configuration, classNames: ["chair", "lamp", "table"]).metadata
        metadata[ModelDescription.pointCloudKey] = try info.jsonString()
        let weights = scratch.path("shapes.safetensors")
        try ModelRegistry.save(model, name: "pointnet_cls_s", configuration: configuration, metadata: metadata, to: weights)
        let scan = try scratch.scan("scan.bin", points: 700)
        let cloud = scratch.path("object.ply")
        try PointCloudFile.write(PointCloudFile.read(scan), to: cloud)
        let predicted = try runPercept(["cloud", "predict", cloud, "--weights", weights, "--out", scratch.path("out")])
        #expect(predicted.status == 0, "\(predicted.stderr)")
        let expected = try readJSON(scratch.path("out/object.json"))

        let server = try await TestServer([ModelSpecification(weights)])
        let boundary = "cloud-boundary"
        let body = Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"cloud\"; filename=\"object.ply\"\r\n\r\n".utf8)
            + (try scratch.bytes(cloud)) + Array("\r\n--\(boundary)--\r\n".utf8)
        let answer = try await server.predict("shapes", body, type: "multipart/form-data; boundary=\(boundary)")
        #expect(answer.status == 200, "\(answer.json)")
        #expect(answer.json["task"] == "pointcloud-classify")
        #expect(answer.json["class"] == expected["class"])
        #expect(abs((answer.json["score"]?.number ?? -1) - (expected["score"]?.number ?? 1)) < 1e-6)
        let classes = try #require(answer.json["classes"]?.array), printed = try #require(expected["classes"]?.array)
        #expect(classes.count == 3 && printed.count == 3)
        for (served, written) in zip(classes, printed) {
            #expect(served["class"] == written["class"])
            #expect(abs((served["score"]?.number ?? -1) - (written["score"]?.number ?? 1)) < 1e-6)
        }
        let unnamed = try await server.predict("shapes", try scratch.bytes(cloud), type: "application/octet-stream")
        #expect(unnamed.status == 400)
        #expect(unnamed.json["error"]?.string?.contains("format") == true)
    }

    @Test("GET /v1/models lists name, task, classes and input size; GET /health answers ok")
    func listing() async throws {
        let scratch = try Scratch()
        let weights = try scratch.weights("fashion_cnn", "gray", configuration: ModelConfiguration(numClasses: 2, inputChannels: 1, imageSize: 28),
                                          classes: ["no", "yes"])
        let server = try await TestServer([ModelSpecification("first=\(weights)"), ModelSpecification(fixtures.appendingPathComponent("yolo/tiny.pt").path)])
        let models = try await server.send("GET", "/v1/models")
        #expect(models.status == 200)
        let list = try #require(models.json["models"]?.array)
        #expect(list.compactMap { $0["name"]?.string } == ["first", "tiny"])
        #expect(list[0]["task"] == "classify")
        #expect(list[0]["classes"] == .array(["no", "yes"]))
        #expect(list[0]["input"]?["width"] == 28)
        #expect(list[1]["task"] == "detect")
        let health = try await server.send("GET", "/health")
        #expect(health.status == 200)
        #expect(health.json["status"] == "ok")
    }
}
