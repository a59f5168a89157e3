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
    let inputs = try (0..<count).map { image in
        try Tensor((0..<(side * side)).map { pixel in
            Float(0.5 + 0.4 * sin(Double(pixel % side) * 0.7 + Double(pixel / side) * 0.3 + Double(image)))
        }, shape: [1, side, side])
    }
    return try TensorDataset(inputs: inputs, labels: (0..<count).map { $0 % 2 }, classNames: ["a", "b"])
}

extension PerceptTrainTests {
    @Suite("Autoencoder training: noise, losses, KL, PSNR, PCA")
    struct AutoencoderTaskTests {
        @Test("noise specs parse, and a spec that does not parse names itself", arguments: [
            ("gaussian:0.3", ImageNoise.gaussian(sigma: 0.3)), ("salt-pepper:0.1", .saltPepper(amount: 0.1)), ("cutout:0.25", .cutout(fraction: 0.25)),
        ])
        func noiseParsing(spec: String, expected: ImageNoise) throws {
            #expect(try ImageNoise(parsing: spec) == expected)
            #expect(expected.description == spec)
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
            let deviation = (noisy.map { Double($0 - 0.5) * Double($0 - 0.5) }.reduce(0, +) / Double(noisy.count)).squareRoot()
            #expect(abs(deviation - 0.1) < 0.005)
            let salted = try ImageNoise.saltPepper(amount: 0.2).apply(to: gray, generator: &generator).toArray()
            let changed = Double(salted.filter { $0 != 0.5 }.count) / Double(salted.count)
            #expect(abs(changed - 0.2) < 0.03)
            #expect(salted.allSatisfy { $0 == 0 || $0 == 0.5 || $0 == 1 })
            let cut = try ImageNoise.cutout(fraction: 0.25).apply(to: gray, generator: &generator).toArray()
            for image in 0..<4 { #expect(cut[(image * 1024)..<((image + 1) * 1024)].filter { $0 == 0 }.count == 16 * 16) }
        }

        @Test("PSNR: a uniform error of 0.1 is 20 dB, identical images 100 dB")
        func psnr() throws {
            let clean = Tensor.full([2, 1, 4, 4], 0.5)
            #expect(try PeakSignalToNoise.perImage(clean + 0.1, clean).allSatisfy { abs($0 - 20) < 1e-4 })
            #expect(try PeakSignalToNoise.perImage(clean, clean) == [100, 100])
        }

        @Test("the KL term equals its closed form ½(σ² + μ² − 1 − log σ²) summed over the code")
        func klClosedForm() throws {
            let mean = try Tensor([0.5, -1, 0, 2, 0.25, -0.75], shape: [2, 3])
            let logVariance = try Tensor([0, 0.5, -1, 0.2, -0.3, 1], shape: [2, 3])
            let closedForm = zip(mean.toArray(), logVariance.toArray()).map { mu, logVar in
                0.5 * (exp(Double(logVar)) + Double(mu * mu) - 1 - Double(logVar))
            }.reduce(0, +)
            let kl = try Loss.gaussianKLDivergence(mean: mean, logVariance: logVariance, reduction: .sum).item()
            #expect(abs(Double(kl) - closedForm) < 1e-5)
            #expect(try Loss.gaussianKLDivergence(mean: Tensor.zeros([2, 3]), logVariance: Tensor.zeros([2, 3]), reduction: .sum).item() == 0)
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
            let closedForm = zip(code.mean.toArray(), try #require(code.logVariance).toArray()).map { mu, logVar in
                0.5 * (exp(Double(logVar)) + Double(mu * mu) - 1 - Double(logVar))
            }.reduce(0, +) / 6
            let metrics = result.metrics
            #expect(abs((metrics["kl"] ?? -1) - closedForm) < 1e-4 * max(1, closedForm))
            #expect(abs((metrics["elbo"] ?? 0) + (metrics["reconstruction"] ?? 0) + (metrics["kl"] ?? 0)) < 1e-6)
            #expect(abs(result.loss + (metrics["elbo"] ?? 0)) < 1e-3 * max(1, result.loss))
        }

        @Test("β rises linearly over the warm-up epochs, then stays")
        func betaWarmup() throws {
            let model = try #require(try ModelRegistry.build("vae", configuration: .init(numClasses: 2, inputChannels: 1, imageSize: 8)) as? any Autoencoder)
            var settings = AutoencoderSettings()
            settings.beta = 2
            settings.betaWarmupEpochs = 2
            let task = AutoencoderTask(settings: settings, model: model)
            task.follow(TrainingProgress(), stepsPerEpoch: 10)
            #expect(task.beta(atStep: 0) == 0.1 && task.beta(atStep: 9) == 1 && task.beta(atStep: 19) == 2 && task.beta(atStep: 100) == 2)
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
            var shown = DataLoader(data, batchSize: 4, sampler: .sequential).batches(epoch: 0)
            let first = try #require(try shown.next())
            trainer.callbacks = [try AutoencoderSnapshots(folder: folder.path + "/samples", images: first.input, labels: first.target, task: task, model: autoencoder)]
            try trainer.run()
            let last = try #require(trainer.history.last?.validationMetrics)
            #expect((last["psnr"] ?? 0) > (last["psnr_input"] ?? 100) + 3, "\(last)")
            for epoch in [1, 60] {
                let image = try Image(contentsOf: URL(fileURLWithPath: folder.path + String(format: "/samples/epoch_%03d_denoised.png", epoch)))
                #expect(image.width == 4 * 18 + 2 && image.height == 3 * 18 + 2)
            }
        }

        @Test("PCA finds the direction of largest spread and its variance")
        func principalComponents() throws {
            // Points along (3, 4)/5 with spread 2, plus a small spread 0.1 along (−4, 3)/5.
            var rows: [Float] = []
            for index in 0..<200 {
                let a = Double(index % 21 - 10) / 10 * 2 * (3.0 / 1.1).squareRoot(), b = (index % 2 == 0 ? 0.1 : -0.1)
                rows += [Float(1 + a * 0.6 - b * 0.8), Float(-2 + a * 0.8 + b * 0.6), 5]
            }
            let pca = try PrincipalComponents(rows: rows, features: 3, components: 2)
            #expect(abs(pca.components[0][0] - 0.6) < 1e-6 && abs(pca.components[0][1] - 0.8) < 1e-6 && abs(pca.components[0][2]) < 1e-9)
            #expect(abs(abs(pca.components[1][0]) - 0.8) < 1e-4 && abs(abs(pca.components[1][1]) - 0.6) < 1e-4)
            #expect(pca.variances[0] > 3.5 && pca.variances[1] < 0.02)
            let projected = pca.project(Array(rows[0..<3]))
            #expect(projected.count == 2)
            #expect(throws: PrincipalComponentsError.self) { try PrincipalComponents(rows: [1, 2, 3], features: 3, components: 2) }
        }
    }
}
