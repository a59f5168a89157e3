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

/// Every training setting of a run, resolved from the flags, a `--cfg` file, a resumed run's
/// `args.yaml` and the defaults, checked for type and range, and written back as `args.yaml`.
struct TrainingArguments: Equatable {
    /// The keys of `args.yaml`, in its order, with their defaults (nil: no default).
    static let keys: [(key: String, defaultValue: String?)] = [
        ("model", nil), ("data", nil), ("epochs", "10"), ("batch", "64"), ("imgsz", nil), ("lr", "0.001"),
        ("optimizer", "adam"), ("schedule", "constant"), ("warmup_epochs", "0"), ("weight_decay", "0"), ("augment", nil),
        ("workers", String(max(ProcessInfo.processInfo.activeProcessorCount / 2, 1))), ("seed", "0"), ("project", "runs"),
        ("name", nil), ("patience", nil), ("val_split", "0.2"), ("skip_bad", "false"),
    ]

    /// The resolved values by key (absent: unset and without default).
    private(set) var values: [String: String]

    var model: String { values["model"] ?? "" }
    var data: String { values["data"] ?? "" }
    let epochs: Int, batch: Int, workers: Int, seed: UInt64
    let imageSize: Int?, patience: Int?
    let learningRate: Double, warmupEpochs: Double, weightDecay: Double, validationSplit: Double
    let optimizer: OptimizerKind, schedule: ScheduleKind
    let skipBad: Bool
    var augment: String? { values["augment"] }
    var project: String { values["project"] ?? "runs" }
    var name: String? { values["name"] }

    /// Resolves `options`: flags over the `--cfg` file over the defaults.
    init(_ options: TrainingOptions) throws {
        var values: [String: String] = [:]
        if let cfg = options.cfg {
            for (key, value) in try Self.readFile(cfg) { values[key] = value }
        }
        for (key, value) in options.given { values[key] = value }
        try self.init(values: values, source: options.cfg)
    }

    /// Checks and types `values`; `source` names the file values may have come from.
    init(values given: [String: String], source: String? = nil) throws {
        var values = given
        for (key, defaultValue) in Self.keys where values[key] == nil { values[key] = defaultValue }
        self.values = values
        func fail(_ key: String, _ expected: String) -> Error {
            let message = "\(key): expected \(expected), found '\(values[key] ?? "")'"
            return source.map { ArgumentsFileError(file: $0, message: message) } ?? ValidationError("--\(key.replacingOccurrences(of: "_", with: "-")) \(message)")
        }
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
        guard let schedule = ScheduleKind(rawValue: values["schedule"] ?? "") else { throw fail("schedule", "constant, cosine, step or onecycle") }
        self.optimizer = optimizer
        self.schedule = schedule
        guard let skipBad = Bool(values["skip_bad"] ?? "false") else { throw fail("skip_bad", "true or false") }
        self.skipBad = skipBad
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
        return settings
    }

    /// `args.yaml`: every setting, one `key: value` line each, in the order of ``keys``.
    var yaml: String {
        var lines: [String] = []
        for (key, _) in Self.keys {
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

    /// Reads a flat YAML mapping of option keys to scalars (`--cfg`, `args.yaml`).
    static func readFile(_ path: String) throws -> [String: String] {
        guard let data = FileManager.default.contents(atPath: path) else { throw ArgumentsFileError(file: path, message: "cannot read the file") }
        guard data.count <= 1 << 20 else { throw ArgumentsFileError(file: path, message: "larger than 1 MiB; expected a short list of options") }
        let root: Node?
        do {
            root = try BoundedYAML.compose(String(decoding: data, as: UTF8.self))
        } catch {
            throw ArgumentsFileError(file: path, message: "not valid YAML: \(error)")
        }
        guard case .mapping(let mapping)? = root else { throw ArgumentsFileError(file: path, message: "expected a mapping of option: value") }
        let known = Set(keys.map(\.key))
        var values: [String: String] = [:]
        for (keyNode, valueNode) in mapping {
            guard let key = keyNode.string, known.contains(key) else {
                let line = keyNode.mark.map { ":\($0.line)" } ?? ""
                throw ArgumentsFileError(file: path + line, message: "unknown option \(quotedToken(keyNode.string ?? "?")); expected one of \(keys.map(\.key).joined(separator: ", "))")
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
    /// where any flag that differs from it is an error listing the differences.
    static func resolve(_ options: TrainingOptions) throws -> (TrainingArguments, RunFolder?) {
        guard let resume = options.resume else { return (try TrainingArguments(options), nil) }
        let run = try RunFolder.resuming(resume)
        let saved = try readFile(run.argumentsFile)
        var given = try options.cfg.map(readFile) ?? [:]
        for (key, value) in options.given { given[key] = value }
        let differences = differences(saved: saved, given: given)
        guard differences.isEmpty else {
            throw ArgumentsFileError(file: run.argumentsFile, message: "--resume continues the run as it was set up; these arguments differ from it:\n  "
                                     + differences.joined(separator: "\n  "))
        }
        return (try TrainingArguments(values: saved, source: run.argumentsFile), run)
    }
}
