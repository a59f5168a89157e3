import GRDB
import PerceptImage
import PerceptLabels

extension AnnotationStore {
    /// A proposal overlapping a person's box of its class by at least this IoU repeats it and is
    /// left out.
    static let duplicateIoU = 0.5

    /// Whether image `id` still waits for the detector: it has no proposals and was never run.
    public func awaitsDetector(_ id: Int) throws -> Bool {
        try read { db in try AnnotationStore.awaitsDetector(id, in: db) }
    }

    /// The images of the folder that still wait for the detector, in path order.
    public func imagesAwaitingDetector() throws -> [ImageRecord] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM image WHERE present = 1 AND detectorRun = 0 AND predictions = 0 ORDER BY path")
                .map(AnnotationStore.imageRecord)
        }
    }

    /// Stores a detector's boxes for image `id` as proposals after its shapes, in one
    /// transaction, and marks the image as run; returns how many were stored, or nil when the
    /// image was run or got proposals meanwhile (nothing is stored twice). People's shapes
    /// stay; a box repeating a person's box of its class (IoU ≥ 0.5) is left out, boxes are
    /// clipped into the image, and class names missing from the class list are added.
    @discardableResult
    public func storeDetectorProposals(_ proposals: [Proposal], for id: Int) throws -> Int? {
        try write { db in
            guard try AnnotationStore.awaitsDetector(id, in: db) else { return nil }
            let current = try AnnotationStore.state(of: id, in: db)
            let size = ImageSize(width: current.image.width, height: current.image.height)
            let classIDs = try AnnotationStore.ensureClasses(proposals.map { (-1, $0.className) }, in: db)
            let people = current.shapes.filter { $0.source == .user && $0.kind == .rect }.map { shape in
                (classID: shape.classID, box: BoundingBox(minX: shape.coordinates[0], minY: shape.coordinates[1],
                                                          maxX: shape.coordinates[2], maxY: shape.coordinates[3]))
            }
            var shapes: [LabelShape] = []
            for proposal in proposals {
                let box = proposal.box.clipped(to: size)
                guard !box.isEmpty, proposal.score.isFinite, let classID = classIDs[proposal.className] else { continue }
                guard !people.contains(where: { $0.classID == classID && $0.box.intersectionOverUnion(box) >= AnnotationStore.duplicateIoU }) else { continue }
                shapes.append(LabelShape(kind: .rect, classID: classID, coordinates: [box.minX, box.minY, box.maxX, box.maxY],
                                         score: min(max(proposal.score, 0), 1), source: .prediction))
            }
            let next = try Int.fetchOne(db, sql: "SELECT COALESCE(MAX(position) + 1, 0) FROM shape WHERE imageID = ?", arguments: [id]) ?? 0
            try ShapeRow.insert(shapes, imageID: id, from: next, in: db)
            try db.execute(sql: "UPDATE image SET detectorRun = 1 WHERE id = ?", arguments: [id])
            // An image given no box keeps its version, so a window editing it meets no conflict.
            try AnnotationStore.refreshCounts(of: id, bumpVersion: !shapes.isEmpty, in: db)
            return shapes.count
        }
    }

    static func awaitsDetector(_ id: Int, in db: Database) throws -> Bool {
        guard let row = try Row.fetchOne(db, sql: "SELECT detectorRun, predictions FROM image WHERE id = ?", arguments: [id]) else {
            throw AnnotatorError.notFound("image \(id)")
        }
        return (row["detectorRun"] as Int) == 0 && (row["predictions"] as Int) == 0
    }
}
