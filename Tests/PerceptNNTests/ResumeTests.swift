import Foundation
import Testing
import PerceptTensor
@testable import PerceptNN

/// A model with dropout and batch norm, for the resume test.
final class ResumeNet: Module, Layer {
    var hidden = try! Linear(4, 16)
    var norm = try! BatchNorm1d(16)
    var dropout = try! Dropout(probability: 0.3)
    var head = try! Linear(16, 3)

    func forward(_ input: Tensor) throws -> Tensor {
        try head(dropout(norm(hidden(input)).relu()))
    }
}

extension PerceptNNTests {
    @Suite("Checkpoints resume training exactly")
    struct ResumeTests {
        struct Run {
            let model: ResumeNet
            let optimizer: AdamW
            let scheduler: LearningRateScheduler

            init(seed: UInt64) throws {
                Tensor.manualSeed(seed)
                model = ResumeNet()
                optimizer = try AdamW(model, learningRate: 0.01)
                scheduler = try LearningRateScheduler(optimizer, schedule: .cosine(period: 10))
            }

            func train(steps: Int) throws {
                var generator = RandomGenerator(seed: 99)
                let inputs = Tensor.randomNormal([8, 4], generator: &generator)
                let labels = try Tensor(indices: [0, 1, 2, 0, 1, 2, 0, 1], shape: [8])
                for _ in 0..<steps {
                    optimizer.zeroGrad()
                    try Loss.crossEntropy(model(inputs), labels).backward()
                    try optimizer.step()
                    scheduler.step()
                }
            }
        }

        @Test("two steps, a checkpoint, fresh objects and two more steps equal four steps bit for bit")
        func resume() throws {
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("nn-resume-\(UUID()).safetensors").path
            defer { try? FileManager.default.removeItem(atPath: path) }
            let uninterrupted = try Run(seed: 5)
            try uninterrupted.train(steps: 4)

            let first = try Run(seed: 5)
            try first.train(steps: 2)
            try Checkpoint.capture(model: first.model, optimizer: first.optimizer, schedule: first.scheduler, step: 2).write(to: path)
            Tensor.manualSeed(12345)

            let resumed = try Run(seed: 77)
            let checkpoint = try Checkpoint.read(from: path)
            try checkpoint.restore(model: resumed.model, optimizer: resumed.optimizer, schedule: resumed.scheduler)
            #expect(checkpoint.step == 2)
            try resumed.train(steps: 2)

            for (name, value) in uninterrupted.model.stateDict() {
                #expect(resumed.model.stateDict()[name]?.toArray() == value.toArray(), "\(name) differs after resuming")
            }
            #expect(resumed.scheduler.learningRates == uninterrupted.scheduler.learningRates)
            #expect(try resumed.optimizer.stateDict() == uninterrupted.optimizer.stateDict())
        }
    }
}
