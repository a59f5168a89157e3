import PerceptLabels

/// Where an image is in the review workflow: `new` is unlabelled, `done` and `rejected` need
/// review, `verified` is finished.
public enum ImageStatus: String, Sendable, CaseIterable, Codable {
    /// Nobody has labelled it yet.
    case new
    /// Someone started labelling it.
    case inProgress = "in_progress"
    /// The labeller finished it; it waits for review.
    case done
    /// A reviewer accepted it.
    case verified
    /// A reviewer sent it back, usually with a comment.
    case rejected
}

/// The geometry a shape has.
public enum ShapeKind: String, Sendable, CaseIterable, Codable {
    /// An axis-aligned box stored as `minX, minY, maxX, maxY`.
    case rect
    /// A closed outline stored as `x0, y0, x1, y1, …` (at least three points).
    case polygon
    /// A single point (a keypoint) stored as `x, y`.
    case point
}

/// Who made a shape: a person, or a model whose proposal waits to be accepted.
public enum ShapeSource: String, Sendable, CaseIterable, Codable {
    /// Drawn or accepted by a person; exported.
    case user
    /// Proposed by a detector with a score; not exported until accepted.
    case prediction
}

/// One labelled object on an image.
public struct LabelShape: Equatable, Sendable {
    /// Its geometry kind.
    public var kind: ShapeKind
    /// The class id (from the class list).
    public var classID: Int
    /// Flat coordinates in pixels of the displayed image (layout depends on `kind`).
    public var coordinates: [Double]
    /// Attributes (`occluded`, `truncated`, `difficult`, `text`, and any imported ones), in order.
    public var attributes: JSONValue
    /// The detector's confidence for predictions.
    public var score: Double?
    /// Who made it.
    public var source: ShapeSource

    /// A shape with the given parts.
    public init(kind: ShapeKind, classID: Int, coordinates: [Double], attributes: JSONValue = .object([]),
                score: Double? = nil, source: ShapeSource = .user) {
        self.kind = kind
        self.classID = classID
        self.coordinates = coordinates
        self.attributes = attributes
        self.score = score
        self.source = source
    }
}

/// An image of the folder as the store knows it.
public struct ImageRecord: Equatable, Sendable {
    /// The store's id for the image (stable across restarts).
    public var id: Int
    /// The path relative to the served folder, `/`-separated.
    public var path: String
    /// Width as displayed.
    public var width: Int
    /// Height as displayed.
    public var height: Int
    /// Review status.
    public var status: ImageStatus
    /// The reviewer's or labeller's comment ("" for none).
    public var comment: String
    /// Bumped by every change of the shape list; edits name the version they were based on.
    public var version: Int
    /// Shapes made by people.
    public var userShapeCount: Int
    /// Shapes proposed by a detector and not yet accepted.
    public var predictionCount: Int
}

/// An image's shapes with the version they belong to.
public struct ImageState: Equatable, Sendable {
    /// The image.
    public var image: ImageRecord
    /// Its shapes, in drawing order.
    public var shapes: [LabelShape]
}

/// A class of the class list: a stable id, a name and a display colour.
public struct LabelClass: Equatable, Sendable {
    /// The stable id (never reused for another name).
    public var id: Int
    /// The class name.
    public var name: String
    /// `#rrggbb`.
    public var color: String

    /// A class record.
    public init(id: Int, name: String, color: String) {
        self.id = id
        self.name = name
        self.color = color
    }

    /// A distinct colour for class `id`, from a fixed palette.
    public static func defaultColor(for id: Int) -> String {
        let palette = ["#e6194b", "#3cb44b", "#4363d8", "#f58231", "#911eb4", "#46f0f0", "#f032e6", "#bcf60c",
                       "#fabebe", "#008080", "#e6beff", "#9a6324", "#fffac8", "#800000", "#aaffc3", "#808000"]
        return palette[((id % palette.count) + palette.count) % palette.count]
    }
}
