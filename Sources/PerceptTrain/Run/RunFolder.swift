import Foundation

/// Errors creating or reusing a run folder, each naming the folder.
public enum RunFolderError: Error, CustomStringConvertible, Equatable {
    /// `--name` names a folder that already holds files.
    case notEmpty(folder: String)
    /// A file could not be written.
    case unwritable(file: String, reason: String)
    /// A run folder to resume lacks a file it must have.
    case missing(file: String)

    public var description: String {
        switch self {
        case let .notEmpty(folder): "\(folder): error: the run folder exists and is not empty (choose another --name, or --resume it)"
        case let .unwritable(file, reason): "\(file): error: cannot write: \(reason)"
        case let .missing(file): "\(file): error: not found; is this a run folder?"
        }
    }
}

/// A training run's folder, laid out as Ultralytics' so its users find their way:
/// `<project>/<task>/<name>/` with `args.yaml`, `results.csv`, `results.png`,
/// `confusion_matrix.png` and `weights/{best,last}.safetensors`.
///
/// ```swift
/// let run = try RunFolder.create(project: "runs", task: "classify", name: nil)   // runs/classify/train, train2, …
/// ```
public struct RunFolder: Equatable, Sendable {
    /// The folder.
    public let path: String

    /// A run folder at `path` (not created).
    public init(path: String) { self.path = path }

    /// The run folder that holds `weights` as `<run>/weights/<file>`.
    public init(holdingWeights weights: String) {
        path = ((weights as NSString).deletingLastPathComponent as NSString).deletingLastPathComponent
    }

    /// Creates `<project>/<task>/<name>`; without a name the first of `train`, `train2`, … (or
    /// of another `stem`: `val`, `val2`, …) that does not exist or is empty. A given name that
    /// holds files is an error.
    /// In a data-parallel job rank 0 creates the folder and tells the other ranks its path.
    public static func create(project: String, task: String, name: String?, stem: String = "train") throws -> RunFolder {
        guard let world = DataParallel.current?.world, world.size > 1 else {
            return try createHere(project: project, task: task, name: name, stem: stem)
        }
        let created: Result<RunFolder, any Error>? = world.isLeader ? Result { try createHere(project: project, task: task, name: name, stem: stem) } : nil
        // An empty path tells the other ranks that rank 0 failed (it reports why).
        let path = String(decoding: try world.broadcast(bytes: Array(((try? created?.get())?.path ?? "").utf8)), as: UTF8.self)
        if let created { return try created.get() }
        guard !path.isEmpty else {
            throw RunFolderError.unwritable(file: (project as NSString).appendingPathComponent(task), reason: "rank 0 could not create the run folder")
        }
        return RunFolder(path: path)
    }

    private static func createHere(project: String, task: String, name: String?, stem: String) throws -> RunFolder {
        let parent = (project as NSString).appendingPathComponent(task)
        let folder: String
        if let name {
            folder = (parent as NSString).appendingPathComponent(name)
            guard isEmptyOrAbsent(folder) else { throw RunFolderError.notEmpty(folder: folder) }
        } else {
            var index = 1
            func candidate(_ index: Int) -> String { (parent as NSString).appendingPathComponent(index == 1 ? stem : "\(stem)\(index)") }
            while !isEmptyOrAbsent(candidate(index)) { index += 1 }
            folder = candidate(index)
        }
        let run = RunFolder(path: folder)
        do {
            try FileManager.default.createDirectory(atPath: run.path, withIntermediateDirectories: true)
        } catch {
            throw RunFolderError.unwritable(file: folder, reason: error.localizedDescription)
        }
        return run
    }

    /// The run folder of a `--resume` argument: the folder itself or its `weights/last.safetensors`.
    public static func resuming(_ argument: String) throws -> RunFolder {
        var isFolder: ObjCBool = false
        let exists = FileManager.default.fileExists(atPath: argument, isDirectory: &isFolder)
        guard exists else { throw RunFolderError.missing(file: argument) }
        let run = isFolder.boolValue
            ? RunFolder(path: argument)
            : RunFolder(holdingWeights: argument)
        for file in [run.lastWeights, run.argumentsFile] where !FileManager.default.fileExists(atPath: file) {
            throw RunFolderError.missing(file: file)
        }
        return run
    }

    private static func isEmptyOrAbsent(_ folder: String) -> Bool {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).isEmpty
    }

    /// `weights/`.
    public var weightsFolder: String { file("weights") }
    /// `weights/last.safetensors`: the checkpoint to resume from.
    public var lastWeights: String { file("weights/last.safetensors") }
    /// `weights/best.safetensors`: the best epoch's weights.
    public var bestWeights: String { file("weights/best.safetensors") }
    /// `args.yaml`.
    public var argumentsFile: String { file("args.yaml") }
    /// `results.csv`.
    public var resultsFile: String { file("results.csv") }
    /// `results.png`.
    public var resultsPlot: String { file("results.png") }
    /// `confusion_matrix.png`.
    public var confusionMatrixPlot: String { file("confusion_matrix.png") }

    /// A path inside the folder.
    public func file(_ name: String) -> String { (path as NSString).appendingPathComponent(name) }

    /// Writes `text` to `file` atomically (in a data-parallel job, on rank 0 only).
    public static func write(_ text: String, to file: String) throws {
        guard DataParallel.current?.isLeader != false else { return }
        do {
            try Data(text.utf8).write(to: URL(fileURLWithPath: file), options: .atomic)
        } catch {
            throw RunFolderError.unwritable(file: file, reason: error.localizedDescription)
        }
    }
}
