import Foundation
import PerceptPointCloud

/// A scan ready for a PointNet: its channels as columns (x, y, z first) and, when labelled,
/// each point's class index (``LabelledScan/ignored`` for points the label map ignores).
public struct LabelledScan: Sendable {
    /// The class index of points left out of the loss and the metrics.
    public static let ignored = -100

    /// The file it was read from.
    public let file: String
    /// One array per channel, all of `count` points.
    public let columns: [[Float]]
    /// Each point's class index, or nil for an unlabelled scan.
    public let classes: [Int]?
    /// The index in the file of each kept point (points with NaN coordinates are dropped).
    public let keptIndices: [Int]
    /// Points dropped for NaN coordinates.
    public var droppedNaN: Int { originalCount - keptIndices.count }
    /// Points in the file.
    public let originalCount: Int

    /// Points in the scan.
    public var count: Int { columns.first?.count ?? 0 }

    /// A scan from its parts; `keptIndices` defaults to every point.
    public init(file: String, columns: [[Float]], classes: [Int]?, keptIndices: [Int]? = nil, originalCount: Int? = nil) {
        self.file = file
        self.columns = columns
        self.classes = classes
        self.keptIndices = keptIndices ?? Array(0..<(columns.first?.count ?? 0))
        self.originalCount = originalCount ?? self.keptIndices.count
    }

    /// Reads any cloud Percept reads (a `.bin` picks up its SemanticKITTI `.label`), drops points
    /// with NaN coordinates (counted in ``droppedNaN``), and maps raw labels through `labelMap`
    /// (nil: the labels are not read). An empty scan, a field `features` needs and the scan
    /// lacks, and a label id the map does not know are errors naming the file.
    public static func read(_ path: String, features: PointFeatures, labelMap: PointLabelMap?, requireLabels: Bool = false) throws -> LabelledScan {
        try prepare(PointCloudFile.read(path, keepNaN: true), file: path, features: features, labelMap: labelMap, requireLabels: requireLabels)
    }

    /// ``read(_:features:labelMap:requireLabels:)`` for a cloud already in memory.
    public static func prepare(_ cloud: PointCloud, file: String, features: PointFeatures, labelMap: PointLabelMap?,
                               requireLabels: Bool = false) throws -> LabelledScan {
        let finite = (0..<cloud.count).filter { cloud.x[$0].isFinite && cloud.y[$0].isFinite && cloud.z[$0].isFinite }
        let kept = finite.count == cloud.count ? cloud : cloud.subset(finite)
        guard !kept.isEmpty else { throw PointCloudDataError.emptyScan(file: file, droppedNaN: cloud.count) }
        let columns = try features.columns(of: kept, file: file)
        var classes: [Int]?
        if let labelMap {
            if let labels = kept.labels {
                classes = try labels.enumerated().map { point, raw in
                    try labelMap.classIndex(raw: raw, file: file, point: finite[point]) ?? ignored
                }
            } else if requireLabels {
                throw PointCloudDataError.missingLabels(file: file)
            }
        }
        return LabelledScan(file: file, columns: columns, classes: classes, keptIndices: finite, originalCount: cloud.count)
    }

    /// The point `index`'s coordinates.
    public func point(_ index: Int) -> SIMD3<Float> { SIMD3(columns[0][index], columns[1][index], columns[2][index]) }
}
