import ArgumentParser
import Foundation
import Percept

/// `percept models [--task T] [--json]`: the registered architectures with their task,
/// parameter count and default input, counted at their default configuration without
/// allocating their weights.
struct ModelsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "models",
        abstract: "List the model zoo: name, task, parameter count and default input size."
    )

    @Option(help: "Only models for this task: \(ModelTask.allCases.map(\.rawValue).joined(separator: ", ")).")
    var task: String?

    @Flag(help: "Print one JSON object instead of a table.")
    var json = false

    func validate() throws {
        if let task, ModelTask(rawValue: task) == nil {
            throw ValidationError("--task: expected one of \(ModelTask.allCases.map(\.rawValue).joined(separator: ", ")), found '\(task)'")
        }
    }

    func run() throws {
        let wanted = task.flatMap(ModelTask.init(rawValue:))
        let entries = ModelRegistry.entries.filter { wanted == nil || $0.task == wanted }
        let rows = try entries.map { entry in (entry: entry, parameters: try entry.parameterCounts(entry.defaultConfiguration).total) }
        print(json ? try Self.json(rows) : Self.table(rows))
    }

    /// `C×S×S` (`C×P` for a point cloud of P points), the default input of one sample.
    static func inputText(_ entry: ModelEntry) -> String {
        SummaryCommand.inputShape(entry.defaultConfiguration, task: entry.task).dropFirst().map(String.init).joined(separator: "×")
    }

    static func table(_ rows: [(entry: ModelEntry, parameters: Int)]) -> String {
        TextTable.render(headers: ["name", "task", "parameters", "input", "summary"],
                         rows: rows.map { [$0.entry.name, $0.entry.task.rawValue, TextTable.grouped($0.parameters),
                                           inputText($0.entry), $0.entry.summary] },
                         rightAligned: [2])
            + "\n\(rows.count) models"
    }

    static func json(_ rows: [(entry: ModelEntry, parameters: Int)]) throws -> String {
        let models: [[String: Any]] = rows.map { row in
            let configuration = row.entry.defaultConfiguration
            return ["name": row.entry.name, "task": row.entry.task.rawValue, "parameters": row.parameters,
                    "num_classes": configuration.numClasses, "input_channels": configuration.inputChannels,
                    "image_size": configuration.imageSize, "summary": row.entry.summary]
        }
        let data = try JSONSerialization.data(withJSONObject: ["models": models], options: [.sortedKeys])
        return String(decoding: data, as: UTF8.self)
    }
}
