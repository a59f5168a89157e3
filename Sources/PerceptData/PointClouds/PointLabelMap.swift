import Foundation
import PerceptLabels
import PerceptMessages
import PerceptPointCloud

/// How a point-cloud dataset's raw semantic ids become training classes and back: SemanticKITTI's
/// `learning_map` (raw id → learning id), its `learning_ignore` (learning ids left out of the
/// loss and metrics) and `learning_map_inv` (learning id → raw id, for writing `.label` files).
/// Training classes are the learning ids not ignored, in increasing order. The map is stored in
/// the weights' metadata (``jsonString()``), so prediction writes the ids the data used.
public struct PointLabelMap: Equatable, Sendable {
    /// The training classes' names, by class index.
    public var classNames: [String]
    /// Raw semantic id → class index, or nil for an ignored id.
    public var classOfRawID: [UInt32: Int?]
    /// The raw id written for each class index.
    public var rawIDOfClass: [UInt32]

    /// A map from its parts; every class index must be below `classNames.count`.
    public init(classNames: [String], classOfRawID: [UInt32: Int?], rawIDOfClass: [UInt32]) {
        self.classNames = classNames
        self.classOfRawID = classOfRawID
        self.rawIDOfClass = rawIDOfClass
    }

    /// The classes of `percept cloud simulate`'s scenes (SemanticKITTI's raw ids); 0 (unlabelled) is ignored.
    public static let simulated: PointLabelMap = {
        let classes: [SemanticClass] = [.road, .terrain, .building, .vegetation, .car, .person, .pole]
        var map: [UInt32: Int?] = [SemanticClass.unlabeled.rawValue: Int?.none]
        for (index, semantic) in classes.enumerated() { map[semantic.rawValue] = index }
        return PointLabelMap(classNames: classes.map { "\($0)" }, classOfRawID: map, rawIDOfClass: classes.map(\.rawValue))
    }()

    /// The class index of raw id `raw` (nil: ignored); an id the map does not know is an error naming `file` and the point.
    public func classIndex(raw: UInt32, file: String, point: Int) throws -> Int? {
        guard let entry = classOfRawID[raw] else {
            throw PointCloudDataError.unknownLabel(file: file, point: point, label: raw,
                                                   known: classOfRawID.keys.sorted().prefix(40).map { String($0) }.joined(separator: ", "))
        }
        return entry
    }

    /// Reads SemanticKITTI's label-map YAML (`semantic-kitti.yaml`: `labels`, `learning_map`,
    /// `learning_map_inv`, `learning_ignore`) through `BoundedYAML`.
    public static func read(semanticKITTI path: String) throws -> PointLabelMap {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw PointCloudDataError.unreadable(file: path, reason: error.localizedDescription)
        }
        let root: Any?
        do {
            root = try BoundedYAML.load(text)
        } catch {
            throw PointCloudDataError.invalidLabelMap(file: path, place: error.line.map { "line \($0)" } ?? "top level", message: error.message)
        }
        guard let mapping = root as? [AnyHashable: Any] else {
            throw PointCloudDataError.invalidLabelMap(file: path, place: "top level", message: "expected a mapping with labels, learning_map, learning_map_inv and learning_ignore")
        }
        let names = try integerMapping(mapping["labels"], key: "labels", file: path).mapValues { "\($0)" }
        let learning = try integerMapping(mapping["learning_map"], key: "learning_map", file: path).mapValues { try integer($0, key: "learning_map", file: path) }
        let inverse = try integerMapping(mapping["learning_map_inv"], key: "learning_map_inv", file: path).mapValues { try integer($0, key: "learning_map_inv", file: path) }
        let ignore = try integerMapping(mapping["learning_ignore"] ?? [AnyHashable: Any](), key: "learning_ignore", file: path).mapValues { ($0 as? Bool) ?? false }
        let kept = Set(learning.values).filter { ignore[$0] != true }.sorted()
        var rawIDs: [UInt32] = [], classNames: [String] = []
        for learned in kept {
            guard let raw = inverse[learned] else {
                throw PointCloudDataError.invalidLabelMap(file: path, place: "learning_map_inv", message: "learning id \(learned) has no raw id")
            }
            rawIDs.append(UInt32(raw))
            classNames.append(names[raw] ?? "class \(learned)")
        }
        var classOfRawID: [UInt32: Int?] = [:]
        for (raw, learned) in learning {
            guard raw >= 0, raw <= 0xFFFF else {
                throw PointCloudDataError.invalidLabelMap(file: path, place: "learning_map", message: "raw id \(raw) does not fit 16 bits")
            }
            classOfRawID[UInt32(raw)] = .some(kept.firstIndex(of: learned))
        }
        guard !classNames.isEmpty else {
            throw PointCloudDataError.invalidLabelMap(file: path, place: "learning_map", message: "every learning id is ignored; no class is left to train")
        }
        return PointLabelMap(classNames: classNames, classOfRawID: classOfRawID, rawIDOfClass: rawIDs)
    }

    /// The map as compact JSON with sorted keys, for the weights' metadata.
    public func jsonString() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(Stored(self)), as: UTF8.self)
    }

    /// Parses ``jsonString()``'s output; `file` names the weights in errors.
    public static func parse(json: String, file: String) throws -> PointLabelMap {
        do {
            return try JSONDecoder().decode(Stored.self, from: Data(json.utf8)).map
        } catch {
            throw PointCloudDataError.invalidLabelMap(file: file, place: "metadata percept.label_map", message: "not a label map")
        }
    }

    /// The JSON form: raw ids as string keys, -1 for ignored ids.
    private struct Stored: Codable {
        var classNames: [String]
        var learningMap: [String: Int]
        var rawIDs: [UInt32]

        init(_ map: PointLabelMap) {
            classNames = map.classNames
            learningMap = Dictionary(uniqueKeysWithValues: map.classOfRawID.map { (String($0.key), $0.value ?? -1) })
            rawIDs = map.rawIDOfClass
        }

        var map: PointLabelMap {
            get throws {
                var classes: [UInt32: Int?] = [:]
                for (key, value) in learningMap {
                    guard let raw = UInt32(key), value < classNames.count else { throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: key)) }
                    classes[raw] = .some(value < 0 ? nil : value)
                }
                return PointLabelMap(classNames: classNames, classOfRawID: classes, rawIDOfClass: rawIDs)
            }
        }

        enum CodingKeys: String, CodingKey { case classNames = "class_names", learningMap = "learning_map", rawIDs = "raw_ids" }
    }

    private static func integerMapping(_ value: Any?, key: String, file: String) throws -> [Int: Any] {
        guard let mapping = value as? [AnyHashable: Any] else {
            throw PointCloudDataError.invalidLabelMap(file: file, place: key, message: "expected a mapping of integer ids")
        }
        var result: [Int: Any] = [:]
        for (id, entry) in mapping {
            result[try integer(id, key: key, file: file)] = entry
        }
        return result
    }

    private static func integer(_ value: Any, key: String, file: String) throws -> Int {
        if let number = value as? Int { return number }
        if let text = value as? String, let number = Int(text) { return number }
        throw PointCloudDataError.invalidLabelMap(file: file, place: key, message: "expected an integer, found \(quotedToken("\(value)"))")
    }
}
