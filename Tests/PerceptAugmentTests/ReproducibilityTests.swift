import PerceptImage
import Testing
@testable import PerceptAugment

@Suite("Runs are reproducible")
struct ReproducibilityTests {
    @Test("the generator gives the same stream for a seed and different streams for different seeds")
    func generator() {
        var first = AugmentRandom(seed: 9), second = AugmentRandom(seed: 9), other = AugmentRandom(seed: 10)
        let a = (0..<8).map { _ in first.next() }
        #expect(a == (0..<8).map { _ in second.next() })
        #expect(a != (0..<8).map { _ in other.next() })
        var bounded = AugmentRandom(seed: 1)
        #expect((0..<1000).allSatisfy { _ in (3...7).contains(bounded.integer(in: 3...7)) })
    }

    @Test("every spatial transform gives the same bytes for the same seed", arguments: 0..<21)
    func sameSeedSameBytes(index: Int) throws {
        let transform = try spatialTransforms()[index]
        let sample = try markedSample()
        var first = AugmentRandom(seed: 77), second = AugmentRandom(seed: 77)
        var context = AugmentContext(), again = AugmentContext()
        #expect(try transform.run(sample, random: &first, context: &context) == transform.run(sample, random: &second, context: &again))
    }

    @Test("recorded parameters replay to the same result", arguments: 0..<21)
    func replay(index: Int) throws {
        let transform = try spatialTransforms()[index]
        let sample = try markedSample()
        var random = AugmentRandom(seed: 123)
        var recording = AugmentContext(recording: true)
        let original = try transform.run(sample, random: &random, context: &recording)
        #expect(recording.records.count == 1)
        var unused = AugmentRandom(seed: 999)
        var replaying = AugmentContext(replaying: recording.records)
        #expect(try transform.run(sample, random: &unused, context: &replaying) == original)
    }

    @Test("replaying records of another transform is an error naming both")
    func replayMismatch() throws {
        let sample = try markedSample()
        var random = AugmentRandom(seed: 1)
        var recording = AugmentContext(recording: true)
        _ = try Flip(.horizontal, probability: 1).run(sample, random: &random, context: &recording)
        var replaying = AugmentContext(replaying: recording.records)
        #expect(throws: AugmentError.replayMismatch(expected: "VerticalFlip", found: "HorizontalFlip")) {
            try Flip(.vertical, probability: 1).run(sample, random: &random, context: &replaying)
        }
    }
}
