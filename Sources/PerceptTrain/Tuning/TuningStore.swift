import Foundation

/// A search's folder, which is also its memory: `trials/0001/plan.json` is written when a trial
/// starts and `trials/0001/result.json` when it ends (both atomically), so a search killed at
/// any moment reloads every trial and reruns only those without a result. `results.csv` is
/// rewritten from the trials after each one ends.
public struct TuningStore: Sendable {
    /// The search's folder.
    public let folder: String

    /// The store in `folder` (created when missing).
    public init(folder: String) throws {
        self.folder = folder
        try Self.createFolder(trialsFolder)
    }

    /// The folder of every trial's files.
    public var trialsFolder: String { (folder as NSString).appendingPathComponent("trials") }
    /// `results.csv`: one row per finished trial.
    public var resultsFile: String { (folder as NSString).appendingPathComponent("results.csv") }

    /// The folder of trial `id` (`trials/0007`).
    public func trialFolder(_ id: Int) -> String {
        (trialsFolder as NSString).appendingPathComponent(String(format: "%04d", id))
    }

    /// Records that trial `plan.id` starts.
    public func save(_ plan: TrialPlan) throws {
        try Self.createFolder(trialFolder(plan.id))
        try write(plan, to: (trialFolder(plan.id) as NSString).appendingPathComponent("plan.json"))
    }

    /// Records how trial `id` ended.
    public func save(_ result: TrialResult, trial id: Int) throws {
        try write(result, to: (trialFolder(id) as NSString).appendingPathComponent("result.json"))
    }

    /// Every trial recorded, by number; those without a result were interrupted.
    public func load() throws -> [TrialRecord] {
        // A folder without a plan was created by a search killed before it could write one.
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: trialsFolder)) ?? []).filter { name in
            Int(name) != nil && FileManager.default.fileExists(atPath: ((trialsFolder as NSString).appendingPathComponent(name) as NSString).appendingPathComponent("plan.json"))
        }.sorted()
        return try names.map { name in
            let folder = (trialsFolder as NSString).appendingPathComponent(name)
            let plan: TrialPlan = try read((folder as NSString).appendingPathComponent("plan.json"))
            let resultFile = (folder as NSString).appendingPathComponent("result.json")
            let result: TrialResult? = FileManager.default.fileExists(atPath: resultFile) ? try read(resultFile) : nil
            return TrialRecord(plan: plan, result: result)
        }
    }

    /// Writes `results.csv`: `trial`, the parameters, the objective, `epochs` (reached),
    /// `trained_epochs` (trained by the trial itself), `time_s`, `status`, and Hyperband's
    /// `bracket`, `round` and `parent`; a parameter a trial does not use is left empty.
    public func writeTable(_ records: [TrialRecord], space: SearchSpace, objective: String) throws {
        try RunFolder.write(Self.table(records, space: space, objective: objective), to: resultsFile)
    }

    /// The text of `results.csv` for the finished trials of `records`.
    public static func table(_ records: [TrialRecord], space: SearchSpace, objective: String) -> String {
        let header = ["trial"] + space.names + [objective, "epochs", "trained_epochs", "time_s", "status", "bracket", "round", "parent"]
        let rows = records.compactMap { record -> String? in
            guard let result = record.result else { return nil }
            let plan = record.plan
            let parameters: [String] = space.names.map { name in plan.values[name].map { Self.cell($0.description) } ?? "" }
            let objective: String = result.objective.map { String(format: "%.6g", $0) } ?? ""
            let bracket: String = plan.bracket.map { String($0.number) } ?? ""
            let round: String = plan.bracket.map { String($0.round) } ?? ""
            let parent: String = plan.parent.map { String($0) } ?? ""
            var cells: [String] = [String(plan.id)]
            cells += parameters
            cells += [objective, String(plan.epochs), String(plan.trainedEpochs), String(format: "%.2f", result.seconds), result.status.rawValue]
            cells += [bracket, round, parent]
            return cells.joined(separator: ",")
        }
        return ([header.joined(separator: ",")] + rows).joined(separator: "\n") + "\n"
    }

    /// A CSV cell, quoted when it holds a comma or a quote.
    private static func cell(_ text: String) -> String {
        text.contains(",") || text.contains("\"") ? "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : text
    }

    private func write<T: Encodable>(_ value: T, to file: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        do {
            try encoder.encode(value).write(to: URL(fileURLWithPath: file), options: .atomic)
        } catch {
            throw RunFolderError.unwritable(file: file, reason: error.localizedDescription)
        }
    }

    private func read<T: Decodable>(_ file: String) throws -> T {
        guard let data = FileManager.default.contents(atPath: file) else { throw RunFolderError.missing(file: file) }
        do {
            return try JSONDecoder().decode(T.self, from: data)
        } catch {
            throw TuningError.corruptRecord(file: file, reason: "\(error)")
        }
    }

    private static func createFolder(_ path: String) throws {
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        } catch {
            throw RunFolderError.unwritable(file: path, reason: error.localizedDescription)
        }
    }
}

/// Why a search cannot go on, naming the file.
public enum TuningError: Error, Equatable, CustomStringConvertible {
    /// A trial record of a resumed search is not what the search wrote.
    case corruptRecord(file: String, reason: String)

    public var description: String {
        switch self {
        case let .corruptRecord(file, reason): "\(file): error: not a trial record of percept tune (\(reason))"
        }
    }
}
