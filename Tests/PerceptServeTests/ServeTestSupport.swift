import Foundation
import PerceptImage
import PerceptLabels
import PerceptModels
import PerceptNN
import PerceptPointCloud
import PerceptTensor
@testable import PerceptCLI
@testable import PerceptServe
import PerceptTrain

/// The repository's Fixtures folder.
let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("Fixtures")

/// An in-process inference server on a free loopback port.
final class TestServer {
    let server: InferenceServer
    let port: Int
    private let task: Task<Void, Error>

    init(_ models: [ModelSpecification], settings: ServeSettings = ServeSettings(port: 0), detectImageSize: Int = 640) async throws {
        server = try InferenceServer(models: models, settings: settings, detectImageSize: detectImageSize)
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        let server = self.server
        task = Task { try await server.run(handleSignals: false) { continuation.yield($0) } }
        var bound = 0
        for await value in ports {
            bound = value
            break
        }
        port = bound
    }

    deinit { task.cancel() }

    /// One exchange; each runs on its own thread, so a blocked socket never starves the
    /// in-process server of Swift's small cooperative pool.
    func send(_ method: String, _ path: String, body: [UInt8]? = nil, headers: [String: String] = [:]) async throws -> (status: Int, json: JSONValue) {
        let request = LoopbackHTTP.request(port: port, method: method, path: path, headers: headers, body: body)
        let port = self.port
        let answer = try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try LoopbackHTTP.exchange(port: port, request: request) }) }.start()
        }
        return (answer.status, (try? JSONParser.parse(answer.body, file: "response")) ?? .string(String(decoding: answer.body, as: UTF8.self)))
    }

    /// `POST /v1/models/NAME/predict` with `body` as the raw body.
    func predict(_ name: String, _ body: [UInt8], type: String = "image/png", query: String = "", headers: [String: String] = [:]) async throws -> (status: Int, json: JSONValue) {
        try await send("POST", "/v1/models/\(name)/predict" + (query.isEmpty ? "" : "?" + query), body: body,
                       headers: headers.merging(["Content-Type": type]) { $1 })
    }
}

/// A folder removed when the test ends, holding the weights and inputs a test makes.
final class Scratch {
    let folder: URL

    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("percept-serve-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: folder) }

    func path(_ name: String) -> String { folder.appendingPathComponent(name).path }

    /// A registry model with random weights saved as `name.safetensors`, with class names;
    /// `overrides` replaces tensors of the state dict by name (same shapes).
    func weights(_ architecture: String, _ name: String, configuration: ModelConfiguration, classes: [String],
                 overrides: [String: [Float]] = [:]) throws -> String {
        let model = try ModelRegistry.build(architecture, configuration: configuration)
        if !overrides.isEmpty {
            var state = model.stateDict()
            for (key, values) in overrides { state[key] = try Tensor(values, shape: [values.count]) }
            try model.load(state, strict: true, source: name)
        }
        let path = self.path(name + ".safetensors")
        try ModelRegistry.save(model, name: architecture, configuration: configuration,
                               metadata: ModelDescription(name: architecture, configuration: configuration, classNames: classes).metadata, to: path)
        return path
    }

    /// A patterned RGB PNG of the given size; `seed` varies the pattern.
    func image(_ name: String, width: Int, height: Int, seed: Int = 0) throws -> String {
        var image = Image(width: width, height: height, channels: 3)
        for y in 0..<height {
            for x in 0..<width {
                for channel in 0..<3 { image[x: x, y: y, channel: channel] = Double((x * (7 + seed) + y * (3 + channel) + seed * 41 + (x / 5) * (y / 4) * 13) % 256) }
            }
        }
        let path = self.path(name)
        try image.write(to: URL(fileURLWithPath: path))
        return path
    }

    /// A small KITTI scan: a ground plane, a box and scattered points, with intensity.
    func scan(_ name: String, points: Int = 3000) throws -> String {
        var generator = SeededGenerator(seed: 7)
        var x: [Float] = [], y: [Float] = [], z: [Float] = [], intensity: [Float] = []
        for index in 0..<points {
            let u = Float.random(in: 0..<1, using: &generator) * 30 - 15, v = Float.random(in: 0..<1, using: &generator) * 30 - 15
            x.append(u)
            y.append(v)
            z.append(index % 3 == 0 ? Float.random(in: 0..<1, using: &generator) * 2 : -1.7 + Float.random(in: 0..<1, using: &generator) * 0.05)
            intensity.append(Float.random(in: 0..<1, using: &generator))
        }
        var cloud = PointCloud(x: x, y: y, z: z)
        cloud.intensity = intensity
        let path = self.path(name)
        try KITTIFormat.writeScan(cloud, to: path)
        return path
    }

    func bytes(_ path: String) throws -> [UInt8] { [UInt8](try Data(contentsOf: URL(fileURLWithPath: path))) }
}

/// Reads a JSON file.
func readJSON(_ path: String) throws -> JSONValue {
    try JSONParser.parse([UInt8](try Data(contentsOf: URL(fileURLWithPath: path))), file: path)
}
