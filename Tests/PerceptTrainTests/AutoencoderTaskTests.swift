import Foundation
import Testing
import PerceptData
import PerceptImage
import PerceptModels
import PerceptNN
import PerceptTensor
@testable import PerceptTrain

/// `count` gray `side`×`side` images in 0…1 (smooth gradients with a per-image phase) with labels cycling over 2 classes.
func smoothImages(count: Int, side: Int) throws -> TensorDataset {
    var inputs: [Tensor] = []
    for image in 0..<count {
        var values: [Float] = []
        for pixel in 0..<(side * side) {
            let phase = Double(pixel % side) * 0.7 + Double(pixel / side) * 0.3 + Double(image)
            values.append(Float(0.5 + 0.4 * sin(phase)))
        }
        inputs.append(try Tensor(values, shape: [1, side, side]))
    }
    return try TensorDataset(inputs: inputs, labels: (0..<count).map { $0 % 2 }, classNames: ["a", "b"])
}

extension PerceptTrainTests {
    @Suite("Autoencoder training: noise, losses, KL, PSNR, PCA")
    struct AutoencoderTaskTests {
        static let specs: [(String, ImageNoise)] = [
            ("gaussian:0.3", ImageNoise.gaussian(sigma: 0.3)), ("salt-pepper:0.1", ImageNoise.saltPepper(amount: 0.1)),
            ("cutout:0.25", ImageNoise.cutout(fraction: 0.25)),
        ]

        @Test("noise specs parse and print back as given")
        func noiseParsing() throws {
            for (spec, expected) in Self.specs {
                let parsed = try ImageNoise(parsing: spec)
                #expect(parsed == expected)
                #expect(expected.description == spec)
            }
        }

        @Test("bad noise specs are refused with the spec and the reason",
              arguments: ["gaussian", "gaussian:abc", "gaussian:-1", "salt-pepper:2", "cutout:0", "blur:0.3", ":0.3"])
        func badNoise(spec: String) {
            #expect {
                try ImageNoise(parsing: spec)
            } throws: { error in
                guard let error = error as? ImageNoiseError else { return false }
                return error.spec == spec && error.description.contains("'\(spec)'") && !error.reason.isEmpty
            }
        }

        @Test("Gaussian noise has the given spread, salt-and-pepper the given share, cutout one square of the given area")
        func noiseStatistics() throws {
            let gray = Tensor.full([4, 1, 32, 32], 0.5)
            var generator = RandomGenerator(seed: 3)
            let noisy = try ImageNoise.gaussian(sigma: 0.1).apply(to: gray, generator: &generator).toArray()
            let squares: [Double] = noisy.map { value in
                let difference = Double(value) - 0.5
                return difference * difference
            }
            let deviation: Double = (squares.reduce(0, +) / Double(noisy.count)).squareRoot()
            #expect(abs(deviation - 0.1) < 0.005)
            let salted = try ImageNoise.saltPepper(amount: 0.2).apply(to: gray, generator: &generator).toArray()
            let changedCount = salted.filter { $0 != 0.5 }.count
            let changed = Double(changedCount) / Double(salted.count)
            #expect(abs(changed - 0.2) < 0.03)
            #expect(salted.allSatisfy { $0 == 0 || $0 == 0.5 || $0 == 1 })
            let cut = try ImageNoise.cutout(fraction: 0.25).apply(to: gray, generator: &generator).toArray()
            for image in 0..<4 {
                let zeros = cut[(image * 1024)..<((image + 1) * 1024)].filter { $0 == 0 }.count
                #expect(zeros == 256)
            }
        }

        @Test("PSNR: a uniform error of 0.1 is 20 dB, identical images 100 dB")
        func psnr() throws {
            let clean = Tensor.full([2, 1, 4, 4], 0.5)
            let off: [Double] = try PeakSignalToNoise.perImage(clean + 0.1, clean)
            #expect(off.count == 2)
            for value in off { #expect(abs(value - 20) < 1e-4) }
            let same: [Double] = try PeakSignalToNoise.perImage(clean, clean)
            #expect(same == [100, 100])
        }

        @Test("the KL term equals its closed form ½(σ² + μ² − 1 − log σ²) summed over the code")
        func klClosedForm() throws {
            let mean = try Tensor([0.5, -1, 0, 2, 0.25, -0.75], shape: [2, 3])
            let logVariance = try Tensor([0, 0.5, -1, 0.2, -0.3, 1], shape: [2, 3])
            let closedForm = Self.closedFormKL(mean.toArray(), logVariance.toArray())
            let kl: Float = try Loss.gaussianKLDivergence(mean: mean, logVariance: logVariance, reduction: .sum).item()
            #expect(abs(Double(kl) - closedForm) < 1e-5)
            let zero: Float = try Loss.gaussianKLDivergence(mean: Tensor.zeros([2, 3]), logVariance: Tensor.zeros([2, 3]), reduction: .sum).item()
            #expect(zero == 0)
        }

        /// Σ ½(σ² + μ² − 1 − log σ²), the KL of N(μ, σ²) from N(0, 1), in Double.
        static func closedFormKL(_ means: [Float], _ logVariances: [Float]) -> Double {
            var sum = 0.0
            for (mu, logVar) in zip(means, logVariances) {
                let m = Double(mu), l = Double(logVar)
                sum += 0.5 * (exp(l) + m * m - 1 - l)
            }
            return sum
        }

        @Test("a VAE's validation reports the KL of its own codes, and elbo = −(reconstruction + KL)")
        func vaeValidationKL() throws {
            Tensor.manualSeed(5)
            let model = try #require(try ModelRegistry.build("vae", configuration: .init(numClasses: 2, inputChannels: 1, imageSize: 8)) as? any Autoencoder)
            let task = AutoencoderTask(settings: AutoencoderSettings(), model: model)
            #expect(task.metricNames == ["psnr", "reconstruction", "kl", "elbo"] && task.fitnessMetric == "elbo")
            let loader = try DataLoader(smoothImages(count: 6, side: 8), batchSize: 6, sampler: .sequential)
            let result = try ValidationResult.evaluate(model, task: task, data: loader)
            var batches = loader.batches(epoch: 0)
            let batch = try #require(try batches.next())
            let code = try withoutGrad { try model.encode(batch.input, labels: nil) }
            let logVariance = try #require(code.logVariance)
            let closedForm = Self.closedFormKL(code.mean.toArray(), logVariance.toArray()) / 6
            let kl = try #require(result.metrics["kl"]), elbo = try #require(result.metrics["elbo"])
            let reconstruction = try #require(result.metrics["reconstruction"])
            #expect(abs(kl - closedForm) <= 1e-4 * max(1, closedForm))
            #expect(abs(elbo + reconstruction + kl) < 1e-6)
            #expect(abs(result.loss + elbo) <= 1e-3 * max(1, result.loss))
        }

        @Test("β rises linearly over the warm-up epochs, then stays")
        func betaWarmup() throws {
            let model = try #require(try ModelRegistry.build("vae", configuration: .init(numClasses: 2, inputChannels: 1, imageSize: 8)) as? any Autoencoder)
            var settings = AutoencoderSettings()
            settings.beta = 2
            settings.betaWarmupEpochs = 2
            let task = AutoencoderTask(settings: settings, model: model)
            task.follow(TrainingProgress(), stepsPerEpoch: 10)
            let betas: [Double] = [0, 9, 19, 100].map { task.beta(atStep: $0) }
            #expect(betas == [0.1, 1, 2, 2])
        }

        @Test("a denoising conv_ae trained briefly reconstructs better than the noisy input it is given, and writes its pictures")
        func denoisingTraining() throws {
            Tensor.manualSeed(1)
            let model = try ModelRegistry.build("conv_ae", configuration: .init(numClasses: 2, inputChannels: 1, imageSize: 8, options: ["latent": 16, "width": 8]))
            let autoencoder = try #require(model as? any Autoencoder)
            var settings = AutoencoderSettings()
            settings.noise = [.gaussian(sigma: 0.3)]
            settings.loss = .mse
            let task = AutoencoderTask(settings: settings, model: autoencoder)
            #expect(task.metricNames == ["psnr", "psnr_input"] && task.fitnessMetric == "psnr")
            let data = try smoothImages(count: 16, side: 8)
            var trainerSettings = TrainerSettings()
            trainerSettings.epochs = 60
            trainerSettings.learningRate = 3e-3
            let folder = try TemporaryFolder()
            let trainer = try Trainer(model: model, description: ModelDescription(name: "conv_ae", configuration: .init(numClasses: 2, inputChannels: 1, imageSize: 8)),
                                      task: task, training: DataLoader(data, batchSize: 8, seed: 1), validation: DataLoader(data, batchSize: 16, sampler: .sequential),
                                      settings: trainerSettings)
            task.follow(trainer.progress, stepsPerEpoch: 2)
            var shown = try DataLoader(data, batchSize: 4, sampler: .sequential).batches(epoch: 0)
            let first = try #require(try shown.next())
            trainer.callbacks = [try AutoencoderSnapshots(folder: folder.path + "/samples", images: first.input, labels: first.target, task: task, model: autoencoder)]
            try trainer.run()
            let last = try #require(trainer.history.last?.validationMetrics)
            let psnr = try #require(last["psnr"]), inputPSNR = try #require(last["psnr_input"])
            #expect(psnr > inputPSNR + 3, "\(last)")
            for epoch in [1, 60] {
                let image = try Image(contentsOf: URL(fileURLWithPath: folder.path + String(format: "/samples/epoch_%03d_denoised.png", epoch)))
                #expect(image.width == 4 * 18 + 2 && image.height == 3 * 18 + 2)
            }
        }

        @Test("PCA finds the direction of largest spread and its variance")
        func principalComponents() throws {
            // Points along (3, 4)/5 spread over ±2, plus ±0.1 along (−4, 3)/5.
            var rows: [Float] = []
            // Every spread value with both offsets, so the two directions are exactly uncorrelated.
            for index in 0..<42 {
                let along: Double = Double(index / 2 - 10) / 5
                let across: Double = index % 2 == 0 ? 0.1 : -0.1
                let x: Double = 1 + 0.6 * along - 0.8 * across
                let y: Double = -2 + 0.8 * along + 0.6 * across
                rows.append(Float(x))
                rows.append(Float(y))
                rows.append(5)
            }
            let pca = try PrincipalComponents(rows: rows, features: 3, components: 2)
            let first = pca.components[0], second = pca.components[1]
            #expect(abs(first[0] - 0.6) < 1e-5)
            #expect(abs(first[1] - 0.8) < 1e-5)
            #expect(abs(first[2]) < 1e-9)
            #expect(abs(abs(second[0]) - 0.8) < 1e-4)
            #expect(abs(abs(second[1]) - 0.6) < 1e-4)
            #expect(pca.variances[0] > 1)
            #expect(pca.variances[1] < 0.02)
            let projected = pca.project(Array(rows[0..<3]))
            #expect(projected.count == 2)
            #expect(throws: PrincipalComponentsError.self) { try PrincipalComponents(rows: [1, 2, 3], features: 3, components: 2) }
        }
    }
}
