import ArgumentParser
import Foundation
import Percept
import Yams

/// A problem with an options file (`--cfg`, a resumed `args.yaml`) or with resuming, printed
/// as `FILE: error: message`; exit 1 (the command line itself was well formed).
struct ArgumentsFileError: Error, CustomStringConvertible {
    let file: String
    let message: String
    var description: String { "\(file): error: \(message)" }
}

/// A command's own training options (`percept cloud train`'s task, points, features, …): saved
/// in `args.yaml` after the shared ones, read from `--cfg`, and held to on `--resume` like them.
struct CommandArguments {
    /// The keys, in `args.yaml`'s order, with their defaults (nil: no default).
    var keys: [(key: String, defaultValue: String?)]
    /// The values given on the command line, by key.
    var given: [String: String]
    /// Shared options whose default differs for this command (`segment train`'s batch), by key.
    var sharedDefaults: [String: String] = [:]

    /// No options of the command's own.
    static let none = CommandArguments(keys: [], given: [:])
}

/// Every training setting of a run, resolved from the flags, a `--cfg` file, a resumed run's
/// `args.yaml` and the defaults, checked for type and range, and written back as `args.yaml`.
struct TrainingArguments: Equatable {
    /// The keys of `args.yaml`, in its order, with their defaults (nil: no default).
    static let keys: [(key: String, defaultValue: String?)] = [
        ("model", nil), ("weights", nil), ("data", nil), ("classes", nil), ("per_class", nil), ("epochs", "10"), ("batch", "64"), ("imgsz", nil), ("lr", "0.001"),
        ("optimizer", "adam"), ("schedule", "constant"), ("warmup_epochs", "0"), ("weight_decay", "0"), ("augment", nil),
        ("workers", String(ThreadBudget.dataLoaderWorkers)), ("seed", "0"), ("project", "runs"),
        ("name", nil), ("patience", nil), ("val_split", "0.2"), ("skip_bad", "false"), ("normalize", "none"),
        ("freeze", nil), ("unfreeze", nil), ("backbone_lr_factor", nil), ("model_options", nil),
    ]

    /// The resolved values by key (absent: unset and without default).
    private(set) var values: [String: String]
    /// The keys of the command's own options (``CommandArguments``), after the shared ones in `args.yaml`.
    let commandKeys: [String]
    /// The file the values came from (`--cfg`, a resumed `args.yaml`); nil: the command line.
    let source: String?

    var model: String { values["model"] ?? "" }
    var data: String { values["data"] ?? "" }
    let epochs: Int, batch: Int, workers: Int, seed: UInt64
    let imageSize: Int?, patience: Int?
    let learningRate: Double, warmupEpochs: Double, weightDecay: Double, validationSplit: Double
    let optimizer: OptimizerKind, schedule: ScheduleKind
    let skipBad: Bool
    let normalize: NormalizationChoice
    /// The data's classes to keep (`--classes`), and the training examples per class (`--per-class`).
    let classes: [Int]?, perClass: Int?
    /// What is frozen when (`--freeze`, `--unfreeze`); nil when neither is given.
    let freezing: FreezePlan?
    let backboneLearningRateFactor: Double
    var weights: String? { values["weights"] }
    /// The model's family options (`width1=32,dropout=0.1` → `["width1": 32, "dropout": 0.1]`).
    let modelOptions: [String: Double]
    var augment: String? { values["augment"] }
    var project: String { values["project"] ?? "runs" }
    var name: String? { values["name"] }

    /// Resolves `options` and the command's own `command` options: flags over the `--cfg` file over the defaults.
    init(_ options: TrainingOptions, command: CommandArguments = .none) throws {
        var values: [String: String] = [:]
        if let cfg = options.cfg {
            for (key, value) in try Self.readFile(cfg, commandKeys: command.keys.map(\.key)) { values[key] = value }
        }
        for (key, value) in options.given.merging(command.given, uniquingKeysWith: { shared, _ in shared }) { values[key] = value }
        for (key, value) in command.sharedDefaults where values[key] == nil { values[key] = value }
        try self.init(values: values, source: options.cfg, command: command.keys)
    }

    /// Checks and types `values`; `source` names the file values may have come from; `command`
    /// lists the command's own keys with their defaults.
    init(values given: [String: String], source: String? = nil, command: [(key: String, defaultValue: String?)] = []) throws {
        var values = given
        for (key, defaultValue) in Self.keys + command where values[key] == nil { values[key] = defaultValue }
        self.values = values
        self.commandKeys = command.map(\.key)
        self.source = source
        func fail(_ key: String, _ expected: String) -> Error { Self.invalid(key, found: values[key], expected: expected, source: source) }
        func integer(_ key: String, minimum: Int) throws -> Int? {
            guard let text = values[key] else { return nil }
            guard let value = Int(text), value >= minimum else { throw fail(key, "an integer ≥ \(minimum)") }
            return value
        }
        func number(_ key: String, _ valid: (Double) -> Bool, _ expected: String) throws -> Double {
            guard let value = Double(values[key] ?? ""), value.isFinite, valid(value) else { throw fail(key, expected) }
            return value
        }
        guard values["model"] != nil else { throw source.map { ArgumentsFileError(file: $0, message: "model: missing") } ?? ValidationError("--model is required") }
        guard values["data"] != nil else { throw source.map { ArgumentsFileError(file: $0, message: "data: missing") } ?? ValidationError("--data is required") }
        epochs = try integer("epochs", minimum: 1) ?? 10
        batch = try integer("batch", minimum: 1) ?? 64
        workers = try integer("workers", minimum: 0) ?? 1
        guard let seed = UInt64(values["seed"] ?? "0") else { throw fail("seed", "an integer ≥ 0") }
        self.seed = seed
        imageSize = try integer("imgsz", minimum: 1)
        patience = try integer("patience", minimum: 1)
        learningRate = try number("lr", { $0 > 0 }, "a number > 0")
        warmupEpochs = try number("warmup_epochs", { $0 >= 0 }, "a number ≥ 0")
        weightDecay = try number("weight_decay", { $0 >= 0 }, "a number ≥ 0")
        validationSplit = try number("val_split", { $0 > 0 && $0 < 1 }, "a fraction between 0 and 1")
        guard let optimizer = OptimizerKind(rawValue: values["optimizer"] ?? "") else { throw fail("optimizer", "sgd, adam, adamw or rmsprop") }
        guard let schedule = ScheduleKind(rawValue: values["schedule"] ?? "") else { throw fail("schedule", "constant, cosine, step, onecycle or linear") }
        self.optimizer = optimizer
        self.schedule = schedule
        guard let skipBad = Bool(values["skip_bad"] ?? "false") else { throw fail("skip_bad", "true or false") }
        self.skipBad = skipBad
        guard let normalize = NormalizationChoice(values["normalize"] ?? "none") else {
            throw fail("normalize", "none, auto or MEAN/STD (comma-separated per channel, positive stds)")
        }
        self.normalize = normalize
        do { classes = try values["classes"].map(ClassSelection.parseClasses) } catch { throw fail("classes", "class indices and ranges such as 5-9 or 0,2,4") }
        perClass = try integer("per_class", minimum: 1)
        backboneLearningRateFactor = try values["backbone_lr_factor"] == nil ? 1 : number("backbone_lr_factor", { $0 > 0 }, "a number > 0")
        func spec<T>(_ key: String, _ parse: (String) throws -> T) throws -> T? {
            do { return try values[key].map(parse) } catch let error as FreezeSpecError { throw fail(key, error.message) }
        }
        let freeze = try spec("freeze", FreezeSpec.init(parsing:)), steps = try spec("unfreeze", FreezePlan.steps(parsing:)) ?? []
        freezing = freeze == nil && steps.isEmpty ? nil : FreezePlan(freeze: freeze, unfreeze: steps)
        guard let modelOptions = Self.modelOptions(values["model_options"] ?? "") else { throw fail("model_options", "name=number pairs separated by commas") }
        self.modelOptions = modelOptions
    }

    /// The error for the value `found` of `key` that is not `expected`: naming the file when the
    /// values came from one (`source`), the flag otherwise.
    static func invalid(_ key: String, found: String?, expected: String, source: String?) -> Error {
        let message = "\(key): expected \(expected), found '\(found ?? "")'"
        return source.map { ArgumentsFileError(file: $0, message: message) } ?? ValidationError("--\(key.replacingOccurrences(of: "_", with: "-")) \(message)")
    }

    /// The error for this run's value of `key` (a command's own option) that is not `expected`.
    func invalid(_ key: String, expected: String) -> Error {
        Self.invalid(key, found: values[key], expected: expected, source: source)
    }

    /// Parses `name=number,name=number` (empty: none); nil when malformed or a name repeats.
    static func modelOptions(_ text: String) -> [String: Double]? {
        var options: [String: Double] = [:]
        for pair in text.split(separator: ",") {
            let parts = pair.split(separator: "=", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2, !parts[0].isEmpty, options[parts[0]] == nil, let value = Double(parts[1]), value.isFinite else { return nil }
            options[parts[0]] = value
        }
        return options
    }

    /// The trainer's settings.
    var settings: TrainerSettings {
        var settings = TrainerSettings()
        settings.epochs = epochs
        settings.learningRate = learningRate
        settings.optimizer = optimizer
        settings.schedule = schedule
        settings.warmupEpochs = warmupEpochs
        settings.weightDecay = weightDecay
        settings.patience = patience
        settings.freezing = freezing
        settings.backboneLearningRateFactor = backboneLearningRateFactor
        return settings
    }

    /// `args.yaml`: every setting, one `key: value` line each, in the order of ``keys``.
    var yaml: String {
        var lines: [String] = []
        for key in Self.keys.map(\.key) + commandKeys {
            let value: String = values[key].map(Self.quoted) ?? "null"
            lines.append(key + ": " + value)
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The settings of a resumed run (`saved`) that the command line (`given`) changes, as `key: saved → given` lines.
    static func differences(saved: [String: String], given: [String: String]) -> [String] {
        given.keys.sorted().compactMap { key in
            // Where the run is and what it is called are the resumed folder's.
            guard !["project", "name"].contains(key), saved[key] != given[key] else { return nil }
            return "\(key): \(saved[key] ?? "unset") → \(given[key] ?? "unset")"
        }
    }

    /// Reads a flat YAML mapping of the shared option keys to scalars (`--cfg`, `args.yaml`).
    static func readFile(_ path: String) throws -> [String: String] { try readFile(path, commandKeys: []) }

    /// Reads a flat YAML mapping of option keys (the shared ones and `commandKeys`) to scalars.
    static func readFile(_ path: String, commandKeys: [String]) throws -> [String: String] {
        guard let data = FileManager.default.contents(atPath: path) else { throw ArgumentsFileError(file: path, message: "cannot read the file") }
        guard data.count <= 1 << 20 else { throw ArgumentsFileError(file: path, message: "larger than 1 MiB; expected a short list of options") }
        let root: Node?
        do {
            root = try BoundedYAML.compose(String(decoding: data, as: UTF8.self))
        } catch {
            throw ArgumentsFileError(file: path, message: "not valid YAML: \(error)")
        }
        guard case .mapping(let mapping)? = root else { throw ArgumentsFileError(file: path, message: "expected a mapping of option: value") }
        let known = keys.map(\.key) + commandKeys
        var values: [String: String] = [:]
        for (keyNode, valueNode) in mapping {
            guard let key = keyNode.string, known.contains(key) else {
                let line = keyNode.mark.map { ":\($0.line)" } ?? ""
                throw ArgumentsFileError(file: path + line, message: "unknown option \(quotedToken(keyNode.string ?? "?")); expected one of \(known.joined(separator: ", "))")
            }
            guard case .scalar(let scalar) = valueNode else {
                throw ArgumentsFileError(file: path, message: "\(key): expected a single value")
            }
            if scalar.string != "null" && scalar.string != "~" && !scalar.string.isEmpty { values[key] = scalar.string }
        }
        return values
    }

    /// A YAML scalar: plain when safe, single-quoted otherwise.
    private static func quoted(_ text: String) -> String {
        let plain = !text.isEmpty && text.allSatisfy { $0.isLetter || $0.isNumber || "._/-+".contains($0) } && text != "null"
        return plain ? text : "'" + text.replacingOccurrences(of: "'", with: "''") + "'"
    }
}

extension TrainingArguments {
    /// The run's arguments: from the flags (and `--cfg`), or from the resumed run's `args.yaml`,
    /// where any flag (shared or the command's own) that differs from it is an error listing the differences.
    /// Joins the MPI job first when there is one (``DistributedJob``).
    static func resolve(_ options: TrainingOptions, command: CommandArguments = .none) throws -> (TrainingArguments, RunFolder?) {
        try DistributedJob.joinForTraining(choice: options.distributed, synchronizeBatchNorm: options.syncBN)
        guard let resume = options.resume else { return (try TrainingArguments(options, command: command), nil) }
        let run = try RunFolder.resuming(resume)
        let commandKeys = command.keys.map(\.key)
        let saved = try readFile(run.argumentsFile, commandKeys: commandKeys)
        var given = try options.cfg.map { try readFile($0, commandKeys: commandKeys) } ?? [:]
        for (key, value) in options.given.merging(command.given, uniquingKeysWith: { shared, _ in shared }) { given[key] = value }
        let differences = differences(saved: saved, given: given)
        guard differences.isEmpty else {
            throw ArgumentsFileError(file: run.argumentsFile, message: "--resume continues the run as it was set up; these arguments differ from it:\n  "
                                     + differences.joined(separator: "\n  "))
        }
        return (try TrainingArguments(values: saved, source: run.argumentsFile, command: command.keys), run)
    }
}
