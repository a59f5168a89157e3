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
    /// run had another fingerprint. Lines are read one at a time, never all parsed at once.
    init(resuming url: URL, fingerprint: String, isComplete: (JSONValue) -> Bool) throws {
        self.url = url
        var header: JSONValue?, kept: [UInt8] = []
        AugmentJournal.forEachLine(url) { value, line, _ in
            if header == nil {
                header = value
            } else if isComplete(value) {
                kept += line + [UInt8(ascii: "\n")]
            }
        }
        guard header?["fingerprint"]?.string == fingerprint else {
            throw DatasetAugmentError.settingsChanged(folder: url.deletingLastPathComponent().deletingLastPathComponent().path)
        }
        try DurableFile.write(AugmentJournal.line(.object([("fingerprint", .string(fingerprint))])) + kept, to: url)
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

    /// Calls `body` with each line of the journal at `url` that reads as JSON (the header
    /// first), its bytes and its offset in the file, reading the file in blocks so that
    /// memory holds one line at a time.
    static func forEachLine(_ url: URL, _ body: (JSONValue, [UInt8], UInt64) -> Void) {
        guard let handle = try? FileHandle(forReadingFrom: url) else { return }
        defer { try? handle.close() }
        var buffer: [UInt8] = [], bufferOffset: UInt64 = 0
        func emit(_ line: ArraySlice<UInt8>, at offset: UInt64) {
            guard let value = try? JSONParser.parse(Array(line), file: url.path) else { return }
            body(value, Array(line), offset)
        }
        while let block = try? handle.read(upToCount: 1 << 20), !block.isEmpty {
            buffer += block
            var start = 0
            while let end = buffer[start...].firstIndex(of: UInt8(ascii: "\n")) {
                emit(buffer[start..<end], at: bufferOffset + UInt64(start))
                start = end + 1
            }
            buffer.removeFirst(start)
            bufferOffset += UInt64(start)
        }
        if !buffer.isEmpty { emit(buffer[...], at: bufferOffset) }
    }

    /// The entry whose line starts at `offset` in the journal at `url`.
    static func entry(in handle: FileHandle, at offset: UInt64, length: Int, file: String) -> JSONValue? {
        guard (try? handle.seek(toOffset: offset)) != nil, let data = try? handle.read(upToCount: length) else { return nil }
        return try? JSONParser.parse([UInt8](data), file: file)
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
