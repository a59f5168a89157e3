import Foundation
import PerceptImage
import Testing
@testable import PerceptAugment

/// A fixture under Fixtures/augment/.
func augmentFixture(_ name: String) -> URL {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/augment/\(name)")
}

/// The transform names of a composition, depth first.
func names(_ transform: any Transform) -> [String] {
    let children: [any Transform] = switch transform {
    case let compose as Compose: compose.children
    case let oneOf as OneOf: oneOf.children
    case let someOf as SomeOf: someOf.children
    case let order as RandomOrder: order.children
    default: []
    }
    return [transform.name] + children.flatMap(names)
}

@Suite("Pipelines: composition, batches and files")
struct PipelineTests {
    @Test("the reference pipeline loads from Percept's YAML with its box settings")
    func perceptYAML() throws {
        let pipeline = try Pipeline(contentsOf: augmentFixture("detection.yaml"))
        #expect(names(pipeline.root) == ["Compose", "HorizontalFlip", "Affine", "ColorJitter", "GaussianBlur", "RandomCrop"])
        #expect(pipeline.settings == BoxSettings(minVisibility: 0.3, minArea: 4))
        let affine = try #require(pipeline.root.children[1] as? Affine)
        #expect(affine.rotate == -15...15 && affine.scale == AxisRanges(0.8...1.2) && affine.translatePercent == AxisRanges(-0.1...0.1))
    }

    @Test("a JSON pipeline with nested compositions loads and runs")
    func perceptJSON() throws {
        let pipeline = try Pipeline(contentsOf: augmentFixture("segmentation.json"))
        #expect(names(pipeline.root) == ["Compose", "OneOf", "Rotate", "Perspective", "SomeOf", "RandomGamma", "ToGray", "Sharpen",
                                         "RandomOrder", "GaussNoise", "Posterize", "PadIfNeeded", "LetterBox"])
        #expect(pipeline.settings == BoxSettings(minVisibility: 0.1, minSize: 2, keepKeypointsOutside: true))
        let result = try pipeline.augment(markedSample(), seed: 3)
        #expect(result.sample.image.size == ImageSize(width: 128, height: 128))
        expectBoxesMatchMasks(result.sample, tolerance: 1.5, "segmentation pipeline")
    }

    @Test("files written by Albumentations' A.save load, in JSON and YAML")
    func albumentationsFiles() throws {
        for file in ["albumentations-detection.json", "albumentations-detection.yaml"] {
            let pipeline = try Pipeline(contentsOf: augmentFixture(file))
            #expect(names(pipeline.root) == ["Compose", "HorizontalFlip", "Affine", "ColorJitter", "GaussianBlur", "RandomCrop"], "\(file)")
            #expect(pipeline.settings.minVisibility == 0.3)
            let jitter = try #require(pipeline.root.children[2] as? ColorJitter)
            #expect(jitter.brightness == 0.8...1.2 && jitter.hue == -0.05...0.05)
            let blur = try #require(pipeline.root.children[3] as? GaussianBlur)
            #expect(blur.blurLimit == 0...0 && blur.sigmaLimit == 0.5...3)
        }
    }

    @Test("an Albumentations file with a transform Percept lacks names it and its line")
    func albumentationsMissing() throws {
        do {
            _ = try Pipeline(contentsOf: augmentFixture("albumentations-mixed.json"))
            Issue.record("expected an error")
        } catch let error as AugmentError {
            #expect(error.description.contains("albumentations-mixed.json:"))
            #expect(error.description.contains("Percept has no Superpixels (line "))
        }
    }

    @Test("invalid files give errors naming the file, the line and the problem", arguments: [
        ("bad-unknown-transform.yaml", 4, "unknown transform 'Blurry'"),
        ("bad-argument.yaml", 6, "Affine: scale: expected a number or a list of numbers, found 'big'"),
        ("bad-unknown-argument.json", 3, "RandomCrop: colour: unknown argument"),
    ])
    func invalidFiles(file: String, line: Int, message: String) throws {
        let url = augmentFixture(file)
        #expect(throws: AugmentError.pipelineFile(file: url.path, line: line, message: message)) {
            try Pipeline(contentsOf: url)
        }
    }

    @Test("broken YAML and a bad probability are reported with their lines")
    func syntaxErrors() throws {
        #expect(throws: AugmentError.self) { try Pipeline(text: "transforms: [\n  {name: HorizontalFlip", file: "x.yaml") }
        #expect(throws: AugmentError.pipelineFile(file: "p.yaml", line: 2, message: "OneOf: p must be in 0...1, found 2.0")) {
            try Pipeline(text: "transforms:\n  - name: OneOf\n    p: 2\n    transforms: [{name: ToGray}]\n", file: "p.yaml")
        }
    }

    @Test("a run with records replays to the same sample through the whole pipeline")
    func pipelineReplay() throws {
        let pipeline = try Pipeline(contentsOf: augmentFixture("segmentation.json"))
        let sample = try markedSample()
        let original = try pipeline.augment(sample, seed: 11, recording: true)
        #expect(original.records.count >= 5)
        let replayed = try pipeline.replay(sample, records: original.records)
        #expect(replayed.sample == original.sample)
        let encoded = try JSONEncoder().encode(original.records)
        #expect(String(decoding: encoded, as: UTF8.self).contains("\"name\":\"OneOf\""))
    }

    @Test("OneOf runs exactly one child, SomeOf the chosen count, RandomOrder all")
    func compositions() throws {
        let sample = try markedSample()
        let oneOf = try OneOf([Flip(.horizontal, probability: 0), Flip(.vertical, probability: 0)], probability: 1)
        var random = AugmentRandom(seed: 2)
        var context = AugmentContext(recording: true)
        let result = try oneOf.run(sample, random: &random, context: &context)
        #expect(result != sample, "the chosen child runs even with p = 0")
        #expect(context.records.filter { $0.parameters != nil }.count == 2)
        var counting = AugmentContext(recording: true)
        _ = try SomeOf([ToGray(probability: 1), Equalize(probability: 1), ChannelShuffle(probability: 1)], count: 2...2)
            .run(sample, random: &random, context: &counting)
        #expect(counting.records.count == 3)
    }

    @Test("batch results do not depend on the thread count and match single runs")
    func batch() throws {
        let pipeline = try Pipeline(contentsOf: augmentFixture("segmentation.json"))
        let samples = try (0..<6).map { try markedSample(seed: UInt64($0)) }
        let serial = pipeline.augment(batch: samples, seed: 5, threads: 1).map { try? $0.get().sample }
        let parallel = pipeline.augment(batch: samples, seed: 5, threads: 3).map { try? $0.get().sample }
        #expect(serial == parallel)
        #expect(serial.allSatisfy { $0 != nil })
        #expect(serial[4] == (try pipeline.augment(samples[4], seed: AugmentRandom.derivedSeed(5, index: 4)).sample))
    }
}
