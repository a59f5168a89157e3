import Foundation
import PerceptImage
import Testing
@testable import PerceptAugment

@Suite("the bundled pipeline for photos of mixed sizes")
struct PhotoPipelineTests {
    /// Fixtures/pipelines/detection-photos.yaml.
    static let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/pipelines/detection-photos.yaml")

    @Test("detection-photos.yaml turns photos smaller and larger than its crop into 512×512 copies with their boxes",
          arguments: [(200, 150), (300, 600), (512, 512), (1024, 768), (2000, 400), (64, 640)])
    func mixedSizes(width: Int, height: Int) throws {
        let pipeline = try Pipeline(contentsOf: PhotoPipelineTests.file)
        #expect(names(pipeline.root) == ["Compose", "LongestMaxSize", "PadIfNeeded", "HorizontalFlip", "Affine", "ColorJitter", "RandomCrop"])
        // A box in the middle half of the photo survives most crops.
        let box = BoundingBox(minX: Double(width) * 0.25, minY: Double(height) * 0.25, maxX: Double(width) * 0.75, maxY: Double(height) * 0.75)
        let sample = try Sample(image: Image(width: width, height: height, channels: 3), boxes: [box], labels: [1])
        var kept = 0
        for seed in 0..<8 as Range<UInt64> {
            let result = try pipeline.augment(sample, seed: seed)
            #expect(result.sample.image.width == 512 && result.sample.image.height == 512, "\(width)x\(height), seed \(seed)")
            #expect(result.sample.boxes.allSatisfy { $0.minX >= 0 && $0.minY >= 0 && $0.maxX <= 512 && $0.maxY <= 512 })
            kept += result.sample.boxes.count
        }
        #expect(kept > 0, "\(width)x\(height): every copy lost the box")
    }
}
