import Foundation
import PerceptRandom

/// The tensor engine's random number generator (PerceptRandom's xoshiro256** core, seeded through SplitMix64):
/// the same seed gives the same numbers on every machine, and its state can be saved and
/// restored for exact resumption.
///
/// ```swift
/// var generator = RandomGenerator(seed: 42)
/// let noise = Tensor.randomNormal([2, 3], generator: &generator)
/// ```
public struct RandomGenerator: RandomNumberGenerator, Sendable, Equatable {
    private var core: Xoshiro256StarStar

    /// A generator seeded from one 64-bit number.
    public init(seed: UInt64) { core = Xoshiro256StarStar(seed: seed) }

    /// A generator resumed from saved state words.
    public init(state: [UInt64]) throws {
        guard let core = Xoshiro256StarStar(stateWords: state) else {
            throw TensorError.invalidArgument(operation: "RandomGenerator(state:)", message: "needs four words, not all zero")
        }
        self.core = core
    }

    /// The state words, for checkpoints.
    public var stateWords: [UInt64] { core.stateWords }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 { core.next() }

    /// A uniform Double in [0, 1) with 53 random bits.
    public mutating func nextUnit() -> Double { Double(next() >> 11) * 0x1.0p-53 }

    /// A standard normal sample (Box–Muller in Double, so every machine agrees).
    public mutating func nextNormal() -> Double {
        var u = nextUnit()
        while u <= 0 { u = nextUnit() }
        let v = nextUnit()
        return (-2 * Foundation.log(u)).squareRoot() * Foundation.cos(2 * Double.pi * v)
    }
}

/// The generator used when an op is not given one; `Tensor.manualSeed` resets it. Each thread
/// has its own, seeded alike: code running at the same time on other threads (a server's
/// requests, parallel tests, a second trainer) cannot draw numbers out of a seeded run's
/// sequence, and no two threads mutate one generator.
public enum DefaultRandom {
    /// The calling thread's generator, kept in thread-local storage.
    private final class Box {
        var generator = RandomGenerator(seed: 0x5EED)
    }

    private static let key: pthread_key_t = {
        var key = pthread_key_t()
        pthread_key_create(&key) { pointer in
            if let pointer { Unmanaged<Box>.fromOpaque(pointer).release() }
        }
        return key
    }()

    private static var box: Box {
        if let pointer = pthread_getspecific(key) { return Unmanaged<Box>.fromOpaque(pointer).takeUnretainedValue() }
        let box = Box()
        pthread_setspecific(key, Unmanaged.passRetained(box).toOpaque())
        return box
    }

    static var generator: RandomGenerator {
        get { box.generator }
        set { box.generator = newValue }
    }
}

extension Tensor {
    /// Reseeds the calling thread's default generator, for reproducible runs.
    public static func manualSeed(_ seed: UInt64) { DefaultRandom.generator = RandomGenerator(seed: seed) }

    /// Uniform values in [low, high).
    public static func randomUniform(_ shape: [Int], low: Float = 0, high: Float = 1,
                                     generator: inout RandomGenerator) -> Tensor {
        let result = Tensor(uninitializedShape: shape)
        let span = Double(high) - Double(low)
        for i in 0..<result.count { result.floats[i] = Float(Double(low) + span * generator.nextUnit()) }
        return result
    }

    /// Uniform values from the default generator.
    public static func randomUniform(_ shape: [Int], low: Float = 0, high: Float = 1) -> Tensor {
        randomUniform(shape, low: low, high: high, generator: &DefaultRandom.generator)
    }

    /// Normal values with the given mean and standard deviation.
    public static func randomNormal(_ shape: [Int], mean: Float = 0, std: Float = 1,
                                    generator: inout RandomGenerator) -> Tensor {
        let result = Tensor(uninitializedShape: shape)
        for i in 0..<result.count { result.floats[i] = Float(Double(mean) + Double(std) * generator.nextNormal()) }
        return result
    }

    /// Normal values from the default generator.
    public static func randomNormal(_ shape: [Int], mean: Float = 0, std: Float = 1) -> Tensor {
        randomNormal(shape, mean: mean, std: std, generator: &DefaultRandom.generator)
    }

    /// 1 with probability `p`, else 0 (float32).
    public static func randomBernoulli(_ shape: [Int], probability p: Float,
                                       generator: inout RandomGenerator) throws -> Tensor {
        guard p >= 0, p <= 1 else {
            throw TensorError.invalidArgument(operation: "randomBernoulli", message: "probability must be in [0, 1], got \(p)")
        }
        let result = Tensor(uninitializedShape: shape)
        for i in 0..<result.count { result.floats[i] = generator.nextUnit() < Double(p) ? 1 : 0 }
        return result
    }

    /// Bernoulli values from the default generator.
    public static func randomBernoulli(_ shape: [Int], probability p: Float) throws -> Tensor {
        try randomBernoulli(shape, probability: p, generator: &DefaultRandom.generator)
    }
}
