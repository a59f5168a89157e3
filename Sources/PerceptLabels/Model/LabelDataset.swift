import Foundation
import PerceptImage

/// A labelled dataset in one model shared by every format: images, categories, annotations,
/// and COCO's `info` and `licenses` kept as they were read.
public struct LabelDataset: Equatable, Sendable {
    /// COCO `info`, kept verbatim.
    public var info: JSONValue?
    /// COCO `licenses`, kept verbatim.
    public var licenses: [JSONValue]
    /// The images, in file order.
    public var images: [DatasetImage]
    /// The classes, in file order; ids need not be contiguous.
    public var categories: [LabelCategory]
    /// Every annotation of every image.
    public var annotations: [Annotation]

    /// A dataset holding the given parts.
    public init(info: JSONValue? = nil, licenses: [JSONValue] = [], images: [DatasetImage] = [],
                categories: [LabelCategory] = [], annotations: [Annotation] = []) {
        self.info = info
        self.licenses = licenses
        self.images = images
        self.categories = categories
        self.annotations = annotations
    }

    /// The annotations grouped by image id, each group in file order.
    public var annotationsByImage: [Int: [Annotation]] {
        Dictionary(grouping: annotations, by: \.imageID)
    }

    /// The category with `id`, if any.
    public func category(id: Int) -> LabelCategory? {
        categories.first { $0.id == id }
    }

    /// The smallest id greater than every annotation id (for adding annotations).
    public var nextAnnotationID: Int { (annotations.map(\.id).max() ?? 0) + 1 }
}

/// An image of a dataset: where it is and how large it is as displayed.
public struct DatasetImage: Equatable, Sendable {
    /// COCO image id.
    public var id: Int
    /// The path relative to the dataset's image folder (`file_name`), with `/` separators.
    public var file: String
    /// Width in pixels as displayed (after EXIF orientation).
    public var width: Int
    /// Height in pixels as displayed.
    public var height: Int
    /// The split the image belongs to (`train`, `val`, `test`), when the layout has splits.
    public var split: String?
    /// Other fields of a COCO image (`license`, `date_captured`, `coco_url`, …), kept verbatim.
    public var extra: [(key: String, value: JSONValue)]
    /// Where a folder reader found the image file (not written to label files).
    public var source: URL?

    /// An image record.
    public init(id: Int, file: String, width: Int, height: Int, split: String? = nil,
                extra: [(key: String, value: JSONValue)] = [], source: URL? = nil) {
        self.id = id
        self.file = file
        self.width = width
        self.height = height
        self.split = split
        self.extra = extra
        self.source = source
    }

    /// The size as displayed.
    public var size: ImageSize { ImageSize(width: width, height: height) }

    /// Images are equal when every field is, the extra fields in order.
    public static func == (left: DatasetImage, right: DatasetImage) -> Bool {
        left.id == right.id && left.file == right.file && left.width == right.width && left.height == right.height
            && left.split == right.split && JSONValue.object(left.extra) == JSONValue.object(right.extra)
    }
}

/// A class: COCO id (any positive number), name, optional supercategory and keypoint names.
public struct LabelCategory: Equatable, Hashable, Sendable {
    /// COCO category id.
    public var id: Int
    /// The class name.
    public var name: String
    /// COCO `supercategory`.
    public var supercategory: String?
    /// COCO keypoint names, for keypoint categories.
    public var keypointNames: [String]?
    /// COCO skeleton: pairs of 1-based keypoint indices.
    public var skeleton: [[Int]]?

    /// A category record.
    public init(id: Int, name: String, supercategory: String? = nil, keypointNames: [String]? = nil,
                skeleton: [[Int]]? = nil) {
        self.id = id
        self.name = name
        self.supercategory = supercategory
        self.keypointNames = keypointNames
        self.skeleton = skeleton
    }
}

/// One labelled object: a box and, when the format has them, polygons or an RLE mask,
/// keypoints, crowd flag, attributes and a prediction score.
public struct Annotation: Equatable, Sendable {
    /// COCO annotation id.
    public var id: Int
    /// The id of the image it belongs to.
    public var imageID: Int
    /// The id of its category.
    public var categoryID: Int
    /// The box in absolute pixels of the displayed image.
    public var box: BoundingBox?
    /// The outline as one or more polygons (COCO `segmentation` as a list).
    public var polygons: [Polygon]
    /// The mask as COCO run-length encoding (crowd regions and RLE predictions).
    public var mask: RunLengthEncoding?
    /// Keypoints, COCO order.
    public var keypoints: [Keypoint]
    /// COCO `num_keypoints`, as read (or the count of labelled keypoints when written).
    public var keypointCount: Int?
    /// COCO `iscrowd`.
    public var isCrowd: Bool
    /// COCO `area` as stored; nil to compute it on writing.
    public var area: Double?
    /// Everything else: VOC `difficult`/`truncated`/`occluded`, CVAT attributes, unknown COCO fields.
    public var attributes: [(key: String, value: JSONValue)]
    /// Confidence of a prediction (COCO results); nil for ground truth.
    public var score: Double?

    /// An annotation record.
    public init(id: Int, imageID: Int, categoryID: Int, box: BoundingBox? = nil, polygons: [Polygon] = [],
                mask: RunLengthEncoding? = nil, keypoints: [Keypoint] = [], keypointCount: Int? = nil,
                isCrowd: Bool = false, area: Double? = nil, attributes: [(key: String, value: JSONValue)] = [],
                score: Double? = nil) {
        self.id = id
        self.imageID = imageID
        self.categoryID = categoryID
        self.box = box
        self.polygons = polygons
        self.mask = mask
        self.keypoints = keypoints
        self.keypointCount = keypointCount
        self.isCrowd = isCrowd
        self.area = area
        self.attributes = attributes
        self.score = score
    }

    /// The attribute named `key`, if present.
    public func attribute(_ key: String) -> JSONValue? {
        attributes.first { $0.key == key }?.value
    }

    /// Sets or replaces the attribute named `key`.
    public mutating func setAttribute(_ key: String, _ value: JSONValue) {
        if let index = attributes.firstIndex(where: { $0.key == key }) {
            attributes[index].value = value
        } else {
            attributes.append((key, value))
        }
    }

    /// The box, or else the box around the polygons, or else around the mask.
    public var effectiveBox: BoundingBox? {
        if let box { return box }
        if let polygonBox = BoundingBox(enclosing: polygons.flatMap(\.points)) { return polygonBox }
        return mask.map { $0.boundingBox }
    }

    /// Annotations are equal when every field is, the attributes in order.
    public static func == (left: Annotation, right: Annotation) -> Bool {
        left.id == right.id && left.imageID == right.imageID && left.categoryID == right.categoryID
            && left.box == right.box && left.polygons == right.polygons && left.mask == right.mask
            && left.keypoints == right.keypoints && left.keypointCount == right.keypointCount
            && left.isCrowd == right.isCrowd && left.area == right.area && left.score == right.score
            && JSONValue.object(left.attributes) == JSONValue.object(right.attributes)
    }
}
