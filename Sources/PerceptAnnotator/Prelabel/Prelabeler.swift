import Foundation

/// Runs a `ProposalSource` over the store's images: on one image when it is opened, or over the
/// whole folder in the background ("pre-label all"), one image at a time so the server keeps
/// answering. An image is run once: never when it has proposals, never twice; a failure on an
/// image is reported (`FILE: warning: …` to `report`, and in the progress) and the next goes on.
public final class Prelabeler: @unchecked Sendable {
    /// The store the proposals go to.
    public let store: AnnotationStore
    private let source: any ProposalSource
    private let report: @Sendable (String) -> Void
    // One detector call at a time, first come first served: an image opened during a run waits
    // for at most the image the run is on.
    private let detectorQueue = DispatchQueue(label: "percept.annotate.detector")
    private let lock = NSLock()
    private var current = PrelabelProgress()
    private var cancelled = false

    /// A prelabeler over `store`; `report` receives a `FILE: warning: …` line per failure.
    public init(store: AnnotationStore, source: any ProposalSource, report: @escaping @Sendable (String) -> Void = { _ in }) {
        self.store = store
        self.source = source
        self.report = report
    }

    /// Runs the detector on image `id` unless it has proposals or was run; returns the
    /// warning when the detector failed on it.
    public func proposeIfNeeded(_ id: Int) async throws -> String? {
        guard try store.awaitsDetector(id) else { return nil }
        return await withCheckedContinuation { continuation in
            detectorQueue.async { continuation.resume(returning: self.run(id).failure) }
        }
    }

    /// Starts pre-labelling every image that waits for the detector, in the background, and
    /// returns the progress; while a run goes on, returns its progress and starts nothing.
    @discardableResult
    public func startAll() throws -> PrelabelProgress {
        let images = try store.imagesAwaitingDetector()
        let started: PrelabelProgress? = locked {
            guard !current.running else { return nil }
            cancelled = false
            current = PrelabelProgress()
            current.running = !images.isEmpty
            current.total = images.count
            return current
        }
        guard let progress = started else { return self.progress }
        guard progress.running else { return progress }
        DispatchQueue.global(qos: .utility).async {
            for image in images {
                guard !self.locked({ self.cancelled }) else { break }
                let outcome = self.detectorQueue.sync { self.run(image.id) }
                self.locked {
                    self.current.done += 1
                    self.current.proposals += outcome.stored
                    if let failure = outcome.failure { self.current.record(failure: failure) }
                }
            }
            self.locked { self.current.running = false }
        }
        return progress
    }

    /// The progress of the last "pre-label all".
    public var progress: PrelabelProgress { locked { current } }

    /// Stops a "pre-label all" after its current image.
    public func cancel() { locked { cancelled = true } }

    /// Runs the detector on one image (on `detectorQueue`) and stores what it found.
    private func run(_ id: Int) -> (stored: Int, failure: String?) {
        var file = "image \(id)"
        do {
            guard try store.awaitsDetector(id) else { return (0, nil) }
            let image = try store.state(of: id).image
            let url = try store.imageURL(of: id)
            file = url.path
            let proposals = try source.proposals(forImageAt: url, width: image.width, height: image.height)
            return (try store.storeDetectorProposals(proposals, for: id) ?? 0, nil)
        } catch {
            let line = "\(file): warning: the detector failed, no proposals: \(error)"
            report(line)
            return (0, line)
        }
    }

    private func locked<T>(_ body: () -> T) -> T {
        lock.lock()
        defer { lock.unlock() }
        return body()
    }
}
