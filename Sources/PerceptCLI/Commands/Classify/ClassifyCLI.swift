import ArgumentParser
import Foundation
import Percept

/// A problem found before training or inference starts, already worded `FILE: error: …`.
struct ClassifyInputError: Error, CustomStringConvertible {
    let description: String
}

/// What the `classify` commands share: building or loading the model for the data, checking
/// it accepts the input size, and printing problems.
enum ClassifyCLI {
    /// Writes a line to standard error.
    static func printError(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }

    /// Prints `message` and exits with code 1 (errors in the data or files).
    static func fail(_ message: String) -> Never {
        printError(message)
        fflush(stdout)
        exit(1)
    }

    /// Runs a command's body: usage errors and exit codes pass through (ArgumentParser prints
    /// them), every other error is printed as a `FILE: error:` line and exits with code 1.
    static func reportingErrors(_ body: () throws -> Void) throws {
        do {
            try body()
        } catch let error as ValidationError {
            throw error
        } catch let error as ExitCode {
            throw error
        } catch {
            fail(message(error))
        }
    }

    /// An error as a `FILE: error: message` line (errors of the libraries mostly name their file already).
    static func message(_ error: Error) -> String {
        if let error = error as? DataError, let file = error.file { return "\(file): error: \(error.message)" }
        let text = "\(error)"
        return text.contains("error:") ? text : "error: " + text
    }

    /// The model to train: a registry name built for the data, or a weights file whose classes
    /// and channels must match the data. Its description carries the data's class names and normalisation.
    static func model(_ spec: String, data: ClassificationData, imageSize: Int) throws -> (any ZooModel, ModelDescription) {
        guard FileManager.default.fileExists(atPath: spec) else {
            let configuration = ModelConfiguration(numClasses: data.classNames.count, inputChannels: ClassifyData.channels(data), imageSize: imageSize)
            let model: any ZooModel
            do {
                model = try ModelRegistry.build(spec, configuration: configuration)
            } catch ModelRegistryError.unknownModel(let name, let closeMatches) {
                throw ValidationError("--model: unknown model \"\(name)\"" + (closeMatches.isEmpty ? "" : "; did you mean \(closeMatches.joined(separator: ", "))?")
                                      + " (`percept models` lists them)")
            } catch ModelRegistryError.imageSizeTooSmall(let model, let imageSize, let minimum) {
                throw ClassifyInputError(description: "\(spec): error: --imgsz \(imageSize) is too small for \(model): it needs at least \(minimum)")
            }
            return (model, ModelDescription(name: spec, configuration: configuration, classNames: data.classNames))
        }
        let trained = try TrainedModel.load(spec)
        try requireFit(trained.description, data: data, file: spec)
        trained.model.train(true)
        return (trained.model, ModelDescription(name: trained.description.name, configuration: trained.description.configuration,
                                                classNames: data.classNames))
    }

    /// Refuses weights built for another number of classes or channels than the data has.
    static func requireFit(_ description: ModelDescription, data: ClassificationData, file: String) throws {
        let configuration = description.configuration, channels = ClassifyData.channels(data)
        guard configuration.numClasses == data.classNames.count, configuration.inputChannels == channels else {
            throw ClassifyInputError(description: "\(file): error: the weights are a \(description.name) for \(configuration.numClasses) classes and \(configuration.inputChannels) input channels; the data has \(data.classNames.count) classes and \(channels) channels")
        }
    }

    /// Runs one blank image through the model in eval mode, so an input size the model cannot
    /// take (too small for its pooling, or not what its first fully connected layer was sized
    /// for) is reported before any training.
    static func checkInputSize(_ model: any ZooModel, description: ModelDescription, file: String) throws {
        let size = description.configuration.imageSize, channels = description.configuration.inputChannels
        let wasTraining = model.isTraining
        model.train(false)
        defer { model.train(wasTraining) }
        do {
            _ = try withoutGrad { try model(Tensor.zeros([1, channels, size, size])) }
        } catch {
            throw ClassifyInputError(description: "\(file): error: --imgsz \(size) does not fit \(description.name): a \(channels)×\(size)×\(size) input fails (\(error)); use a larger --imgsz")
        }
    }
}
