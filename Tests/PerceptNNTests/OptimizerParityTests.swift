import Testing
import PerceptTensor
@testable import PerceptNN

extension PerceptNNTests {
    /// Optimizers, schedules, clipping and initialisers against PyTorch
    /// (Fixtures/parity/nn/{optimizers,schedules,clipping,initializers}.safetensors).
    @Suite("Optimizer parity with PyTorch")
    struct OptimizerParityTests {
        typealias Make = (ParameterGroups) throws -> Optimizer

        static let cases: [(String, Make)] = [
            ("sgd", { try SGD($0, learningRate: 0.1) }),
            ("sgd_momentum", { try SGD($0, learningRate: 0.1, momentum: 0.9) }),
            ("sgd_dampening", { try SGD($0, learningRate: 0.1, momentum: 0.9, dampening: 0.3) }),
            ("sgd_nesterov", { try SGD($0, learningRate: 0.1, momentum: 0.9, nesterov: true) }),
            ("sgd_weight_decay", { try SGD($0, learningRate: 0.1, momentum: 0.5, weightDecay: 0.1) }),
            ("adam", { try Adam($0, learningRate: 0.05) }),
            ("adam_weight_decay", { try Adam($0, learningRate: 0.05, weightDecay: 0.1) }),
            ("adam_amsgrad", { try Adam($0, learningRate: 0.05, beta1: 0.8, beta2: 0.9, amsgrad: true) }),
            ("adamw", { try AdamW($0, learningRate: 0.05) }),
            ("adamw_amsgrad", { try AdamW($0, learningRate: 0.05, weightDecay: 0.2, amsgrad: true) }),
            ("rmsprop", { try RMSprop($0, learningRate: 0.01) }),
            ("rmsprop_centered", { try RMSprop($0, learningRate: 0.01, weightDecay: 0.1, centered: true) }),
            ("rmsprop_momentum", { try RMSprop($0, learningRate: 0.01, momentum: 0.9, centered: true) }),
            ("adagrad", { try Adagrad($0, learningRate: 0.1) }),
            ("adagrad_decay", { try Adagrad($0, learningRate: 0.1, learningRateDecay: 0.1, weightDecay: 0.1, initialAccumulatorValue: 0.5) }),
            ("adadelta", { try Adadelta($0) }),
            ("adadelta_weight_decay", { try Adadelta($0, learningRate: 0.5, rho: 0.8, weightDecay: 0.1) }),
            ("sgd_groups", { groups in
                let parameters = groups.parameterGroups.flatMap(\.parameters)
                return try SGD([ParameterGroup([parameters[0]]), ParameterGroup([parameters[1]], learningRate: 0.01, weightDecay: 0.5)],
                               learningRate: 0.1, momentum: 0.9)
            }),
        ]

        /// Three steps on PyTorch's problem `Σ scale0·(p0 − target0)² + Σ p1³`.
        static func run(_ make: Make, fixtures: ParityFixtures) throws -> (Parameter, Parameter, Optimizer) {
            let p0 = Parameter(try fixtures("start.p0")), p1 = Parameter(try fixtures("start.p1"))
            let optimizer = try make(ParameterGroup([p0, p1]))
            let target = try fixtures("problem.target0"), scale = try fixtures("problem.scale0")
            for _ in 0..<3 {
                optimizer.zeroGrad()
                let loss = try ((p0.value - target).pow(2) * scale).sum() + (p1.value * p1.value * p1.value).sum()
                try loss.backward()
                try optimizer.step()
            }
            return (p0, p1, optimizer)
        }

        @Test("parameters after three steps match PyTorch", arguments: cases.map(\.0))
        func matchesPyTorch(name: String) throws {
            let fixtures = try ParityFixtures("optimizers")
            let make = try #require(Self.cases.first { $0.0 == name }?.1)
            let (p0, p1, _) = try Self.run(make, fixtures: fixtures)
            expectClose(p0.value, try fixtures("\(name).p0"), "\(name) p0")
            expectClose(p1.value, try fixtures("\(name).p1"), "\(name) p1")
        }

        @Test("saved optimizer state restores into a fresh optimizer")
        func stateRoundTrip() throws {
            let fixtures = try ParityFixtures("optimizers")
            let (p0, p1, optimizer) = try Self.run({ try Adam($0, learningRate: 0.05, amsgrad: true) }, fixtures: fixtures)
            let restored = try Adam(ParameterGroup([p0, p1]), learningRate: 0.5, amsgrad: true)
            try restored.load(try optimizer.stateDict())
            #expect(try restored.stateDict() == optimizer.stateDict())
            #expect(restored.groups[0].learningRate == 0.05)
        }

        @Test("frozen parameters and parameters without gradient are not updated")
        func skipsFrozen() throws {
            let moving = Parameter(Tensor.ones([2])), frozen = Parameter(Tensor.ones([2]))
            let optimizer = try SGD(ParameterGroup([moving, frozen]), learningRate: 1)
            try (moving.value.sum() + frozen.value.sum()).backward()
            frozen.isFrozen = true
            try optimizer.step()
            #expect(moving.value.toArray() == [0, 0])
            #expect(frozen.value.toArray() == [1, 1])
        }
    }

    @Suite("Schedules, clipping and initialisers against PyTorch")
    struct ScheduleParityTests {
        static let schedules: [(String, LearningRateSchedule)] = [
            ("step", .step(stepSize: 3, gamma: 0.5)),
            ("multi_step", .multiStep(milestones: [2, 5, 11], gamma: 0.3)),
            ("exponential", .exponential(gamma: 0.9)),
            ("cosine", .cosine(period: 8, minimum: 0.01)),
            ("cosine_warm_restarts", .cosineWarmRestarts(firstPeriod: 4, minimum: 0.001)),
            ("cosine_warm_restarts_multiplier", .cosineWarmRestarts(firstPeriod: 3, periodMultiplier: 2)),
            ("one_cycle", .oneCycle(maximum: 1, totalSteps: 25)),
            ("one_cycle_linear", .oneCycle(maximum: 0.5, totalSteps: 21, warmupFraction: 0.25, cosine: false)),
            ("linear_warmup", .linear(startFactor: 0.1, steps: 6)),
        ]

        @Test("twenty learning rates match PyTorch's scheduler", arguments: schedules.map(\.0))
        func schedule(name: String) throws {
            let expected = try ParityFixtures("schedules")(name).converted(to: .float64)
            let schedule = try #require(Self.schedules.first { $0.0 == name }?.1)
            let optimizer = try SGD(ParameterGroup([Parameter(Tensor.zeros([1]))]), learningRate: 0.1)
            let scheduler = try LearningRateScheduler(optimizer, schedule: schedule)
            var rates: [Float] = []
            for _ in 0..<20 {
                rates.append(Float(scheduler.learningRates[0]))
                scheduler.step()
            }
            expectClose(try Tensor(rates, shape: [20]), expected.converted(to: .float32), tolerance: 1e-6, name)
        }

        static let momentumSchedules: [(String, LearningRateSchedule, (ParameterGroup) throws -> Optimizer)] = [
            ("one_cycle_sgd", .oneCycle(maximum: 1, totalSteps: 20), { try SGD($0, learningRate: 0.1, momentum: 0.9) }),
            ("one_cycle_adam_linear", .oneCycle(maximum: 0.01, totalSteps: 20, cosine: false), { try Adam($0, learningRate: 0.01) }),
            ("one_cycle_adam_three_phase", .oneCycle(maximum: 0.01, totalSteps: 20, warmupFraction: 0.25, threePhase: true,
                                                     baseMomentum: 0.8, maximumMomentum: 0.9), { try Adam($0, learningRate: 0.01) }),
        ]

        @Test("one-cycle moves momentum and β₁ against the learning rate as PyTorch's does", arguments: momentumSchedules.map(\.0))
        func momentumSchedule(name: String) throws {
            let fixtures = try ParityFixtures("schedules")
            let (_, schedule, make) = try #require(Self.momentumSchedules.first { $0.0 == name })
            let parameter = Parameter(Tensor.zeros([1]))
            let optimizer = try make(ParameterGroup([parameter]))
            let scheduler = try LearningRateScheduler(optimizer, schedule: schedule)
            var rates: [Float] = [], momenta: [Float] = []
            for _ in 0..<20 {
                rates.append(Float(scheduler.learningRates[0]))
                momenta.append(Float(scheduler.momenta[0]))
                parameter.grad = Tensor.ones([1])
                try optimizer.step()
                scheduler.step()
            }
            expectClose(try Tensor(rates, shape: [20]), try fixtures("\(name).lr").converted(to: .float32), tolerance: 1e-6, name)
            expectClose(try Tensor(momenta, shape: [20]), try fixtures("\(name).momentum").converted(to: .float32), tolerance: 1e-6, name)
        }

        @Test("the optimizer steps with the cycled momentum: SGD's buffer and Adam's β₁ follow the group")
        func cycledMomentumIsUsed() throws {
            let parameter = Parameter(Tensor.zeros([1]))
            let optimizer = try SGD(ParameterGroup([parameter]), learningRate: 1, momentum: 0.9)
            optimizer.groups[0].momentum = 0.5
            for _ in 0..<2 {
                parameter.grad = Tensor.ones([1])
                try optimizer.step()
            }
            // Buffer 1 then 0.5·1 + 1 = 1.5: the parameter moves by 2.5, not 2.9.
            #expect(parameter.value.toArray() == [-2.5])
            let adam = try Adam(ParameterGroup([Parameter(Tensor.zeros([1]))]))
            #expect(throws: Never.self) { _ = try LearningRateScheduler(adam, schedule: .oneCycle(maximum: 0.1, totalSteps: 10)) }
            #expect(adam.groups[0].momentum == 0.95)
        }

        @Test("cycling momentum on an optimizer without one is refused; without cycling it is allowed")
        func momentumNeedsSupport() throws {
            let optimizer = try Adagrad(ParameterGroup([Parameter(Tensor.zeros([1]))]))
            #expect(throws: OptimizerError.self) { try LearningRateScheduler(optimizer, schedule: .oneCycle(maximum: 0.1, totalSteps: 10)) }
            #expect(throws: Never.self) {
                _ = try LearningRateScheduler(optimizer, schedule: .oneCycle(maximum: 0.1, totalSteps: 10, cycleMomentum: false))
            }
        }

        @Test("reduce-on-plateau lowers the rate as PyTorch's does")
        func plateau() throws {
            let expected = try ParityFixtures("schedules")("reduce_on_plateau").toArray()
            let metrics: [Double] = [1.0, 0.9, 0.95, 0.9, 0.91, 0.92, 0.8, 0.8, 0.8, 0.8, 0.8, 0.7, 0.7, 0.7, 0.7, 0.7, 0.7, 0.7, 0.7, 0.7]
            let optimizer = try SGD(ParameterGroup([Parameter(Tensor.zeros([1]))]), learningRate: 0.1)
            let scheduler = try ReduceOnPlateau(optimizer, factor: 0.5, patience: 2, cooldown: 1)
            var rates: [Float] = []
            for metric in metrics {
                rates.append(Float(optimizer.groups[0].learningRate ?? 0))
                scheduler.step(metric: metric)
            }
            expectClose(try Tensor(rates, shape: [20]), try Tensor(expected, shape: [20]), tolerance: 1e-6, "reduce on plateau")
        }

        @Test("clipping by norm and by value matches PyTorch", arguments: ["norm_2", "norm_inf", "norm_large", "value"])
        func clipping(name: String) throws {
            let fixtures = try ParityFixtures("clipping")
            let a = Parameter(Tensor.zeros([3, 4])), b = Parameter(Tensor.zeros([5]))
            a.grad = try fixtures("grad.a")
            b.grad = try fixtures("grad.b")
            switch name {
            case "norm_2": expectClose(try Tensor([GradientClipping.clipByNorm([a, b], maxNorm: 1)]), try fixtures("\(name).norm"), "norm")
            case "norm_inf":
                expectClose(try Tensor([GradientClipping.clipByNorm([a, b], maxNorm: 0.5, normType: .infinity)]), try fixtures("\(name).norm"), "norm")
            case "norm_large": expectClose(try Tensor([GradientClipping.clipByNorm([a, b], maxNorm: 100)]), try fixtures("\(name).norm"), "norm")
            default: GradientClipping.clipByValue([a, b], limit: 0.7)
            }
            expectClose(a.grad, try fixtures("\(name).a"), "\(name) a")
            expectClose(b.grad, try fixtures("\(name).b"), "\(name) b")
        }

        static let initializers: [(String, Initializer)] = [
            ("xavier_uniform", .xavierUniform(gain: 2)),
            ("xavier_normal", .xavierNormal()),
            ("kaiming_uniform_relu", .kaimingUniform(nonlinearity: .relu)),
            ("kaiming_uniform_fan_out", .kaimingUniform(mode: .fanOut, nonlinearity: .relu)),
            ("kaiming_normal_leaky", .kaimingNormal(nonlinearity: .leakyRelu(slope: 0.2))),
            ("kaiming_normal_fan_out", .kaimingNormal(mode: .fanOut, nonlinearity: .relu)),
            ("linear_default", Initializer.pytorchLayerDefault),
            ("orthogonal", .orthogonal(gain: 1.5)),
        ]

        @Test("initialiser statistics over a [256, 512] draw match PyTorch's", arguments: initializers.map(\.0))
        func initializer(name: String) throws {
            let expected = try ParityFixtures("initializers")(name).toArray()
            var generator = RandomGenerator(seed: 11)
            let initializer = try #require(Self.initializers.first { $0.0 == name }?.1)
            let values = try initializer.make([256, 512], generator: &generator).toArray()
            let mean = values.reduce(0, +) / Float(values.count)
            let std = (values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Float(values.count - 1)).squareRoot()
            // 131072 samples: the mean is within a few standard errors of 0, the spread within 1%.
            #expect(Swift.abs(mean - expected[0]) < 0.02 * expected[1], "\(name) mean \(mean) vs \(expected[0])")
            #expect(Swift.abs(std / expected[1] - 1) < 0.01, "\(name) std \(std) vs \(expected[1])")
            if name.contains("uniform") || name == "linear_default" {
                // Uniform draws reach their bounds to within a tiny fraction.
                #expect(Swift.abs(values.min()! / expected[2] - 1) < 0.01, "\(name) lower bound")
                #expect(Swift.abs(values.max()! / expected[3] - 1) < 0.01, "\(name) upper bound")
            }
        }

        @Test("an orthogonal initialisation has orthonormal rows")
        func orthogonalRows() throws {
            let weight = try Initializer.orthogonal().make([4, 9])
            let gram = try weight.matmul(weight.t).toArray()
            for row in 0..<4 { for column in 0..<4 { #expect(Swift.abs(gram[row * 4 + column] - (row == column ? 1 : 0)) < 1e-5) } }
        }
    }
}
