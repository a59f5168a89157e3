import Foundation
import PerceptModels
import PerceptTensor
import Testing
@testable import PerceptTrain

/// The gradient buckets: their layout, the order they start in, and that their allreduce
/// starts while the backward pass still runs (in a real pass, and between two ranks under mpirun).
@Suite("gradient buckets")
struct GradientBucketTests {
    @Test("parameters fill buckets last first: a small first bucket, then buckets closed once they reach the size")
    func layout() {
        let schedule = BucketSchedule(counts: [10, 20, 300, 5, 1000], bucketFloats: 250, firstBucketFloats: 100)
        #expect(schedule.buckets == [[4], [3, 2], [1, 0]])
        #expect(BucketSchedule(counts: [3, 4], bucketFloats: 100, firstBucketFloats: 100).buckets == [[1, 0]])
        #expect(BucketSchedule(counts: [], bucketFloats: 100, firstBucketFloats: 10).buckets.isEmpty)
    }

    @Test("a complete bucket starts only after every bucket before it, whatever order the gradients arrive in")
    func startsInOrder() {
        var schedule = BucketSchedule(counts: [10, 20, 300, 5, 1000], bucketFloats: 250, firstBucketFloats: 100)
        #expect(schedule.parameterFinal(1).isEmpty)
        #expect(schedule.parameterFinal(0).isEmpty)   // bucket 2 is complete, bucket 0 is not
        #expect(schedule.parameterFinal(4) == 0..<1)
        #expect(schedule.parameterFinal(4).isEmpty)   // a second report changes nothing
        #expect(schedule.parameterFinal(3).isEmpty)
        #expect(schedule.parameterFinal(2) == 1..<3)
        #expect(schedule.remaining().isEmpty)
    }

    @Test("buckets of parameters that got no gradient start after the pass, in order; a reset starts over")
    func remainingAfterThePass() {
        var schedule = BucketSchedule(counts: [10, 20, 300, 5, 1000], bucketFloats: 250, firstBucketFloats: 100)
        #expect(schedule.parameterFinal(4) == 0..<1)
        #expect(schedule.parameterFinal(0).isEmpty)
        #expect(schedule.remaining() == 1..<3)
        schedule.reset()
        #expect(schedule.started == 0)
        #expect(schedule.parameterFinal(4) == 0..<1)
    }

    @Test("in fashion_cnn's backward pass, buckets become startable before the pass has finished its last parameter",
          arguments: [(1 << 14, 1 << 12, 2), (DataParallel.bucketFloats, DataParallel.firstBucketFloats, 1)])
    func overlapInARealPass(bucketFloats: Int, firstBucketFloats: Int, earlyStarts: Int) throws {
        Tensor.manualSeed(3)
        let model = try ModelRegistry.build("fashion_cnn", configuration: ModelConfiguration(numClasses: 10, inputChannels: 1, imageSize: 28))
        let parameters = model.parameters(trainableOnly: true)
        // Small buckets (16k floats, the first 4k) give several; the default, two (the head with f1, the convolutions).
        var schedule = BucketSchedule(counts: parameters.map(\.count), bucketFloats: bucketFloats, firstBucketFloats: firstBucketFloats)
        #expect(schedule.buckets.count >= earlyStarts + 1)
        var indexOf: [LeafID: Int] = [:]
        for (index, parameter) in parameters.enumerated() { indexOf[try #require(parameter.value.leafID)] = index }
        var generator = RandomGenerator(seed: 4)
        let images = Tensor.randomNormal([4, 1, 28, 28], generator: &generator)
        let loss = try Tensor.crossEntropy(model(images), targets: try Tensor(indices: [1, 2, 3, 4]))
        // The event log: "final i" when parameter i's gradient is final, "start b" when bucket b may start.
        var log: [String] = []
        try loss.backward { leaf, gradient in
            let index = try #require(indexOf[leaf])
            #expect(gradient.shape == parameters[index].shape)
            log.append("final \(index)")
            log += schedule.parameterFinal(index).map { "start \($0)" }
        }
        #expect(schedule.remaining().isEmpty, "every parameter of fashion_cnn gets a gradient")
        let lastFinal = try #require(log.lastIndex { $0.hasPrefix("final") })
        let starts = log.enumerated().filter { $0.element.hasPrefix("start") }
        #expect(starts.map(\.element) == (0..<schedule.buckets.count).map { "start \($0)" })
        #expect(starts.filter { $0.offset < lastFinal }.count >= earlyStarts, "\(log)")
        #expect(log.filter { $0.hasPrefix("final") }.count == parameters.count)
    }

    @Test("under mpirun the training step's first bucket starts its allreduce during the backward pass, and after it without overlap")
    func overlapUnderMPI() throws {
        let root = try MPIRun.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        let result = try MPIRun.run(ranks: 2, ["bench", "distributed", "--filter", "train-step", "--repeats", "2", "--json"], in: root)
        #expect(result.status == 0, "\(result.stderr)")
        /// The fields of a case's JSON line that matter here.
        struct Case: Decodable {
            var name: String, buckets: Int, startedInBackward: Int
            enum CodingKeys: String, CodingKey { case name = "case", buckets, startedInBackward = "buckets_started_in_backward" }
        }
        let cases = result.stdout.split(separator: "\n").compactMap { try? JSONDecoder().decode(Case.self, from: Data($0.utf8)) }
        let overlapped = cases.filter { $0.name == "train-step-fashion_cnn-b64" }
        let after = cases.filter { $0.name == "train-step-fashion_cnn-b64-after-backward" }
        #expect(!overlapped.isEmpty && !after.isEmpty, "\(result.stdout)")
        #expect(overlapped.allSatisfy { $0.buckets == 2 && $0.startedInBackward == 1 }, "\(result.stdout)")
        #expect(after.allSatisfy { $0.buckets == 2 && $0.startedInBackward == 0 }, "\(result.stdout)")
    }
}
