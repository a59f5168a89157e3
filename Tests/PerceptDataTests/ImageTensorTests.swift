import PerceptAugment
import PerceptImage
import PerceptTensor
import Testing
@testable import PerceptData

@Suite("Images as tensors, channels and normalisation")
struct ImageTensorTests {
    /// A 2×1 RGB image: a red pixel and a (10, 20, 30) pixel.
    func twoPixels() throws -> Image {
        try Image(width: 2, height: 1, channels: 3, samples: .uint8([255, 0, 0, 10, 20, 30]))
    }

    @Test("HWC UInt8 becomes CHW Float32 over 255, and back exactly")
    func roundTrip() throws {
        let image = try twoPixels()
        let tensor = image.tensor()
        #expect(tensor.shape == [3, 1, 2])
        let expected: [Float] = [255, 10, 0, 20, 0, 30].map { Float($0) / 255 }
        #expect(tensor.toArray() == expected)
        #expect(try Image(tensor: tensor) == image)
    }

    @Test("an image on a canvas equals padding it and converting, for 8- and 16-bit and float samples; a canvas too small is refused",
          arguments: [SampleType.uint8, .uint16, .float32])
    func onCanvas(type: SampleType) throws {
        let values = (0..<(5 * 3 * 3)).map { UInt8(($0 * 37) % 256) }
        let image = try Image(width: 5, height: 3, channels: 3, samples: .uint8(values)).converted(to: type)
        let full = type.maximumValue
        // Fill values each sample type holds exactly (Ultralytics' grey 114 in 8 bits).
        let first: Float = switch type {
        case .uint8: Float(114) / 255
        case .uint16: Float(13107) / 65535
        case .float32: 0.25
        }
        let fill: [Float] = [first, 0, 1]
        let padded = try image.padded(top: 2, bottom: 1, left: 1, right: 3,
                                      mode: .constant(fill.map { Double($0) * full }))
        let placed = try image.tensor(canvasWidth: 9, canvasHeight: 6, left: 1, top: 2, fill: fill)
        #expect(placed.shape == [3, 6, 9])
        #expect(placed.toArray() == padded.tensor().toArray())
        #expect(throws: DataError.self) { try image.tensor(canvasWidth: 5, canvasHeight: 3, left: 1, top: 0, fill: fill) }
        #expect(throws: DataError.self) { try image.tensor(canvasWidth: 9, canvasHeight: 6, left: 0, top: 0, fill: [0]) }
    }

    @Test("16-bit images scale by 65535 and out-of-range floats clamp on the way back")
    func scalingAndClamping() throws {
        let deep = try Image(width: 1, height: 1, channels: 1, samples: .uint16([65535]))
        #expect(deep.tensor().toArray() == [1])
        let back = try Image(tensor: Tensor([-0.5, 2, 0.5], shape: [3, 1, 1]))
        #expect(back.samples == .uint8([0, 255, 128]))
        #expect(throws: DataError.self) { try Image(tensor: Tensor.zeros([5, 2, 2])) }
    }

    @Test("gray and RGB convert to the channel count asked for")
    func channels() throws {
        let rgb = try twoPixels()
        let gray = try rgb.withChannels(1)
        #expect(gray.channels == 1)
        #expect(gray.samples == .uint8([76, 18]))   // BT.601 luma, rounded
        #expect(try gray.withChannels(3).samples == .uint8([76, 76, 76, 18, 18, 18]))
        let rgba = try Image(width: 1, height: 1, channels: 4, samples: .uint8([1, 2, 3, 200]))
        #expect(try rgba.withChannels(3).samples == .uint8([1, 2, 3]))
        #expect(throws: DataError.self) { try rgb.withChannels(2) }
    }

    @Test("normalisation computed over a dataset gives each channel mean 0 and std 1")
    func computedNormalization() throws {
        let inputs = try [Tensor([0, 1, 2, 3, 10, 10, 10, 14], shape: [2, 2, 2]),
                          Tensor([4, 5, 6, 7, 12, 10, 10, 10], shape: [2, 2, 2])]
        let data = try TensorDataset(inputs: inputs, labels: [0, 1], classNames: ["a", "b"])
        let statistics = try ChannelNormalization.computed(over: data)
        #expect(abs(statistics.mean[0] - 3.5) < 1e-6)
        #expect(abs(statistics.std[0] - Float(5.25).squareRoot()) < 1e-6)
        #expect(abs(statistics.mean[1] - 10.75) < 1e-6)
        let normalised = try (0..<2).map { try statistics.apply(inputs[$0]).toArray() }
        let firstChannel = normalised.flatMap { $0[0..<4] }
        #expect(abs(firstChannel.reduce(0, +)) < 1e-5)
        #expect(abs(firstChannel.map { $0 * $0 }.reduce(0, +) / 8 - 1) < 1e-5)
        // The input itself is untouched.
        #expect(inputs[0].toArray()[0] == 0)
    }

    @Test("given statistics normalise single inputs and batches the same way")
    func givenNormalization() throws {
        let normalization = try ChannelNormalization(mean: [0.5, 0.25], std: [0.5, 0.25])
        let input = try Tensor([1, 0, 0.5, 0.75], shape: [2, 2, 1])
        #expect(try normalization.apply(input).toArray() == [1, -1, 1, 2])
        let batch = try Tensor.stack([input, input])
        #expect(try normalization.applyToBatch(batch).toArray() == [1, -1, 1, 2, 1, -1, 1, 2])
        #expect(throws: DataError.self) { try normalization.apply(Tensor.zeros([3, 2, 2])) }
        #expect(throws: DataError.self) { try ChannelNormalization(mean: [0], std: [0]) }
        #expect(throws: DataError.self) { try ChannelNormalization(mean: [0, 1], std: [1]) }
    }

    @Test("statistics travel in weights metadata and come back the same; damaged entries are errors")
    func metadata() throws {
        let normalization = try ChannelNormalization(mean: [0.286, 0.5], std: [0.353, 0.25])
        #expect(try ChannelNormalization.from(metadata: normalization.metadata, file: "w.safetensors") == normalization)
        #expect(try ChannelNormalization.from(metadata: [:], file: "w.safetensors") == nil)
        let broken = [ChannelNormalization.metadataKey: "{\"mean\": [0.5], \"std\": [0]}"]
        let error = #expect(throws: DataError.self) { try ChannelNormalization.from(metadata: broken, file: "w.safetensors") }
        #expect(error?.file == "w.safetensors")
        let garbage = [ChannelNormalization.metadataKey: "mean"]
        #expect(throws: DataError.malformed(file: "w.safetensors", place: "metadata 'percept.normalize'",
                                            detail: "not {\"mean\": [...], \"std\": [...]}")) {
            try ChannelNormalization.from(metadata: garbage, file: "w.safetensors")
        }
    }
}

@Suite("Augmentation and normalisation as loader transforms")
struct LoaderTransformTests {
    @Test("a pipeline flips each input and normalisation follows it, the target kept")
    func augmentThenNormalize() throws {
        let input = try Tensor([0, 1, 0.2, 0.4], shape: [1, 2, 2])
        let data = try TensorDataset(inputs: [input], labels: [1], classNames: ["a", "b"])
        let flip = try Pipeline(transforms: [Flip(.horizontal, probability: 1)]).exampleTransform()
        let normalization = try ChannelNormalization(mean: [0.5], std: [0.5])
        let loader = try DataLoader(data, batchSize: 1, transform: normalization.transform(after: flip))
        var epoch = loader.batches(epoch: 0)
        let batch = try #require(try epoch.next())
        // Flipped rows [1, 0] and [0.4, 0.2], then (x - 0.5) / 0.5.
        let expected: [Float] = [1, -1, -0.2, -0.6]
        for (found, wanted) in zip(batch.input.toArray(), expected) { #expect(abs(found - wanted) < 1e-6) }
        #expect(batch.target.toIntArray() == [1])
    }
}
