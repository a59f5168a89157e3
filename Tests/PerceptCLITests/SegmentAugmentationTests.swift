import Foundation
@testable import PerceptCLI
import PerceptData
import PerceptTensor
import Testing

/// `segment train`'s default augmentation, `flip-rotate`: the mask moves with the pixels, every
/// orientation of the dihedral group is reached on a square image, and an oblong image keeps its
/// shape (flips only), so batches still stack.
@Suite("percept segment train --augment flip-rotate")
struct SegmentAugmentationTests {
    /// An image whose every pixel holds its own index (in all channels) and a mask holding the
    /// index modulo 5, so any output pixel says where it came from and which id it must carry.
    private func numberedExample(height: Int, width: Int) throws -> Example {
        let pixels = height * width
        let values = (0..<3).flatMap { _ in (0..<pixels).map { Float($0) / 255 } }
        return Example(input: try Tensor(values, shape: [3, height, width]),
                       target: try Tensor(indices: (0..<pixels).map { $0 % 5 }, shape: [height, width]))
    }

    @Test("the mask moves with the image; a square reaches all 8 orientations, an oblong image its 4 flips and keeps its shape",
          arguments: [(8, 8, 8), (6, 8, 4)])
    func masksFollowPixels(height: Int, width: Int, orientations: Int) throws {
        let transform = try #require(try SegmentAugmentation.transform(SegmentAugmentation.flipRotate))
        let example = try numberedExample(height: height, width: width)
        var seen = Set<[Int]>()
        for seed in UInt64(0)..<200 {
            let moved = try transform(example, seed)
            let sources = moved.input.toArray().prefix(height * width).map { Int(($0 * 255).rounded()) }
            let sourceSide = moved.target.shape == [height, width] ? (height, width) : (width, height)
            #expect(moved.input.shape == [3, sourceSide.0, sourceSide.1] && moved.target.shape == [sourceSide.0, sourceSide.1])
            #expect(sources.map { $0 % 5 } == moved.target.toIntArray(), "seed \(seed): a mask pixel left its image pixel")
            #expect(Set(sources) == Set(0..<height * width), "seed \(seed): pixels were lost or invented")
            if height != width { #expect(moved.target.shape == [height, width], "seed \(seed): an oblong image was turned") }
            seen.insert(sources)
        }
        #expect(seen.count == orientations)
    }

    @Test("none trains on the images as they are; another value is read as a pipeline file, naming it when missing")
    func namesAndFiles() throws {
        let named = try SegmentAugmentation.transform(SegmentAugmentation.none) == nil
        let unset = try SegmentAugmentation.transform(nil) == nil
        #expect(named && unset, "none or no value still augments")
        do {
            _ = try SegmentAugmentation.transform("/nonexistent/pipeline.yaml")
            Issue.record("a missing pipeline file was accepted")
        } catch {
            #expect("\(error)".contains("/nonexistent/pipeline.yaml"), "\(error)")
        }
    }
}
