import Foundation
import Testing
import PerceptData
import PerceptModels
import PerceptNN
import PerceptTensor
@testable import PerceptTrain

/// A clock that moves only when told to: the crafted timeline of a data-wait test.
final class ScriptedClock: @unchecked Sendable {
    private let lock = NSLock()
    private var seconds = 0.0
    var now: Double { lock.withLock { seconds } }
    func advance(_ interval: Double) { lock.withLock { seconds += interval } }
}

/// Four-dimensional examples that take `delay` seconds each to read: real sleeps, or a step of
/// a scripted clock.
struct DelayedDataset: Dataset {
    let inner: TensorDataset
    let delay: Double
    let clock: ScriptedClock?
    var count: Int { inner.count }
    func example(at index: Int) throws -> Example {
        if let clock { clock.advance(delay) } else { Thread.sleep(forTimeInterval: delay) }
        return try inner.example(at: index)
    }
}

/// Stands for a slower training step: `seconds` after every batch, slept or on a scripted clock.
final class SlowStep: TrainingCallback {
    let seconds: Double
    let clock: ScriptedClock?
    init(seconds: Double, clock: ScriptedClock?) { (self.seconds, self.clock) = (seconds, clock) }
    func batchEnded(_ progress: BatchProgress) {
        if let clock { clock.advance(seconds) } else { Thread.sleep(forTimeInterval: seconds) }
    }
}

extension PerceptTrainTests {
    @Suite("The trainer's data-wait share")
    struct DataWaitTests {
        /// One epoch of the tiny model on 16 batches of two examples (batch norm needs two) whose
        /// reading takes `read` seconds a batch and whose step `step` more; returns the epoch's record.
        static func epoch(workers: Int, read: Double, step: Double, clock: ScriptedClock? = nil) throws -> EpochRecord {
            Parallel.threads = 1
            BLAS.threads = 1
            Tensor.manualSeed(3)
            let data = DelayedDataset(inner: try randomData(count: 32), delay: read / 2, clock: clock)
            var settings = TrainerSettings()
            settings.epochs = 1
            let trainer = try Trainer(model: try TinyNet(), description: TrainerTests.description, task: ClassificationTask(classes: 2),
                                      training: try DataLoader(data, batchSize: 2, sampler: .sequential, workers: workers),
                                      validation: nil, settings: settings)
            if let clock { trainer.epochTiming.clock = { clock.now } }
            trainer.callbacks = [SlowStep(seconds: step, clock: clock)]
            try trainer.run()
            return try #require(trainer.history.last)
        }

        @Test("on a scripted timeline (40 ms reading, 25 ms step, 16 batches) the wait is exactly the reading time")
        func craftedTimeline() throws {
            let record = try Self.epoch(workers: 0, read: 0.040, step: 0.025, clock: ScriptedClock())
            #expect(abs(record.dataWaitSeconds - 16 * 0.040) < 1e-9)
            #expect(abs(record.trainingSeconds - 16 * 0.065) < 1e-9)
            #expect(abs(record.dataWaitShare - 0.040 / 0.065) < 1e-9)
        }

        @Test("reading slower than the step: the share falls as workers are added and the reads overlap the steps")
        func workersHideTheReading() throws {
            // Reading a batch takes 40 ms, a step 25 ms: on the training thread the loop waits
            // 40 of every 65 ms; one worker leaves 15 ms of each 40 waited; two keep up.
            let shares = try [0, 1, 2].map { try Self.epoch(workers: $0, read: 0.040, step: 0.025).dataWaitShare }
            #expect(shares[0] > 0.45)
            #expect(shares[1] < shares[0] - 0.1)
            #expect(shares[2] < shares[1] - 0.1)
            #expect(shares[2] < 0.2)
        }
    }
}
