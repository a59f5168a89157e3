import ArgumentParser
import Foundation
import Percept

/// `percept serve --weights W…`: trained models behind an HTTP API (the README's serve section).
struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve trained models over HTTP: GET /health, GET /v1/models, POST /v1/models/{name}/predict.",
        discussion: """
        Each --weights file is one model, named by its file stem (or NAME=PATH); its task (classify,
        detect, segment, PointNet, autoencoder) comes from the file. POST an image (a point cloud for PointNet, its
        format named by ?format= or the multipart file name) as the raw body or multipart/form-data.
        Concurrent requests to one model run as one batch of up to --max-batch, waiting at most
        --max-wait-ms for the batch to fill (--max-batch 1: no batching). Listening anywhere but
        loopback needs --token; requests then carry Authorization: Bearer TOKEN. Stops on SIGINT/SIGTERM.
        """
    )

    @Option(parsing: .upToNextOption, help: "Weights files to serve: PATH (named by its stem) or NAME=PATH.")
    var weights: [String] = []
    @Option(help: "The address to listen on; anything but loopback needs --token.")
    var host = "127.0.0.1"
    @Option(help: "The port (0 picks a free one).")
    var port = 8090
    @Option(help: "The token every request must carry as Authorization: Bearer TOKEN.")
    var token: String?
    @Option(name: .customLong("max-batch"), help: "The most concurrent requests to one model run as one batch.")
    var maxBatch = 8
    @Option(name: .customLong("max-wait-ms"), help: "How long a batch waits to fill, in milliseconds.")
    var maxWaitMs = 5.0
    @Option(name: .customLong("max-body-mb"), help: "The largest request body, in MiB.")
    var maxBodyMb = 32.0
    @Option(name: .customLong("max-pixels"), help: "The largest image (width × height) an upload may decode to.")
    var maxPixels = 50_000_000
    @Option(help: "The square side detectors fit images into, a multiple of 32.")
    var imgsz = 640
    @Option(help: "Threads for inference (default: every core).")
    var threads: Int?

    func validate() throws {
        guard !weights.isEmpty else { throw ValidationError("--weights: name at least one weights file") }
        guard maxBatch >= 1 else { throw ValidationError("--max-batch must be at least 1, got \(maxBatch)") }
        guard maxWaitMs >= 0, maxWaitMs.isFinite else { throw ValidationError("--max-wait-ms must be 0 or more, got \(maxWaitMs)") }
        guard maxBodyMb > 0, maxBodyMb <= 4096 else { throw ValidationError("--max-body-mb must lie in (0, 4096], got \(maxBodyMb)") }
        guard maxPixels >= 1 else { throw ValidationError("--max-pixels must be at least 1, got \(maxPixels)") }
        guard imgsz >= 32, imgsz % 32 == 0 else { throw ValidationError("--imgsz must be a positive multiple of 32, got \(imgsz)") }
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1, got \(threads)") }
        let settings = self.settings
        do {
            try settings.check()
        } catch let error as ServeError {
            throw ValidationError(error.description)
        }
        var names = Set<String>()
        for argument in weights {
            let specification: ModelSpecification
            do { specification = try ModelSpecification(argument) } catch let error as ServeError { throw ValidationError(error.description) }
            guard names.insert(specification.name).inserted else {
                throw ValidationError("--weights: two models named '\(specification.name)'; name one NAME=PATH")
            }
        }
    }

    var settings: ServeSettings {
        ServeSettings(host: host, port: port, token: token, bodyLimit: Int(maxBodyMb * 1_048_576), maxBatch: maxBatch,
                      maxWait: maxWaitMs / 1000, decodeLimits: DecodeLimits(maxPixels: maxPixels, maxBytes: min(maxPixels, Int.max / 16) * 16))
    }

    func run() throws {
        if let threads { ThreadBudget.set(threads) }
        let settings = self.settings
        let specifications = try weights.map(ModelSpecification.init)
        let server: InferenceServer
        do {
            server = try InferenceServer(models: specifications, settings: settings, detectImageSize: imgsz)
        } catch let ServeError.unservable(file, reason) {
            CommandOutput.problem(file: file, kind: "error", reason)
            throw ExitCode(1)
        } catch {
            ClassifyCLI.fail(ClassifyCLI.message(error))
        }
        let failure = BlockingServe.run {
            try await server.run { boundPort in
                let shownHost = settings.host.contains(":") ? "[\(settings.host)]" : settings.host
                print("percept serve: listening on http://\(shownHost):\(boundPort)" + (settings.token == nil ? "" : " (token required)"))
                for model in server.modelSummaries { print("  \(model.name) (\(model.task)): POST /v1/models/\(model.name)/predict") }
                fflush(stdout)
            }
        }
        if let error = failure {
            CommandOutput.problem(file: "\(host):\(port)", kind: "error", "cannot serve: \(error)")
            throw ExitCode(1)
        }
        print("percept serve: stopped")
    }
}
