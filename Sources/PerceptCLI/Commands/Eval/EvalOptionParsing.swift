import ArgumentParser
import Foundation
import Percept

/// Parses the list options of `percept eval`; mistakes are usage errors naming the option.
enum EvalOptionParsing {
    /// `--max-dets 1,10,100`: positive integers.
    static func maxDetections(_ text: String?) throws -> [Int]? {
        guard let text else { return nil }
        let parts = text.split(separator: ",", omittingEmptySubsequences: false)
        let limits = parts.compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }.filter { $0 > 0 }
        guard limits.count == parts.count, !limits.isEmpty else {
            throw ValidationError("--max-dets expects positive integers separated by commas (e.g. 1,10,100), found '\(text)'")
        }
        return limits
    }

    /// `--area-ranges all=0:1e10,small=0:1024,…`: labelled ranges with MIN <= MAX.
    static func areaRanges(_ text: String?) throws -> [COCOAreaRange]? {
        guard let text else { return nil }
        return try text.split(separator: ",").map { part in
            let pieces = part.split(separator: "=", maxSplits: 1)
            let bounds = pieces.count == 2 ? pieces[1].split(separator: ":", omittingEmptySubsequences: false).compactMap { Double($0) } : []
            guard pieces.count == 2, !pieces[0].isEmpty, bounds.count == 2, bounds[0] <= bounds[1] else {
                throw ValidationError("--area-ranges expects LABEL=MIN:MAX items separated by commas (e.g. small=0:1024), found '\(part)'")
            }
            return COCOAreaRange(label: String(pieces[0]), lower: bounds[0], upper: bounds[1])
        }
    }

    /// `--classes cat,dog,3`: category names or ids of the ground truth.
    static func categories(_ text: String, in truth: COCOGroundTruth) throws -> [Int] {
        try text.split(separator: ",").map { item in
            let name = item.trimmingCharacters(in: .whitespaces)
            if let category = truth.categories.first(where: { $0.name == name }) { return category.id }
            if let id = Int(name), truth.categories.contains(where: { $0.id == id }) { return id }
            let known = truth.categories.prefix(12).map(\.name).joined(separator: ", ")
            CommandOutput.problem(file: nil, kind: "error", "--classes: '\(name)' is neither a category name nor an id of the ground truth (categories: \(known)\(truth.categories.count > 12 ? ", ..." : ""))")
            throw ExitCode(2)
        }
    }
}
extension COCOIoUType: ExpressibleByArgument {}
