import Foundation
import PerceptLabels

/// The queue in front of one model: requests wait on it, and one thread takes up to
/// `maxBatch` of them (waiting at most `maxWait` after the first for others to join), prepares
/// each, and runs the prepared ones through the model together. A bad upload fails only its
/// own request. Every queue runs its batches under one engine lock, so two models never call
/// into the tensor engine at the same time.
final class BatchQueue<Model: ServedModel>: @unchecked Sendable {
    private struct Pending {
        var upload: Upload
        var continuation: CheckedContinuation<JSONValue, Error>
    }

    let model: Model
    private let maxBatch: Int
    private let maxWait: Double
    private let condition = NSCondition()
    private var pending: [Pending] = []
    private var stopped = false
    private var largest = 0
    /// Held while any model runs: the engine's caches and thread pool serve one caller at a time.
    private static var engineLock: NSLock { EngineLock.shared }

    /// A queue over `model`, whose thread starts at once.
    init(model: Model, maxBatch: Int, maxWait: Double) {
        self.model = model
        self.maxBatch = max(1, maxBatch)
        self.maxWait = maxWait
        let thread = Thread { [self] in serve() }
        thread.name = "percept-serve-batch"
        thread.start()
    }

    /// The model's answer for `upload`, once its batch has run.
    func predict(_ upload: Upload) async throws -> JSONValue {
        try await withCheckedThrowingContinuation { continuation in
            condition.lock()
            defer { condition.unlock() }
            guard !stopped else { return continuation.resume(throwing: ServeError.stopping) }
            pending.append(Pending(upload: upload, continuation: continuation))
            condition.signal()
        }
    }

    /// The most requests taken as one batch so far.
    var largestBatch: Int {
        condition.lock()
        defer { condition.unlock() }
        return largest
    }

    /// Stops the thread; requests still waiting are answered with ``ServeError/stopping``.
    func stop() {
        condition.lock()
        stopped = true
        let left = pending
        pending = []
        condition.broadcast()
        condition.unlock()
        for request in left { request.continuation.resume(throwing: ServeError.stopping) }
    }

    private func serve() {
        while let batch = nextBatch() { run(batch) }
    }

    /// The next batch: waits for a first request, then up to `maxWait` for the batch to fill.
    private func nextBatch() -> [Pending]? {
        condition.lock()
        defer { condition.unlock() }
        while pending.isEmpty && !stopped { condition.wait() }
        if stopped { return nil }
        let deadline = Date(timeIntervalSinceNow: maxWait)
        while pending.count < maxBatch, !stopped, condition.wait(until: deadline) {}
        if stopped { return nil }
        let batch = Array(pending.prefix(maxBatch))
        pending.removeFirst(batch.count)
        largest = max(largest, batch.count)
        return batch
    }

    private func run(_ batch: [Pending]) {
        Self.engineLock.lock()
        var prepared: [(request: Pending, input: Model.Input)] = []
        var failed: [(request: Pending, error: Error)] = []
        for request in batch {
            do {
                prepared.append((request, try model.prepare(request.upload)))
            } catch {
                failed.append((request, error))
            }
        }
        let answers = Result<[JSONValue], Error> { prepared.isEmpty ? [] : try model.run(prepared.map(\.input)) }
        Self.engineLock.unlock()
        for (request, error) in failed { request.continuation.resume(throwing: error) }
        switch answers {
        case .success(let answers):
            for (item, answer) in zip(prepared, answers) { item.request.continuation.resume(returning: answer) }
        case .failure(let error):
            let reported = error as? ServeError ?? ServeError.inference("\(error)")
            for item in prepared { item.request.continuation.resume(throwing: reported) }
        }
    }
}

/// The one lock every model's batches run under.
enum EngineLock {
    static let shared = NSLock()
}
