import Foundation
import PerceptRandom

/// One searched parameter of a ``SearchSpace``: its name (a training option such as `lr`, or a
/// model option such as `width1`), the values it may take, the value grid search starts from,
/// and the condition under which it is searched at all.
public struct SearchParameter: Equatable, Sendable {
    /// How the values of a real range are spread.
    public enum Scale: String, Equatable, Sendable {
        /// Evenly in the value.
        case linear
        /// Evenly in the logarithm (learning rates).
        case log
    }

    /// The values a parameter may take.
    public enum Domain: Equatable, Sendable {
        /// `minimum, minimum + step, …` up to `maximum`.
        case integer(minimum: Int, maximum: Int, step: Int)
        /// A real range; with a step, its multiples from `minimum` (linear scale only).
        case real(minimum: Double, maximum: Double, scale: Scale, step: Double?)
        /// One of a list.
        case choice([TuneValue])
    }

    /// Searched only when the parameter `parent` takes one of `values` (and is searched itself).
    public struct Condition: Equatable, Sendable {
        /// The name of the parameter this one depends on.
        public let parent: String
        /// The parent's values under which this parameter is searched.
        public let values: [TuneValue]

        /// A condition on `parent`.
        public init(parent: String, values: [TuneValue]) {
            self.parent = parent
            self.values = values
        }
    }

    /// The name, as the training option or model option it sets.
    public let name: String
    /// The values it may take.
    public let domain: Domain
    /// The value grid search tries first (the range's minimum or the first choice unless given).
    public let defaultValue: TuneValue
    /// When it is searched; nil: always.
    public let condition: Condition?
    /// The line of the space file that declares it, for messages.
    public let line: Int?

    /// A parameter; `defaultValue` nil takes the domain's first value.
    public init(name: String, domain: Domain, defaultValue: TuneValue? = nil, condition: Condition? = nil, line: Int? = nil) {
        self.name = name
        self.domain = domain
        self.condition = condition
        self.line = line
        self.defaultValue = defaultValue ?? Self.firstValue(of: domain)
    }

    private static func firstValue(of domain: Domain) -> TuneValue {
        switch domain {
        case .integer(let minimum, _, _): .integer(minimum)
        case .real(let minimum, _, _, _): .real(minimum)
        case .choice(let values): values.first ?? .text("")
        }
    }

    /// Reals without a step are tried at this many points by grid search, as Keras Tuner does.
    public static let gridPointsWithoutStep = 10

    /// The values grid search tries, the default first and the rest in order (Keras Tuner's
    /// GridSearch order).
    public var gridValues: [TuneValue] {
        let values: [TuneValue]
        switch domain {
        case let .integer(minimum, maximum, step):
            values = stride(from: minimum, through: maximum, by: step).map { .integer($0) }
        case let .real(minimum, maximum, scale, step):
            if let step {
                let count = Int(((maximum - minimum) / step + 1e-9).rounded(.down)) + 1
                // Rounded to 12 decimals so 0.1 · 3 is written 0.3.
                values = (0..<count).map { .real(((minimum + Double($0) * step) * 1e12).rounded() / 1e12) }
            } else {
                let points = Self.gridPointsWithoutStep
                values = (0..<points).map { index in
                    let fraction = Double(index) / Double(points - 1)
                    return .real(scale == .log ? exp(log(minimum) + fraction * (log(maximum) - log(minimum))) : minimum + fraction * (maximum - minimum))
                }
            }
        case .choice(let choices):
            values = choices
        }
        return [defaultValue] + values.filter { $0 != defaultValue }
    }

    /// A value drawn uniformly from the domain (in the logarithm on a log scale).
    public func draw(using generator: inout Xoshiro256StarStar) -> TuneValue {
        switch domain {
        case .integer, .choice, .real(_, _, _, .some(_)):
            let values = gridValues
            return values[Int(generator.next() % UInt64(values.count))]
        case let .real(minimum, maximum, scale, nil):
            let fraction = Double(generator.next() >> 11) * 0x1.0p-53
            return .real(scale == .log ? exp(log(minimum) + fraction * (log(maximum) - log(minimum))) : minimum + fraction * (maximum - minimum))
        }
    }
}
