import Foundation
import GRDB
import PerceptImage
import PerceptLabels

/// The annotations of one folder of images, kept in SQLite (WAL mode) so that every
/// acknowledged edit is on disk before the answer goes out, and several readers never block
/// the writer.
public final class AnnotationStore: Sendable {
    /// The folder of images served.
    public let root: URL
    /// The SQLite file.
    public let databaseURL: URL
    let pool: DatabasePool

    /// `DIR/.percept/annotations.sqlite`, the default place of the store.
    public static func defaultDatabaseURL(for root: URL) -> URL {
        root.appendingPathComponent(".percept/annotations.sqlite")
    }

    /// Opens (or creates) the store of `root` at `databaseURL`.
    public init(root: URL, databaseURL: URL? = nil) throws {
        self.root = root.standardizedFileURL
        let database = databaseURL ?? AnnotationStore.defaultDatabaseURL(for: root)
        self.databaseURL = database
        var configuration = Configuration()
        configuration.busyMode = .timeout(5)
        // WAL with synchronous=NORMAL: a commit is in the log before it returns, so a killed
        // server keeps it; only a power cut can lose the last transactions.
        configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA synchronous = NORMAL") }
        do {
            try FileManager.default.createDirectory(at: database.deletingLastPathComponent(), withIntermediateDirectories: true)
            pool = try DatabasePool(path: database.path, configuration: configuration)
            try AnnotationStore.migrator.migrate(pool)
        } catch let error as DatabaseError {
            throw AnnotatorError.database("\(database.path): \(error.message ?? "\(error)")")
        } catch {
            throw AnnotatorError.unreadable(file: database.path, reason: error.localizedDescription)
        }
    }

    private static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(sql: """
                CREATE TABLE image (id INTEGER PRIMARY KEY, path TEXT NOT NULL UNIQUE, width INTEGER NOT NULL,
                  height INTEGER NOT NULL, fileSize INTEGER NOT NULL, modified REAL NOT NULL, present INTEGER NOT NULL,
                  status TEXT NOT NULL DEFAULT 'new', comment TEXT NOT NULL DEFAULT '', version INTEGER NOT NULL DEFAULT 0,
                  userShapes INTEGER NOT NULL DEFAULT 0, predictions INTEGER NOT NULL DEFAULT 0);
                CREATE TABLE labelClass (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, color TEXT NOT NULL,
                  position INTEGER NOT NULL);
                CREATE TABLE shape (imageID INTEGER NOT NULL REFERENCES image(id), position INTEGER NOT NULL,
                  kind TEXT NOT NULL, classID INTEGER NOT NULL, coordinates TEXT NOT NULL, attributes TEXT NOT NULL,
                  score REAL, source TEXT NOT NULL, PRIMARY KEY (imageID, position)) WITHOUT ROWID;
                CREATE TABLE setting (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
                """)
        }
        // Whether the detector of `--detector` has run on the image, so it never runs twice.
        migrator.registerMigration("v2") { db in
            try db.execute(sql: "ALTER TABLE image ADD COLUMN detectorRun INTEGER NOT NULL DEFAULT 0")
        }
        return migrator
    }

    /// Runs `body` in a write transaction, mapping database failures to `AnnotatorError`.
    func write<T>(_ body: (Database) throws -> T) throws -> T {
        do {
            return try pool.write(body)
        } catch let error as DatabaseError {
            throw AnnotatorError.database(error.message ?? "\(error)")
        }
    }

    /// Runs `body` on a read snapshot, mapping database failures to `AnnotatorError`.
    func read<T>(_ body: (Database) throws -> T) throws -> T {
        do {
            return try pool.read(body)
        } catch let error as DatabaseError {
            throw AnnotatorError.database(error.message ?? "\(error)")
        }
    }

    /// Brings the image table up to date with the folder: new files are added (their sizes
    /// read from the headers), changed files re-read, missing files hidden (their labels
    /// kept). Returns one warning per unreadable image.
    @discardableResult
    public func scan() throws -> [String] {
        let found = FolderScanner.images(under: root)
        let known = try read { db in
            var known: [String: (size: Int, modified: Double, present: Bool)] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT path, fileSize, modified, present FROM image") {
                let path: String = row["path"]
                known[path] = (row["fileSize"], row["modified"], row["present"])
            }
            return known
        }
        var warnings: [String] = []
        var changes: [(FolderScanner.Found, ImageSize)] = []
        var reappeared: [String] = []
        for file in found {
            if let old = known[file.path], old.size == file.fileSize, old.modified == file.modified {
                if !old.present { reappeared.append(file.path) }
                continue
            }
            do {
                changes.append((file, try FolderScanner.displayedSize(of: file.url)))
            } catch {
                warnings.append("\(file.url.path): warning: skipped, cannot read the image header: \(error)")
            }
        }
        let present = Set(found.map(\.path))
        let missing = known.filter { $0.value.present && !present.contains($0.key) }.map(\.key)
        guard !changes.isEmpty || !missing.isEmpty || !reappeared.isEmpty else { return warnings }
        try write { db in
            for path in reappeared {
                try db.execute(sql: "UPDATE image SET present = 1 WHERE path = ?", arguments: [path])
            }
            for (file, size) in changes {
                try db.execute(sql: """
                    INSERT INTO image (path, width, height, fileSize, modified, present) VALUES (?, ?, ?, ?, ?, 1)
                    ON CONFLICT(path) DO UPDATE SET width = excluded.width, height = excluded.height,
                      fileSize = excluded.fileSize, modified = excluded.modified, present = 1
                    """, arguments: [file.path, size.width, size.height, file.fileSize, file.modified])
            }
            for path in missing {
                try db.execute(sql: "UPDATE image SET present = 0 WHERE path = ?", arguments: [path])
            }
        }
        return warnings
    }

    /// The images on disk, sorted by path; only those with `status` when given.
    public func images(status: ImageStatus? = nil) throws -> [ImageRecord] {
        try read { db in try AnnotationStore.images(status: status, in: db) }
    }

    static func images(status: ImageStatus?, in db: Database) throws -> [ImageRecord] {
        let rows = if let status {
            try Row.fetchAll(db, sql: "SELECT * FROM image WHERE present = 1 AND status = ? ORDER BY path", arguments: [status.rawValue])
        } else {
            try Row.fetchAll(db, sql: "SELECT * FROM image WHERE present = 1 ORDER BY path")
        }
        return rows.map(AnnotationStore.imageRecord)
    }

    /// The image with `id` and its shapes.
    public func state(of id: Int) throws -> ImageState {
        try read { db in try AnnotationStore.state(of: id, in: db) }
    }

    /// How many images (on disk) have each status.
    public func statusCounts() throws -> [ImageStatus: Int] {
        try read { db in
            var counts: [ImageStatus: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT status, COUNT(*) AS count FROM image WHERE present = 1 GROUP BY status") {
                if let status = ImageStatus(rawValue: row["status"]) { counts[status] = row["count"] }
            }
            return counts
        }
    }

    /// The file of image `id`, checked to be inside the folder (a symbolic link swapped after
    /// the scan is still refused).
    public func imageURL(of id: Int) throws -> URL {
        let image = try state(of: id).image
        return try FolderScanner.resolve(image.path, in: root)
    }

    /// The class list, in display order.
    public func classes() throws -> [LabelClass] {
        try read { db in try AnnotationStore.classes(in: db) }
    }

    static func classes(in db: Database) throws -> [LabelClass] {
        try Row.fetchAll(db, sql: "SELECT id, name, color FROM labelClass ORDER BY position, id").map {
            LabelClass(id: $0["id"], name: $0["name"], color: $0["color"])
        }
    }

    static func state(of id: Int, in db: Database) throws -> ImageState {
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM image WHERE id = ?", arguments: [id]) else {
            throw AnnotatorError.notFound("image \(id)")
        }
        let shapes = try Row.fetchAll(db, sql: "SELECT * FROM shape WHERE imageID = ? ORDER BY position", arguments: [id])
            .map(ShapeRow.shape)
        return ImageState(image: imageRecord(row), shapes: shapes)
    }

    static func imageRecord(_ row: Row) -> ImageRecord {
        ImageRecord(id: row["id"], path: row["path"], width: row["width"], height: row["height"],
                    status: ImageStatus(rawValue: row["status"]) ?? .new, comment: row["comment"], version: row["version"],
                    userShapeCount: row["userShapes"], predictionCount: row["predictions"])
    }
}
