import PerceptLabels

/// The per-keypoint falloff constants of object keypoint similarity: COCO's 17 person sigmas,
/// or others per category from a file.
///
///     let sigmas = try COCOKeypointSigmas.read(bytes, file: "sigmas.json")   // {"hand": [0.05, ...]}
///     sigmas.sigmas(forCategory: 3, named: "hand")
public struct COCOKeypointSigmas: Equatable, Sendable {
    /// Sigmas for categories the file does not name.
    public var fallback: [Double]
    /// Sigmas by category name or by category id written as text.
    public var byCategory: [String: [Double]]

    /// pycocotools' sigmas for the 17 COCO person keypoints (nose, eyes, ears, shoulders,
    /// elbows, wrists, hips, knees, ankles).
    public static let standard = COCOKeypointSigmas(
        fallback: [0.26, 0.25, 0.25, 0.35, 0.35, 0.79, 0.79, 0.72, 0.72, 0.62, 0.62, 1.07, 1.07, 0.87, 0.87, 0.89, 0.89].map { $0 / 10 },
        byCategory: [:])

    /// Sigmas from their parts.
    public init(fallback: [Double], byCategory: [String: [Double]]) {
        self.fallback = fallback
        self.byCategory = byCategory
    }

    /// The sigmas for a category, looked up by name, then id, then the fallback.
    public func sigmas(forCategory id: Int, named name: String) -> [Double] {
        byCategory[name] ?? byCategory[String(id)] ?? fallback
    }

    /// Reads a sigma file: a JSON list of positive numbers for every category, or an object
    /// from category name (or id) to such a list; categories it does not name keep COCO's 17.
    public static func read(_ bytes: [UInt8], file: String) throws -> COCOKeypointSigmas {
        let root = try JSONParser.parse(bytes, file: file)
        func list(_ value: JSONValue, place: String) throws -> [Double] {
            let numbers = value.array?.compactMap(\.number) ?? []
            guard let elements = value.array, !elements.isEmpty, numbers.count == elements.count, numbers.allSatisfy({ $0 > 0 && $0.isFinite }) else {
                throw LabelError.invalid(file: file, place: place, detail: "expected a non-empty list of positive numbers, found \(value.kindName)")
            }
            return numbers
        }
        if root.array != nil { return COCOKeypointSigmas(fallback: try list(root, place: "top level"), byCategory: [:]) }
        guard let members = root.members else {
            throw LabelError.invalid(file: file, place: "top level", detail: "expected a list of sigmas or an object of category name to sigmas, found \(root.kindName)")
        }
        var byCategory: [String: [Double]] = [:]
        for (key, value) in members { byCategory[key] = try list(value, place: key) }
        return COCOKeypointSigmas(fallback: standard.fallback, byCategory: byCategory)
    }
}
