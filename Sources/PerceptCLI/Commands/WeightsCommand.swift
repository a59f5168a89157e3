import ArgumentParser
import Foundation
import Percept

/// `percept weights …`: tools for weight files (safetensors, and PyTorch's `.pt`/`.pth`).
struct WeightsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "weights",
        abstract: "Look inside and convert model weight files (safetensors, or PyTorch .pt/.pth read without running them).",
        subcommands: [InspectWeightsCommand.self, ConvertWeightsCommand.self]
    )
}

/// `percept weights inspect FILE [--json]`: every tensor's name, dtype, shape and range, the
/// metadata and the total parameter count. Exit 1 on a corrupt file.
struct InspectWeightsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "List the tensors (name, dtype, shape, value range), metadata and parameter count of a weights file (.safetensors, .pt, .pth), or the graph of an .onnx file."
    )

    @Argument(help: "The weights file: safetensors, or a PyTorch torch.save file.")
    var file: String

    @Flag(help: "Print one JSON object instead of a table.")
    var json = false

    func run() throws {
        if file.lowercased().hasSuffix(".onnx") {
            let inspection: ONNXInspection
            do { inspection = try ONNXInspection(path: file) } catch {
                FileHandle.standardError.write(Data((ClassifyCLI.message(error) + "\n").utf8))
                throw ExitCode(1)
            }
            print(json ? try ONNXInspectionOutput.json(inspection) : ONNXInspectionOutput.table(inspection))
            return
        }
        let inspection: WeightsInspection
        do {
            if TorchFile.isTorchFile(file) {
                let weights = try TorchFile.read(path: file)
                for notice in weights.notices { FileHandle.standardError.write(Data("\(file): notice: \(notice)\n".utf8)) }
                inspection = try WeightsInspection(file: SafetensorsFile(bytes: weights.safetensorsWriter().serialized(), name: file), path: file)
            } else {
                inspection = try WeightsInspection(path: file)
            }
        } catch {
            FileHandle.standardError.write(Data((ClassifyCLI.message(error) + "\n").utf8))
            throw ExitCode(1)
        }
        print(json ? try Self.json(inspection) : Self.table(inspection))
    }

    static func range(_ entry: WeightsInspection.Entry) -> String {
        guard let low = entry.minimum, let high = entry.maximum else { return "-" }
        return "[\(format(low)), \(format(high))]"
    }

    static func format(_ value: Double) -> String {
        value == value.rounded() && Swift.abs(value) < 1e15 ? String(Int64(value)) : String(format: "%.6g", value)
    }

    static func table(_ inspection: WeightsInspection) -> String {
        // Names and metadata come from the file: control characters are escaped, not sent to the terminal.
        func shown(_ text: String) -> String { escapedForMessage(text, limit: .max) }
        let rows = inspection.entries.map { [shown($0.name), shown($0.dtype), "[" + $0.shape.map(String.init).joined(separator: ", ") + "]", range($0)] }
        let headers = ["name", "dtype", "shape", "range"]
        let widths = headers.indices.map { column in ([headers[column]] + rows.map { $0[column] }).map(\.count).max() ?? 0 }
        func line(_ cells: [String]) -> String {
            zip(cells, widths).map { $0.padding(toLength: $1, withPad: " ", startingAt: 0) }.joined(separator: "  ")
                .trimmingCharacters(in: .whitespaces)
        }
        var lines = [line(headers)] + rows.map(line)
        for key in inspection.metadata.keys.sorted() { lines.append("metadata \(shown(key)): \(shown(inspection.metadata[key] ?? ""))") }
        lines.append("\(inspection.entries.count) tensors, \(inspection.totalCount) parameters")
        return lines.joined(separator: "\n")
    }

    static func json(_ inspection: WeightsInspection) throws -> String {
        let tensors: [[String: Any]] = inspection.entries.map { entry in
            var object: [String: Any] = ["name": entry.name, "dtype": entry.dtype, "shape": entry.shape, "count": entry.count]
            // JSON has no infinities: non-finite bounds are written as strings.
            for (key, value) in [("min", entry.minimum), ("max", entry.maximum)] {
                if let value { object[key] = value.isFinite ? value : String(value) as Any }
            }
            return object
        }
        let document: [String: Any] = ["file": inspection.path, "tensors": tensors, "metadata": inspection.metadata,
                                       "total_parameters": inspection.totalCount]
        let data = try JSONSerialization.data(withJSONObject: document, options: [.sortedKeys])
        return String(decoding: data, as: UTF8.self)
    }
}
