import Foundation
import GRDB
import PerceptLabels

/// The answer to an edit based on a version: stored, or refused because someone else
/// changed the image first.
public enum EditOutcome: Equatable, Sendable {
    /// Stored; the image's new state.
    case saved(ImageState)
    /// The version was stale; the current state, unchanged.
    case conflict(ImageState)
}

/// A class as sent by a client: an id to keep, or nil for a new class.
public struct ClassDraft: Equatable, Sendable {
    /// The existing id, or nil to make a new one.
    public var id: Int?
    /// The name.
    public var name: String
    /// `#rrggbb`, or nil for the default colour.
    public var color: String?

    /// A draft with the given parts.
    public init(id: Int?, name: String, color: String?) {
        self.id = id
        self.name = name
        self.color = color
    }
}

extension AnnotationStore {
    /// Replaces the shapes of image `id` when `version` is its current version; the whole
    /// change is one transaction, so it is either stored completely or not at all.
    public func replaceShapes(of id: Int, basedOn version: Int, with shapes: [LabelShape]) throws -> EditOutcome {
        try write { db in
            let current = try AnnotationStore.state(of: id, in: db)
            guard current.image.version == version else { return .conflict(current) }
            let classIDs = Set(try AnnotationStore.classes(in: db).map(\.id))
            for (index, shape) in shapes.enumerated() {
                try ShapeRow.validate(shape, place: "shapes[\(index)]", width: current.image.width,
                                      height: current.image.height, classIDs: classIDs)
            }
            try db.execute(sql: "DELETE FROM shape WHERE imageID = ?", arguments: [id])
            try ShapeRow.insert(shapes, imageID: id, in: db)
            try AnnotationStore.refreshCounts(of: id, bumpVersion: true, in: db)
            return .saved(try AnnotationStore.state(of: id, in: db))
        }
    }

    /// Sets the status and/or comment of image `id`.
    public func update(_ id: Int, status: ImageStatus?, comment: String?) throws -> ImageRecord {
        try write { db in
            _ = try AnnotationStore.state(of: id, in: db)
            if let status { try db.execute(sql: "UPDATE image SET status = ? WHERE id = ?", arguments: [status.rawValue, id]) }
            if let comment { try db.execute(sql: "UPDATE image SET comment = ? WHERE id = ?", arguments: [comment, id]) }
            return try AnnotationStore.state(of: id, in: db).image
        }
    }

    /// Replaces the class list. Existing ids keep their shapes; new classes get ids never used
    /// before; a class still used by shapes cannot be removed.
    public func replaceClasses(with drafts: [ClassDraft]) throws -> [LabelClass] {
        try write { db in
            let existing = Dictionary(uniqueKeysWithValues: try AnnotationStore.classes(in: db).map { ($0.id, $0) })
            var names = Set<String>(), ids = Set<Int>()
            for (index, draft) in drafts.enumerated() {
                let name = draft.name.trimmingCharacters(in: .whitespaces)
                guard !name.isEmpty else { throw AnnotatorError.invalid(place: "classes[\(index)].name", detail: "expected a name, found an empty string") }
                guard names.insert(name).inserted else { throw AnnotatorError.invalid(place: "classes[\(index)].name", detail: "'\(name)' appears twice") }
                if let id = draft.id {
                    guard existing[id] != nil else { throw AnnotatorError.invalid(place: "classes[\(index)].id", detail: "unknown class id \(id); omit the id to add a class") }
                    guard ids.insert(id).inserted else { throw AnnotatorError.invalid(place: "classes[\(index)].id", detail: "id \(id) appears twice") }
                }
                if let color = draft.color, !AnnotationStore.isColor(color) {
                    throw AnnotatorError.invalid(place: "classes[\(index)].color", detail: "expected #rrggbb, found '\(color)'")
                }
            }
            for removed in Set(existing.keys).subtracting(ids) {
                let uses = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM shape WHERE classID = ?", arguments: [removed]) ?? 0
                guard uses == 0 else {
                    throw AnnotatorError.invalid(place: "classes", detail: "class \(removed) '\(existing[removed]?.name ?? "")' is used by \(uses) shape(s); delete them first")
                }
            }
            try db.execute(sql: "DELETE FROM labelClass")
            var nextID = max(try Int.fetchOne(db, sql: "SELECT value FROM setting WHERE key = 'nextClassID'") ?? 0,
                             (existing.keys.max() ?? -1) + 1)
            for (position, draft) in drafts.enumerated() {
                let id = draft.id ?? nextID
                if draft.id == nil { nextID += 1 }
                try db.execute(sql: "INSERT INTO labelClass (id, name, color, position) VALUES (?, ?, ?, ?)",
                               arguments: [id, draft.name.trimmingCharacters(in: .whitespaces),
                                           draft.color ?? LabelClass.defaultColor(for: id), position])
            }
            try db.execute(sql: "INSERT OR REPLACE INTO setting (key, value) VALUES ('nextClassID', ?)", arguments: [nextID])
            return try AnnotationStore.classes(in: db)
        }
    }

    /// Adds classes with given ids (from a class file or an import) unless a class of that
    /// name exists; returns the id each name ends up with.
    @discardableResult
    public func ensureClasses(_ wanted: [(id: Int, name: String)]) throws -> [String: Int] {
        try write { db in try AnnotationStore.ensureClasses(wanted, in: db) }
    }

    /// ``ensureClasses(_:)`` inside a transaction; a negative id asks for a new one.
    static func ensureClasses(_ wanted: [(id: Int, name: String)], in db: Database) throws -> [String: Int] {
        var byName = Dictionary(uniqueKeysWithValues: try AnnotationStore.classes(in: db).map { ($0.name, $0.id) })
        var usedIDs = Set(byName.values)
        var position = byName.count
        var nextID = max(try Int.fetchOne(db, sql: "SELECT value FROM setting WHERE key = 'nextClassID'") ?? 0,
                         (usedIDs.max() ?? -1) + 1, (wanted.map(\.id).max() ?? -1) + 1)
        for (wantedID, name) in wanted where byName[name] == nil {
            let id = usedIDs.contains(wantedID) || wantedID < 0 ? nextID : wantedID
            if id == nextID { nextID += 1 }
            try db.execute(sql: "INSERT INTO labelClass (id, name, color, position) VALUES (?, ?, ?, ?)",
                           arguments: [id, name, LabelClass.defaultColor(for: id), position])
            position += 1
            usedIDs.insert(id)
            byName[name] = id
        }
        try db.execute(sql: "INSERT OR REPLACE INTO setting (key, value) VALUES ('nextClassID', ?)", arguments: [nextID])
        return byName
    }

    /// Replaces the proposals of each listed image with new ones (people's shapes stay).
    public func replacePredictions(_ proposals: [Int: [LabelShape]]) throws {
        try write { db in
            let classIDs = Set(try AnnotationStore.classes(in: db).map(\.id))
            for (id, shapes) in proposals.sorted(by: { $0.key < $1.key }) {
                let current = try AnnotationStore.state(of: id, in: db)
                for (index, shape) in shapes.enumerated() {
                    try ShapeRow.validate(shape, place: "image \(id) prediction[\(index)]", width: current.image.width,
                                          height: current.image.height, classIDs: classIDs)
                }
                let kept = current.shapes.filter { $0.source == .user }
                try db.execute(sql: "DELETE FROM shape WHERE imageID = ?", arguments: [id])
                try ShapeRow.insert(kept + shapes.map { var shape = $0; shape.source = .prediction; return shape },
                                    imageID: id, in: db)
                try AnnotationStore.refreshCounts(of: id, bumpVersion: true, in: db)
            }
        }
    }

    /// Recounts the shapes of image `id`, bumps its version, and moves a `new` image that
    /// now has people's shapes to `in_progress`.
    static func refreshCounts(of id: Int, bumpVersion: Bool, in db: Database) throws {
        try db.execute(sql: """
            UPDATE image SET
              userShapes = (SELECT COUNT(*) FROM shape WHERE imageID = :id AND source = 'user'),
              predictions = (SELECT COUNT(*) FROM shape WHERE imageID = :id AND source = 'prediction'),
              version = version + :bump
            WHERE id = :id
            """, arguments: ["id": id, "bump": bumpVersion ? 1 : 0])
        try db.execute(sql: "UPDATE image SET status = 'in_progress' WHERE id = ? AND status = 'new' AND userShapes > 0", arguments: [id])
    }

    static func isColor(_ text: String) -> Bool {
        text.count == 7 && text.hasPrefix("#") && text.dropFirst().allSatisfy(\.isHexDigit)
    }
}
