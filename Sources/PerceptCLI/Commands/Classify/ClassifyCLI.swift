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
        if let pickle = error as? PickleError { return "\(pickle.file): error: \(pickle.message)" }
        if let error = error as? DataError, let file = error.file { return "\(file): error: \(error.message)" }
        let text = "\(error)"
        return text.contains("error:") ? text : "error: " + text
    }

    /// The model to train: a registry name built for the data (with `weights` loaded into it when
    /// given), or a weights file (Percept's safetensors, or a PyTorch `.pt`/`.pth` whose
    /// architecture is recognised). Weights for another class count get a fresh head; the lines
    /// to print say so. Its description carries the data's class names.
    /// `options` are the family options of a model built by name (a weights file carries its own).
    static func model(_ spec: String, weights: String? = nil, data: ClassificationData, imageSize: Int,
                      options: [String: Double] = [:]) throws -> (model: any ZooModel, description: ModelDescription, notes: [String]) {
        var name = spec, source = weights, options = options, pretrained: PretrainedWeights?
        if FileManager.default.fileExists(atPath: spec) {
            guard weights == nil else { throw ValidationError("--weights goes with --model NAME; --model \(spec) is already a weights file") }
            let file = try PretrainedWeights.read(spec)
            pretrained = file
            guard let recognised = file.architecture() else {
                throw ClassifyInputError(description: "\(spec): error: the file names no architecture and its tensors match no registered model; name it: --model NAME --weights \(spec)")
            }
            (name, source) = (recognised, spec)
            if let json = file.metadata[ModelFile.configurationKey], let stored = try? ModelConfiguration.parse(json: json) {
                try requireChannels(stored.inputChannels, data: data, file: spec)
                options = stored.options
            }
        }
        let configuration = ModelConfiguration(numClasses: data.classNames.count, inputChannels: ClassifyData.channels(data),
                                               imageSize: imageSize, options: options)
        let model: any ZooModel
        do {
            model = try ModelRegistry.build(name, configuration: configuration)
        } catch ModelRegistryError.unknownModel(let name, let closeMatches) {
            throw ValidationError("--model: unknown model \"\(name)\"" + (closeMatches.isEmpty ? "" : "; did you mean \(closeMatches.joined(separator: ", "))?")
                                  + " (`percept models` lists them)")
        } catch ModelRegistryError.imageSizeTooSmall(let model, let imageSize, let minimum) {
            throw ClassifyInputError(description: "\(spec): error: --imgsz \(imageSize) is too small for \(model): it needs at least \(minimum)")
        } catch ModelRegistryError.invalidConfiguration(let model, let message) {
            throw ValidationError("--model-options: \(model): \(message)")
        }
        var notes: [String] = []
        if let source {
            let file = try pretrained ?? PretrainedWeights.read(source)
            if let stored = file.metadata[ModelFile.architectureKey], stored != name {
                throw ModelFileError.architectureMismatch(file: source, expected: name, found: stored)
            }
            notes += file.notices.map { "\(source): notice: \($0)" }
            let replaced = try file.load(into: model, name: name, configuration: configuration)
            notes.append("\(source): loaded \(file.stateDict.count) tensors into \(name)"
                         + (replaced.isEmpty ? "" : "; the head was replaced for \(data.classNames.count) classes: \(replaced.joined(separator: ", "))"))
        }
        model.train(true)
        return (model, ModelDescription(name: name, configuration: configuration, classNames: data.classNames), notes)
    }

    /// `272019` as `272,019`.
    static func grouped(_ value: Int) -> String {
        let digits = String(value.magnitude)
        let groups = stride(from: digits.count, to: 0, by: -3).reversed().map { end in
            String(digits[digits.index(digits.startIndex, offsetBy: max(end - 3, 0))..<digits.index(digits.startIndex, offsetBy: end)])
        }
        return (value < 0 ? "-" : "") + groups.joined(separator: ",")
    }

    /// Refuses weights built for another number of input channels than the data has.
    static func requireChannels(_ channels: Int, data: ClassificationData, file: String) throws {
        guard channels == ClassifyData.channels(data) else {
            throw ClassifyInputError(description: "\(file): error: the weights take \(channels) input channels; the data has \(ClassifyData.channels(data))")
        }
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
