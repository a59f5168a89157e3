import Foundation
import PerceptData
import PerceptLabels
import PerceptPointCloud
import PerceptTrain

/// A PointNet behind the server, run as `percept cloud predict` runs it (``ScanPrediction``):
/// a segmenter answers every point's raw label id (as its `.label` files hold them) and the
/// class names; a classifier answers the class and every class's score. The cloud is any
/// format `percept cloud` reads, named by the multipart file name's extension or `?format=`.
/// Each cloud's tiles run as batches of their own; clouds are not stacked across requests.
final class PointCloudService: ServedModel {
    struct Input {
        var scan: LabelledScan
        var pointCount: Int
    }

    let name: String
    let trained: TrainedModel
    let info: PointCloudModelInfo
    let acceptedMediaTypes = ["application/octet-stream", "text/plain", "text/csv", "application/x-*"]

    init(name: String, trained: TrainedModel, file: String) throws {
        self.name = name
        self.trained = trained
        info = try PointCloudModelInfo.read(trained.description, file: file)
    }

    var task: String { info.task == .segment ? "pointcloud-segment" : "pointcloud-classify" }

    var summary: JSONValue {
        UploadDecoding.summary(name: name, task: task, architecture: trained.description.name, classes: trained.description.classNames,
                               input: .object([("points", .number(Double(info.points))), ("features", .string(info.features.description))]))
    }

    func prepare(_ upload: Upload) throws -> Input {
        guard !upload.bytes.isEmpty else { throw ServeError.invalid(place: "request body", detail: "empty; send the cloud as the body or a multipart file") }
        let named = (upload.fileName as NSString).pathExtension
        let format = upload.query["format"] ?? (named.isEmpty ? nil : named)
        guard let format, let known = try? PointCloudFormat(path: "cloud.\(format)") else {
            throw ServeError.invalid(place: "query parameter format", detail: "name the cloud's format (pcd, ply, bin, las, xyz, csv) with ?format= or a multipart file name, found '\(format ?? "nothing")'")
        }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("percept-serve-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            let path = folder.appendingPathComponent("cloud.\(known.rawValue)").path
            try Data(upload.bytes).write(to: URL(fileURLWithPath: path))
            let cloud = try PointCloudFile.read(path, keepNaN: true)
            return Input(scan: try LabelledScan.prepare(cloud, file: upload.fileName, features: info.features, labelMap: nil), pointCount: cloud.count)
        } catch {
            throw ServeError.unreadableUpload(file: upload.fileName, detail: "\(error)".replacingOccurrences(of: folder.path + "/", with: ""))
        }
    }

    func run(_ inputs: [Input]) throws -> [JSONValue] {
        let names = trained.description.classNames
        return try inputs.map { input in
            guard info.task == .segment else {
                let scores = try ScanPrediction.classify(input.scan, model: trained.model, points: info.points)
                let ranked = TrainedModel.topClasses(scores, count: scores.count)
                return .object([("model", .string(name)), ("task", .string(task)), ("class", .string(names[ranked[0]])),
                                ("score", UploadDecoding.number(scores[ranked[0]])),
                                ("classes", .array(ranked.map { JSONValue.object([("class", .string(names[$0])), ("score", UploadDecoding.number(scores[$0]))]) }))])
            }
            let predicted = try ScanPrediction.segment(input.scan, model: trained.model, tiles: info.tiles)
            let labels = ScanPrediction.rawLabels(predicted, scan: input.scan, pointCount: input.pointCount,
                                                  rawIDs: ScanPrediction.rawIDs(info, classCount: names.count))
            return .object([("model", .string(name)), ("task", .string(task)), ("points", .number(Double(input.pointCount))),
                            ("classes", .array(names.map { .string($0) })), ("labels", .array(labels.map { .number(Double($0)) }))])
        }
    }
}
