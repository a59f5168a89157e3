import Foundation
import PerceptTensor
import PerceptNN

// A test helper, not part of the `percept` product: trains the resume test's model on one
// thread so the PerceptNN tests can check, across processes, that a checkpoint resumes
// training bit for bit.
//
//   PerceptResumeProbe STEPS OUTPUT [RESUME]
//
// Starts from seed 5 (or, with RESUME, from that checkpoint after seeding differently so
// only the checkpoint can make the runs agree), trains STEPS steps and writes the checkpoint
// to OUTPUT.

/// The resume test's model: batch norm and dropout, so buffers and the random generator
/// matter.
final class ResumeNet: Module, Layer {
    let hidden: Linear
    let norm: BatchNorm1d
    let dropout: Dropout
    let head: Linear

    init(dropoutProbability: Float) throws {
        hidden = try Linear(4, 16)
        norm = try BatchNorm1d(16)
        dropout = try Dropout(probability: dropoutProbability)
        head = try Linear(16, 3)
        super.init()
    }

    func forward(_ input: Tensor) throws -> Tensor {
        try head(dropout(norm(hidden(input)).relu()))
    }
}

/// A wrong command line, reported with the usage.
struct UsageError: Error, CustomStringConvertible {
    let description: String
}

func run(_ arguments: [String]) throws {
    guard arguments.count == 2 || arguments.count == 3, let steps = Int(arguments[0]), steps >= 0 else {
        throw UsageError(description: "usage: PerceptResumeProbe STEPS OUTPUT [RESUME], got \(arguments)")
    }
    Parallel.threads = 1
    BLAS.threads = 1
    Tensor.manualSeed(arguments.count == 3 ? 77 : 5)
    let model = try ResumeNet(dropoutProbability: 0.3)
    let optimizer = try AdamW(model, learningRate: 0.01)
    let scheduler = try LearningRateScheduler(optimizer, schedule: .cosine(period: 10))
    var step = 0
    if arguments.count == 3 {
        let checkpoint = try Checkpoint.read(from: arguments[2])
        try checkpoint.restore(model: model, optimizer: optimizer, schedule: scheduler)
        step = checkpoint.step
    }
    var generator = RandomGenerator(seed: 99)
    let inputs = Tensor.randomNormal([8, 4], generator: &generator)
    let labels = try Tensor(indices: [0, 1, 2, 0, 1, 2, 0, 1], shape: [8])
    for _ in 0..<steps {
        optimizer.zeroGrad()
        try Loss.crossEntropy(model(inputs), labels).backward()
        try optimizer.step()
        scheduler.step()
        step += 1
    }
    try Checkpoint.capture(model: model, optimizer: optimizer, schedule: scheduler, step: step).write(to: arguments[1])
}

do {
    try run(Array(CommandLine.arguments.dropFirst()))
} catch {
    FileHandle.standardError.write(Data("PerceptResumeProbe: error: \(error)\n".utf8))
    exit(error is UsageError ? 2 : 1)
}
