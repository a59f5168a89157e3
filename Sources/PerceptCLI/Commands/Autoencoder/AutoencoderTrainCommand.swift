import ArgumentParser
import Foundation
import Percept

/// `percept autoencoder train`: trains an autoencoder of the zoo into `runs/autoencoder/<name>`
/// with the shared training options, and writes reconstructions (and a VAE's samples) into
/// its `samples/` after every epoch.
struct AutoencoderTrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train an autoencoder or VAE; writes runs/autoencoder/<name>/ (args.yaml, results.csv, samples/, weights).",
        discussion: """
        Examples:
          percept autoencoder train --model vae_fashion --data fashion-mnist --epochs 10
          percept autoencoder train --model conv_ae --data fashion-mnist --noise gaussian:0.3 --loss mse
          percept autoencoder train --model cvae --data fashion-mnist --beta 1 --beta-warmup-epochs 2
        The loss per image is the reconstruction error summed over the pixels, plus beta × KL for a VAE.
        The autoencoder options are kept in the run's autoencoder.json; --resume reuses them.
        """
    )

    @OptionGroup var options: TrainingOptions
    @OptionGroup var autoencoder: AutoencoderTrainingOptions

    @Flag(help: "Print one JSON object per epoch on standard output instead of a summary line.")
    var json = false

    func run() throws {
        try ClassifyCLI.reportingErrors(train)
    }

    private func train() throws {
        let (arguments, resumed) = try TrainingArguments.resolve(options)
        var task: AutoencoderTask?
        let session = try ClassifyTraining(arguments, resumed: resumed, task: "autoencoder", notice: ClassifyCLI.printError) { model, run in
            guard let model = model as? any Autoencoder else {
                throw ValidationError("--model \(arguments.model) is not an autoencoder; `percept models --task autoencoder` lists them")
            }
            let made = AutoencoderTask(settings: try autoencoder.resolve(run: run, resumed: resumed != nil, seed: arguments.seed), model: model)
            task = made
            return made
        }
        guard let task, let model = session.trainer.model as? any Autoencoder else { return }
        task.follow(session.trainer.progress, stepsPerEpoch: session.training.batchesPerEpoch)
        let shown = try AutoencoderCLI.firstExamples(session.validation, count: 8)
        let snapshots = try AutoencoderSnapshots(folder: session.run.file("samples"), images: shown.input, labels: shown.target,
                                                 task: task, model: model)
        let data = session.data
        try TrainingConsole.train(session.trainer, run: session.run, resuming: resumed != nil, json: json, command: "autoencoder",
                                  what: "\(session.description.name) on \(data.train.count) images (\(data.validation.count) for validation)",
                                  callbacks: [snapshots])
    }
}

/// The options of autoencoder training beyond the shared ones.
struct AutoencoderTrainingOptions: ParsableArguments {
    @Option(help: "The reconstruction loss: bce (default) or mse.")
    var loss: String?
    @Option(help: "The weight of a VAE's KL term (default 1).")
    var beta: Double?
    @Option(name: .customLong("beta-warmup-epochs"), help: "Epochs over which beta rises linearly from 0 (default 0).")
    var betaWarmupEpochs: Double?
    @Option(help: "Corrupt the input (repeatable): gaussian:SIGMA, salt-pepper:AMOUNT or cutout:FRACTION; the loss targets the clean image.")
    var noise: [String] = []

    func validate() throws {
        if let loss, ReconstructionLoss(rawValue: loss) == nil { throw ValidationError("--loss: expected bce or mse, found '\(loss)'") }
        if let beta, !(beta >= 0 && beta.isFinite) { throw ValidationError("--beta: expected a number ≥ 0, found \(beta)") }
        if let betaWarmupEpochs, !(betaWarmupEpochs >= 0 && betaWarmupEpochs.isFinite) {
            throw ValidationError("--beta-warmup-epochs: expected a number ≥ 0, found \(betaWarmupEpochs)")
        }
        _ = try AutoencoderCLI.noise(noise)
    }

    /// The settings of a new run (written to its `autoencoder.json`) or of a resumed one (read
    /// from it; a flag that differs is an error).
    func resolve(run: RunFolder, resumed: Bool, seed: UInt64) throws -> AutoencoderSettings {
        let file = run.file("autoencoder.json")
        guard resumed else {
            var settings = AutoencoderSettings()
            settings.loss = loss.flatMap(ReconstructionLoss.init(rawValue:)) ?? .bce
            settings.beta = beta ?? 1
            settings.betaWarmupEpochs = betaWarmupEpochs ?? 0
            settings.noise = try AutoencoderCLI.noise(noise)
            settings.seed = seed
            try RunFolder.write(AutoencoderSettingsFile.json(settings), to: file)
            return settings
        }
        let saved = try AutoencoderSettingsFile.read(file)
        var differences: [String] = []
        if let loss, loss != saved.loss.rawValue { differences.append("loss: \(saved.loss.rawValue) → \(loss)") }
        if let beta, beta != saved.beta { differences.append("beta: \(saved.beta) → \(beta)") }
        if let betaWarmupEpochs, betaWarmupEpochs != saved.betaWarmupEpochs { differences.append("beta_warmup_epochs: \(saved.betaWarmupEpochs) → \(betaWarmupEpochs)") }
        if !noise.isEmpty, try AutoencoderCLI.noise(noise) != saved.noise {
            differences.append("noise: \(saved.noise.map(\.description).joined(separator: " ")) → \(noise.joined(separator: " "))")
        }
        guard differences.isEmpty else {
            throw ArgumentsFileError(file: file, message: "--resume continues the run as it was set up; these arguments differ from it:\n  "
                                     + differences.joined(separator: "\n  "))
        }
        return saved
    }
}

/// The autoencoder settings of a run as JSON (`autoencoder.json`).
enum AutoencoderSettingsFile {
    private struct Stored: Codable {
        var loss: String, beta: Double, betaWarmupEpochs: Double, noise: [String], seed: UInt64
        enum CodingKeys: String, CodingKey { case loss, beta, betaWarmupEpochs = "beta_warmup_epochs", noise, seed }
    }

    /// The settings as sorted, pretty JSON.
    static func json(_ settings: AutoencoderSettings) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        let stored = Stored(loss: settings.loss.rawValue, beta: settings.beta, betaWarmupEpochs: settings.betaWarmupEpochs,
                            noise: settings.noise.map(\.description), seed: settings.seed)
        return String(decoding: try encoder.encode(stored), as: UTF8.self) + "\n"
    }

    /// The settings in `file`; errors name it.
    static func read(_ file: String) throws -> AutoencoderSettings {
        guard let data = FileManager.default.contents(atPath: file) else { throw ArgumentsFileError(file: file, message: "cannot read the file") }
        let stored: Stored
        do {
            stored = try JSONDecoder().decode(Stored.self, from: data)
        } catch {
            throw ArgumentsFileError(file: file, message: "not the autoencoder settings of a run (\(error))")
        }
        var settings = AutoencoderSettings()
        guard let loss = ReconstructionLoss(rawValue: stored.loss) else { throw ArgumentsFileError(file: file, message: "loss: expected bce or mse") }
        settings.loss = loss
        settings.beta = stored.beta
        settings.betaWarmupEpochs = stored.betaWarmupEpochs
        do {
            settings.noise = try stored.noise.map(ImageNoise.init(parsing:))
        } catch {
            throw ArgumentsFileError(file: file, message: "noise: \(error)")
        }
        settings.seed = stored.seed
        return settings
    }
}
