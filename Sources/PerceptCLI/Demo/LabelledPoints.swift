import Foundation
import Percept

/// Problems in a CSV of labelled points, each naming the file and line.
struct CSVError: Error, CustomStringConvertible {
    var file: String
    var line: Int?
    var message: String
    var description: String { "\(file)\(line.map { ":\($0)" } ?? ""): error: \(message)" }
}

/// 2-D points with class labels 0/1, read from `x,y,label` CSV lines.
struct LabelledPoints {
    var features: Tensor
    var labels: [Int]
    var oneHotLabels: Tensor
    var count: Int { labels.count }

    init(csvFile path: String) throws {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw CSVError(file: path, line: nil, message: "cannot read the file")
        }
        var values: [Float] = [], labels: [Int] = []
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() where index > 0 && !line.isEmpty {
            let fields = line.split(separator: ",")
            guard fields.count == 3, let x = Float(fields[0]), let y = Float(fields[1]), let label = Int(fields[2]),
                  label == 0 || label == 1 else {
                throw CSVError(file: path, line: index + 1, message: "expected 'x,y,label' with label 0 or 1, found '\(line)'")
            }
            values += [x, y]
            labels.append(label)
        }
        guard !labels.isEmpty else { throw CSVError(file: path, line: nil, message: "no data rows") }
        features = try Tensor(values, shape: [labels.count, 2])
        self.labels = labels
        oneHotLabels = try Tensor(labels.flatMap { $0 == 0 ? [Float(1), 0] : [0, 1] }, shape: [labels.count, 2])
    }
}
