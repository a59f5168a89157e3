import Foundation
import PerceptThreads

/// Runs a search: asks the algorithm for trials, runs up to `parallel` of them at once (each
/// with its share of the thread budget), records every start and end in the store, and on a
/// store that already holds trials first reruns the interrupted ones, so a killed search
/// continues where it stopped. A trial function reports failures (a NaN loss) as a failed
/// result; an error it throws stops the search.
///
/// ```swift
/// let search = TuningSearch(algorithm: RandomSearch(space: space, epochs: 5, seed: 0), store: store, maxTrials: 10, parallel: 1)
/// let records = try search.run(trial: { plan in … }, finished: { records in try store.writeTable(records, space: space, objective: "val_accuracy") })
/// ```
public final class TuningSearch: @unchecked Sendable {
    /// The algorithm.
    public let algorithm: any SearchAlgorithm
    /// Where trials are recorded.
    public let store: TuningStore
    /// The most trials (nil: until the algorithm stops).
    public let maxTrials: Int?
    /// Trials run at once.
    public let parallel: Int

    private let condition = NSCondition()
    private var records: [TrialRecord] = []
    private var interrupted: [TrialPlan] = []
    private var running = 0
    private var exhausted = false
    private var failure: Error?

    /// A search; `parallel` is at least 1.
    public init(algorithm: any SearchAlgorithm, store: TuningStore, maxTrials: Int?, parallel: Int) {
        self.algorithm = algorithm
        self.store = store
        self.maxTrials = maxTrials
        self.parallel = max(1, parallel)
    }

    /// Runs the search to its end and returns every trial. `trial` trains one plan (called on
    /// worker threads); `finished` is called, one at a time, with all trials after each ends.
    public func run(trial: @escaping @Sendable (TrialPlan) throws -> TrialResult,
                    finished: @escaping ([TrialRecord]) throws -> Void) throws -> [TrialRecord] {
        records = try store.load()
        interrupted = records.filter { $0.result == nil }.map(\.plan)
        let budget = ThreadBudget.threads
        ThreadBudget.set(ThreadBudget.threadsPerWorker(parallel))
        defer { ThreadBudget.set(budget) }
        let group = DispatchGroup()
        for index in 0..<parallel {
            group.enter()
            let worker = Thread { [self] in
                work(trial: trial, finished: finished)
                group.leave()
            }
            worker.name = "percept-tune-\(index + 1)"
            worker.stackSize = 8 << 20
            worker.start()
        }
        group.wait()
        if let failure { throw failure }
        return records
    }

    private func work(trial: @Sendable (TrialPlan) throws -> TrialResult, finished: ([TrialRecord]) throws -> Void) {
        while let plan = nextPlan() {
            let outcome = Result { try trial(plan) }
            condition.lock()
            running -= 1
            do {
                let result = try outcome.get()
                try store.save(result, trial: plan.id)
                if let index = records.firstIndex(where: { $0.plan.id == plan.id }) { records[index].result = result }
                try finished(records)
            } catch {
                if failure == nil { failure = error }
            }
            condition.broadcast()
            condition.unlock()
        }
    }

    /// The next plan to run, waiting while the algorithm waits; nil when the search is over
    /// (or failed).
    private func nextPlan() -> TrialPlan? {
        condition.lock()
        defer { condition.unlock() }
        while failure == nil {
            if !interrupted.isEmpty {
                running += 1
                return interrupted.removeFirst()
            }
            let limitReached = maxTrials.map { records.count >= $0 } ?? false
            if exhausted || limitReached { return nil }
            switch algorithm.next(after: records, id: (records.last?.plan.id ?? 0) + 1) {
            case .run(let plan):
                do {
                    try store.save(plan)
                } catch {
                    failure = error
                    condition.broadcast()
                    return nil
                }
                records.append(TrialRecord(plan: plan))
                running += 1
                return plan
            case .wait:
                if running == 0 { return nil }
                condition.wait()
            case .stop:
                exhausted = true
                condition.broadcast()
                return nil
            }
        }
        return nil
    }
}
