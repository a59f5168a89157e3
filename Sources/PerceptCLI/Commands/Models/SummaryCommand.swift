import ArgumentParser
import Foundation
import Percept

/// `percept summary MODEL|WEIGHTS [--num-classes K] [--imgsz N] [--channels C] [--json]`:
/// a Keras-style table of a registered model or of the model a weights file rebuilds — each
/// layer called, its output shape and its own parameters — with total, trainable and
/// non-trainable counts. Image models run `[1, C, N, N]`, point-cloud models `[1, C, points]`.
struct SummaryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "summary",
        abstract: "Print a model's layers, output shapes and parameter counts (a zoo name or a weights file)."
    )

    @Argument(help: "A model name from `percept models`, or a .safetensors weights file written by Percept.")
    var model: String

    @Option(name: .customLong("num-classes"), help: "Outputs of the head (default: the model's).")
    var numClasses: Int?

    @Option(help: "Square input side, or points per cloud of a point-cloud model (default: the model's).")
    var imgsz: Int?

    @Option(help: "Input channels (default: the model's).")
    var channels: Int?

    @Flag(help: "Print one JSON object instead of a table.")
    var json = false

    /// Whether the argument names a weights file rather than a zoo model.
    private var isWeightsFile: Bool { model.hasSuffix(".safetensors") || FileManager.default.fileExists(atPath: model) }

    func validate() throws {
        for (flag, value) in [("--num-classes", numClasses), ("--imgsz", imgsz), ("--channels", channels)] {
            if let value, value < 1 { throw ValidationError("\(flag) must be at least 1, found \(value)") }
        }
        if isWeightsFile {
            guard numClasses == nil, imgsz == nil, channels == nil else {
                throw ValidationError("--num-classes, --imgsz and --channels apply to model names; \(model) holds its own configuration")
            }
        } else {
            do {
                _ = try ModelRegistry.entry(model)
            } catch {
                throw ValidationError(String(describing: error).replacingOccurrences(of: "error: ", with: ""))
            }
        }
    }

    func run() throws {
        let (name, built, configuration, task) = try loadModel()
        built.eval()
        let input = Self.inputShape(configuration, task: task)
        let rows: [SummaryRow]
        do {
            rows = try built.summary(inputShape: input)
        } catch {
            FileHandle.standardError.write(Data("error: \(name) cannot run an input of shape \(input): \(error)\n".utf8))
            throw ExitCode(1)
        }
        let counts = built.parameterCounts
        print(json ? try Self.json(name: name, input: input, rows: rows, counts: counts) : Self.table(name: name, input: input, rows: rows, counts: counts))
    }

    /// The model: rebuilt from a weights file (whose configuration the flags may not change),
    /// or built from the registry with the flags over its default configuration.
    private func loadModel() throws -> (name: String, model: any ZooModel, configuration: ModelConfiguration, task: ModelTask?) {
        if isWeightsFile {
            do {
                // TrainedModel also reads checkpoints and PyTorch files whose architecture it recognises.
                let loaded = try TrainedModel.load(model)
                let task = try? ModelRegistry.entry(loaded.description.name).task
                return (loaded.description.name, loaded.model, loaded.description.configuration, task)
            } catch {
                FileHandle.standardError.write(Data("\(Self.fileMessage(error, file: model))\n".utf8))
                throw ExitCode(1)
            }
        }
        let entry = try ModelRegistry.entry(model)
        var configuration = entry.defaultConfiguration
        configuration.numClasses = numClasses ?? configuration.numClasses
        configuration.imageSize = imgsz ?? configuration.imageSize
        configuration.inputChannels = channels ?? configuration.inputChannels
        do {
            return (entry.name, try entry.build(configuration), configuration, entry.task)
        } catch {
            FileHandle.standardError.write(Data("\(error)\n".utf8))
            throw ExitCode(1)
        }
    }

    /// The input of one sample in a batch of one: `[1, C, points]` for a point-cloud model
    /// (`image_size` counts its points), `[1, C, N, N]` for any other.
    static func inputShape(_ configuration: ModelConfiguration, task: ModelTask?) -> [Int] {
        let channels = configuration.inputChannels, size = configuration.imageSize
        return task == .pointcloud ? [1, channels, size] : [1, channels, size, size]
    }

    /// The error's message, prefixed with the file when the error does not already name it.
    static func fileMessage(_ error: any Error, file: String) -> String {
        let message = String(describing: error)
        return message.hasPrefix(file) ? message : "\(file): " + (message.hasPrefix("error:") ? message : "error: " + message)
    }

    static func shapeText(_ shape: [Int]) -> String { "[" + shape.map(String.init).joined(separator: ", ") + "]" }

    static func table(name: String, input: [Int], rows: [SummaryRow], counts: ParameterCounts) -> String {
        let body = TextTable.render(headers: ["layer (type)", "output shape", "parameters"],
                                    rows: rows.map { ["\($0.name) (\($0.type))", shapeText($0.outputShape), TextTable.grouped($0.parameterCount)] },
                                    rightAligned: [2])
        return """
        model: \(name), input \(shapeText(input))
        \(body)
        total parameters: \(TextTable.grouped(counts.total))
        trainable parameters: \(TextTable.grouped(counts.trainable))
        non-trainable parameters: \(TextTable.grouped(counts.frozen))
        """
    }

    static func json(name: String, input: [Int], rows: [SummaryRow], counts: ParameterCounts) throws -> String {
        let layers: [[String: Any]] = rows.map {
            ["name": $0.name, "type": $0.type, "output_shape": $0.outputShape, "parameters": $0.parameterCount]
        }
        let document: [String: Any] = ["model": name, "input_shape": input, "layers": layers, "total_parameters": counts.total,
                                       "trainable_parameters": counts.trainable, "non_trainable_parameters": counts.frozen]
        let data = try JSONSerialization.data(withJSONObject: document, options: [.sortedKeys])
        return String(decoding: data, as: UTF8.self)
    }
}
