import Foundation
import Percept

/// What `percept eval` prints: pycocotools' summary lines and a per-category table, or the
/// same numbers as one JSON object.
struct EvalReport {
    let result: COCOEvaluationResult
    let ultralytics: UltralyticsAveragePrecision?
    let truth: COCOGroundTruth
    let detections: Int
    let skipped: [String]
    let plots: [String]

    private var lines: [COCOEvaluationResult.SummaryLine] { result.summaryLines }

    /// The table columns: AP, AP50, AP75, the area APs and the largest-limit AR.
    private var columns: [Int] {
        lines.indices.filter { lines[$0].isPrecision || (lines[$0].iouThreshold == nil && lines[$0].area == "all" && lines[$0].maxDetections == result.parameters.maxDetections.last) }
    }

    func text() -> String {
        var output = "\(result.parameters.iouType.rawValue): \(truth.images.count) images, \(result.categoryIDs.count) categories, "
            + "\(truth.objects.count) ground-truth objects, \(detections) detections\n"
        for (line, value) in zip(lines, result.stats) { output += "\(line.title) = \(format(value))\n" }
        if let ultralytics {
            let coco50 = result.stats.indices.first { lines[$0].isPrecision && lines[$0].iouThreshold == 0.5 }.map { result.stats[$0] } ?? -1
            output += "\nAP@[.50:.95]  COCO \(format(result.stats.first ?? -1))  Ultralytics \(format(ultralytics.map50to95))\n"
            output += "AP@.50        COCO \(format(coco50))  Ultralytics \(format(ultralytics.map50))\n"
        }
        let nameWidth = max(8, min(24, result.categoryNames.map(\.count).max() ?? 8))
        var header = "\n" + "category".padding(toLength: nameWidth, withPad: " ", startingAt: 0)
        for column in columns { header += " " + pad(lines[column].shortName, 6) }
        if ultralytics != nil { header += " " + pad("UL-AP", 6) + " " + pad("UL-AP50", 7) }
        header += "  best F1 @ IoU .50 (score: P R)"
        output += header + "\n"
        for category in result.categoryIDs.indices {
            let stats = result.stats(forCategoryAt: category)
            var row = PlotName.cut(result.categoryNames[category], nameWidth).padding(toLength: nameWidth, withPad: " ", startingAt: 0)
            for column in columns { row += " " + pad(format(stats[column]), 6) }
            if let ultralytics {
                let entry = ultralytics.categories.first { $0.id == result.categoryIDs[category] }
                row += " " + pad(entry.map { format($0.ap50to95) } ?? "-", 6) + " " + pad(entry.map { format($0.ap50) } ?? "-", 7)
            }
            if let point = result.operatingPoints[category] {
                row += "  \(format(point.f1)) (\(format(point.scoreThreshold)): \(format(point.precision)) \(format(point.recall)))"
            } else {
                row += "  -"
            }
            output += row + "\n"
        }
        if !skipped.isEmpty { output += "\nskipped \(skipped.count) entr\(skipped.count == 1 ? "y" : "ies") (--lenient)\n" }
        if !plots.isEmpty { output += "\nplots: \(plots.count) PNG files in \(URL(fileURLWithPath: plots[0]).deletingLastPathComponent().path)\n" }
        return output.trimmingCharacters(in: .newlines)
    }

    func json() -> String {
        var members: [(key: String, value: JSONValue)] = [
            ("iou_type", .string(result.parameters.iouType.rawValue)),
            ("images", .number(Double(truth.images.count))), ("ground_truths", .number(Double(truth.objects.count))),
            ("detections", .number(Double(detections))),
            ("stats", .array(result.stats.map { .number($0) })),
            ("stat_names", .array(lines.map { .string($0.shortName) })),
            ("stat_titles", .array(lines.map { .string($0.title.trimmingCharacters(in: .whitespaces)) })),
        ]
        let categories: [JSONValue] = result.categoryIDs.indices.map { category in
            let stats = result.stats(forCategoryAt: category)
            var entry: [(key: String, value: JSONValue)] = [
                ("id", .number(Double(result.categoryIDs[category]))), ("name", .string(result.categoryNames[category])),
                ("stats", .array(stats.map { .number($0) })),
            ]
            entry += zip(lines, stats).map { ($0.shortName, .number($1)) }
            if let point = result.operatingPoints[category] {
                entry.append(("best_f1", .object([
                    ("f1", .number(point.f1)), ("score", .number(point.scoreThreshold)), ("precision", .number(point.precision)),
                    ("recall", .number(point.recall)), ("true_positives", .number(Double(point.truePositives))),
                    ("false_positives", .number(Double(point.falsePositives))), ("false_negatives", .number(Double(point.falseNegatives))),
                ])))
            }
            if let entryUL = ultralytics?.categories.first(where: { $0.id == result.categoryIDs[category] }) {
                entry.append(("ultralytics", .object([("ap50", .number(entryUL.ap50)), ("ap50_95", .number(entryUL.ap50to95))])))
            }
            return .object(entry)
        }
        members.append(("categories", .array(categories)))
        if let ultralytics {
            members.append(("ultralytics", .object([("map50", .number(ultralytics.map50)), ("map50_95", .number(ultralytics.map50to95))])))
        }
        members.append(("skipped", .array(skipped.map { .string($0) })))
        members.append(("plots", .array(plots.map { .string($0) })))
        return String(decoding: JSONWriter.encode(.object(members), pretty: true), as: UTF8.self)
    }

    private func format(_ value: Double) -> String { value == -1 ? "-1" : String(format: "%.3f", value) }

    private func pad(_ text: String, _ width: Int) -> String {
        String(repeating: " ", count: max(0, width - text.count)) + text
    }
}

/// Category names shortened for table columns.
enum PlotName {
    static func cut(_ name: String, _ width: Int) -> String { name.count <= width ? name : String(name.prefix(width - 1)) + "~" }
}

extension EvalReport {
    /// Scores `detections` against `truth` with COCO's evaluation (and Ultralytics' average
    /// precision beside it for `variant`), writes the PR-curve and confusion-matrix PNGs into
    /// `plotFolder` when given, and returns what to print.
    static func evaluate(truth: COCOGroundTruth, detections: [COCODetection], parameters: COCOEvaluationParameters,
                         variant: EvalCommand.Variant, plotFolder: OutputFolder?, command: String, skipped: [String]) throws -> EvalReport {
        let result = try COCOEvaluator.evaluate(groundTruth: truth, detections: detections, parameters: parameters)
        let ultralytics = variant == .ultralytics
            ? try UltralyticsAveragePrecision.evaluate(groundTruth: truth, detections: detections, parameters: result.parameters) : nil
        var written: [String] = []
        if let plotFolder {
            let matrix = try DetectionConfusionMatrix.build(groundTruth: truth, detections: detections, parameters: result.parameters,
                                                            maxDetections: result.parameters.maxDetections.last ?? 100)
            written = try EvaluationPlots.write(result, matrix: matrix, to: plotFolder, command: command)
        }
        return EvalReport(result: result, ultralytics: ultralytics, truth: truth, detections: detections.count, skipped: skipped, plots: written)
    }
}
