import Foundation
import PerceptLabels

/// The durable record of a dataset augmentation in progress: `journal.jsonl` in the run's
/// work folder, a header line with the run's fingerprint and then one line per finished
/// output. Lines are committed in groups: the outputs' image files are flushed to the disk
/// first, then their lines are appended and flushed. A line is the commit point of its
/// output: a run killed at any moment leaves complete lines (trusted on resume), at most one
/// torn last line (dropped), and staged images without a line (made again).
final class AugmentJournal: @unchecked Sendable {
    let url: URL
    private let handle: FileHandle
    private let lock = NSLock()
    /// Entries whose images are staged but not yet known to be on the disk.
    private var pending: [(entry: JSONValue, image: URL)] = []
    private var lastCommit = Date()
    /// A group is committed when it has this many entries or is this old.
    private let groupSize = 64, groupAge: TimeInterval = 0.5

    /// Starts a new journal for a run with `fingerprint`.
    init(creating url: URL, fingerprint: String) throws {
        self.url = url
        try DurableFile.write(AugmentJournal.line(.object([("fingerprint", .string(fingerprint))])), to: url)
        handle = try AugmentJournal.open(url)
    }

    /// Reopens the journal of an interrupted run, keeping only the entries `isComplete`
    /// accepts (the file is rewritten with them, dropping a torn last line); throws when the
    /// run had another fingerprint.
    init(resuming url: URL, fingerprint: String, isComplete: (JSONValue) -> Bool) throws {
        self.url = url
        let (header, entries) = AugmentJournal.read(url)
        guard header?["fingerprint"]?.string == fingerprint else {
            throw DatasetAugmentError.settingsChanged(folder: url.deletingLastPathComponent().deletingLastPathComponent().path)
        }
        let kept = entries.filter(isComplete)
        let text = ([.object([("fingerprint", .string(fingerprint))])] + kept).flatMap(AugmentJournal.line)
        try DurableFile.write(text, to: url)
        handle = try AugmentJournal.open(url)
    }

    deinit { try? handle.close() }

    /// Adds the entry of an output whose image is staged at `image`; the entry is committed
    /// with its group.
    func add(_ entry: JSONValue, image: URL) throws {
        lock.lock()
        defer { lock.unlock() }
        pending.append((entry, image))
        if pending.count >= groupSize || Date().timeIntervalSince(lastCommit) >= groupAge { try commitPending() }
    }

    /// Commits the entries added so far.
    func commit() throws {
        lock.lock()
        defer { lock.unlock() }
        try commitPending()
    }

    private func commitPending() throws {
        lastCommit = Date()
        guard !pending.isEmpty else { return }
        try DurableFile.synchronize(pending.map(\.image), in: url.deletingLastPathComponent())
        try DurableFile.append(pending.flatMap { AugmentJournal.line($0.entry) }, to: handle, file: url.path)
        pending.removeAll()
    }

    /// The header and every entry of the journal at `url` that reads as a whole line.
    static func read(_ url: URL) -> (header: JSONValue?, entries: [JSONValue]) {
        guard let data = FileManager.default.contents(atPath: url.path) else { return (nil, []) }
        var values: [JSONValue] = []
        for line in data.split(separator: UInt8(ascii: "\n")) {
            guard let value = try? JSONParser.parse([UInt8](line), file: url.path) else { continue }
            values.append(value)
        }
        guard let first = values.first, first["fingerprint"] != nil else { return (nil, []) }
        return (first, Array(values.dropFirst()))
    }

    private static func line(_ value: JSONValue) -> [UInt8] {
        JSONWriter.encode(value, pretty: false) + [UInt8(ascii: "\n")]
    }

    private static func open(_ url: URL) throws -> FileHandle {
        do {
            return try FileHandle(forWritingTo: url)
        } catch {
            throw DatasetAugmentError.cannotWrite(file: url.path, reason: error.localizedDescription)
        }
    }
}
