import Foundation

/// A folder a command is about to fill, checked against the one rule every Percept writer
/// follows:
///
/// - the path may not be empty or blank;
/// - the folder may not be, contain or lie inside a protected folder (an input folder, the
///   image folder, the annotation store), compared after resolving symbolic links;
/// - an existing non-empty folder is replaced only with `force`, and only when Percept wrote
///   it (it holds `.percept-output`); any other is refused, naming some of its files;
/// - the new contents are written into a hidden sibling folder and renamed into place, so a
///   failure leaves the old folder exactly as it was.
///
///     let output = try OutputFolder(path: "out", argument: "OUT", protecting: [.init(input, role: "input folder")], force: false)
///     try output.write(command: "percept convert") { folder in try conversion.write(prepared, from: .coco, to: folder, recordedAs: output.location) }
public struct OutputFolder: Sendable {
    /// The marker file in every folder Percept writes; it names the command and the time.
    public static let markerFileName = ".percept-output"

    /// A folder (or file) the output must keep clear of, and what to call it in messages.
    public struct Protected: Sendable {
        /// Where it is.
        public var url: URL
        /// What it is to the user: "input folder", "image folder", "annotation store".
        public var role: String

        /// A protected location.
        public init(_ url: URL, role: String) {
            self.url = url
            self.role = role
        }
    }

    /// The folder's absolute path with symbolic links resolved.
    public let location: URL
    /// Whether something exists at `location`.
    public let exists: Bool
    /// Whether `location` is missing or an empty folder.
    public let isEmpty: Bool
    /// Whether the folder holds Percept's marker file.
    public let writtenByPercept: Bool
    /// Whether existing contents are kept and continued (augment's `--resume`).
    public let keepsExisting: Bool

    /// Whether writing replaces existing files.
    public var wouldReplace: Bool { !isEmpty && !keepsExisting }

    /// Checks `path` (relative paths are taken from the current directory); `argument` names
    /// it in messages ("OUT", "target"). `force` allows replacing a folder Percept wrote;
    /// `keepExisting` lets a non-empty folder through untouched (augment's `--resume`).
    public init(path: String, argument: String, protecting protected: [Protected], force: Bool,
                keepExisting: Bool = false) throws(OutputFolderError) {
        guard !path.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { throw .emptyPath(argument: argument) }
        let location = URL(fileURLWithPath: OutputFolder.canonicalPath(URL(fileURLWithPath: path)))
        for item in protected {
            let other = OutputFolder.canonicalPath(item.url)
            let relation: OutputFolderError.Relation? =
                location.path == other ? .same
                : OutputFolder.isInside(location.path, other) ? .inside
                : OutputFolder.isInside(other, location.path) ? .contains : nil
            if let relation { throw .overlaps(path: location.path, relation: relation, other: item.url.path, role: item.role) }
        }
        var isFolder: ObjCBool = false
        let exists = FileManager.default.fileExists(atPath: location.path, isDirectory: &isFolder)
        guard !exists || isFolder.boolValue else { throw .notAFolder(path: location.path) }
        let contents = exists ? ((try? FileManager.default.contentsOfDirectory(atPath: location.path)) ?? []) : []
        self.location = location
        self.exists = exists
        self.isEmpty = contents.isEmpty
        self.writtenByPercept = contents.contains(OutputFolder.markerFileName)
        self.keepsExisting = keepExisting
        if !contents.isEmpty && !keepExisting {
            guard force else { throw .notEmpty(path: location.path) }
            guard writtenByPercept else {
                let (sample, more) = OutputFolder.sampleFiles(in: location)
                throw .notPerceptOutput(path: location.path, files: sample, more: more)
            }
        }
    }

    /// Writes the folder's new contents through `body`, which receives the folder to write
    /// into (a hidden sibling of `location`; writers that record their own path, such as
    /// YOLO's `data.yaml`, should record `location`), then puts it in place of the old one.
    /// The marker naming `command` is written first. With `inPlace`, a missing or empty folder,
    /// or one whose contents are kept (`keepExisting`), is filled directly (augment's journal
    /// must survive a kill there); a folder whose contents go is always replaced through the
    /// sibling. On any failure the sibling is removed and the old folder is left as it was.
    public func write<Result>(command: String, inPlace: Bool = false, _ body: (URL) throws -> Result) throws -> Result {
        let manager = FileManager.default
        let parent = location.deletingLastPathComponent()
        do {
            try manager.createDirectory(at: parent, withIntermediateDirectories: true)
        } catch {
            throw OutputFolderError.cannotWrite(path: location.path, reason: "cannot create \(parent.path): \(error.localizedDescription)")
        }
        if inPlace, !wouldReplace {
            do {
                try manager.createDirectory(at: location, withIntermediateDirectories: true)
                try writeMarker(command: command, into: location)
            } catch {
                throw OutputFolderError.cannotWrite(path: location.path, reason: error.localizedDescription)
            }
            return try body(location)
        }
        let unique = UUID().uuidString.prefix(8)
        let staging = parent.appendingPathComponent(".\(location.lastPathComponent).partial-\(unique)")
        let result: Result
        do {
            try manager.createDirectory(at: staging, withIntermediateDirectories: false)
            try writeMarker(command: command, into: staging)
            result = try body(staging)
        } catch {
            try? manager.removeItem(at: staging)
            throw error
        }
        try replace(with: staging, backup: parent.appendingPathComponent(".\(location.lastPathComponent).previous-\(unique)"))
        return result
    }

    /// Renames `staging` to `location`. A non-empty old folder (the output folder itself,
    /// nothing else: the constructor refused any other) goes to `backup` first and is deleted
    /// once the new one is in place, or renamed back when that fails.
    private func replace(with staging: URL, backup: URL) throws {
        let manager = FileManager.default
        var moved = false
        do {
            let stillThere = (try? manager.contentsOfDirectory(atPath: location.path)) ?? []
            if !stillThere.isEmpty {
                // The folder changed since the check: replace it only if it is still Percept's.
                guard stillThere.contains(OutputFolder.markerFileName) else {
                    throw OutputFolderError.cannotWrite(path: location.path, reason: "files appeared in the folder while writing; nothing was replaced")
                }
                try OutputFolder.move(location, to: backup)
                moved = true
            }
            // rename(2) replaces an empty folder in one step and fails on a non-empty one.
            try OutputFolder.move(staging, to: location)
        } catch {
            if moved { try? OutputFolder.move(backup, to: location) }
            try? manager.removeItem(at: staging)
            if let error = error as? OutputFolderError { throw error }
            throw OutputFolderError.cannotWrite(path: location.path, reason: "\(error)")
        }
        if moved { try? manager.removeItem(at: backup) }
    }

    private func writeMarker(command: String, into folder: URL) throws {
        let time = ISO8601DateFormatter().string(from: Date())
        let text = "written by \(command) at \(time)\nA Percept command with --force may replace this folder.\n"
        try Data(text.utf8).write(to: folder.appendingPathComponent(OutputFolder.markerFileName))
    }

    /// rename(2): atomic, and it replaces an empty folder at `destination`.
    private static func move(_ source: URL, to destination: URL) throws {
        guard rename(source.path, destination.path) == 0 else {
            let reason = String(cString: strerror(errno))
            throw OutputFolderError.cannotWrite(path: destination.path, reason: "cannot rename \(source.path): \(reason)")
        }
    }

    /// Counting the files of a folder that would be replaced stops here.
    static let countLimit = 10_000

    /// Up to five of the files under `folder` (relative paths, sorted) and how many more
    /// there are (counting stops at `countLimit`).
    static func sampleFiles(in folder: URL) -> (files: [String], more: Int) {
        var files: [String] = []
        let enumerator = FileManager.default.enumerator(atPath: folder.path)
        while files.count < countLimit, let path = enumerator?.nextObject() as? String {
            var isFolder: ObjCBool = false
            if FileManager.default.fileExists(atPath: folder.appendingPathComponent(path).path, isDirectory: &isFolder), isFolder.boolValue {
                continue
            }
            files.append(path)
        }
        let sample = Array(files.sorted().prefix(5))
        return (sample, files.count - sample.count)
    }

    /// Whether `path` lies strictly inside `folder` (both canonical).
    static func isInside(_ path: String, _ folder: String) -> Bool {
        folder == "/" ? path != "/" : path.hasPrefix(folder + "/")
    }

    /// The absolute path with symbolic links resolved, also for a path that does not exist yet
    /// (its deepest existing ancestor is resolved and the rest appended).
    public static func canonicalPath(_ url: URL) -> String {
        var existing = url.standardizedFileURL
        var rest: [String] = []
        while !FileManager.default.fileExists(atPath: existing.path), existing.pathComponents.count > 1 {
            rest.insert(existing.lastPathComponent, at: 0)
            existing.deleteLastPathComponent()
        }
        return rest.reduce(existing.resolvingSymlinksInPath()) { $0.appendingPathComponent($1) }.standardizedFileURL.path
    }
}
