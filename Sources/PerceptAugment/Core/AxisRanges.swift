/// A range to draw from on each axis, as Albumentations writes them: one value, two values
/// (the same range for x and y) or four values (x range, then y range).
public struct AxisRanges: Equatable, Sendable {
    /// The range for x.
    public var x: ClosedRange<Double>
    /// The range for y.
    public var y: ClosedRange<Double>

    /// The same range on both axes.
    public init(_ both: ClosedRange<Double>) {
        x = both
        y = both
    }

    /// A range per axis.
    public init(x: ClosedRange<Double>, y: ClosedRange<Double>) {
        self.x = x
        self.y = y
    }

    /// Ranges from 1, 2 or 4 numbers; one number `v` means `-v...v` when `symmetric`, else
    /// exactly `v`. `transform` names the owner in errors.
    public init(values: [Double], symmetric: Bool, transform: String) throws {
        switch values.count {
        case 1:
            let value = values[0]
            self.init(symmetric ? min(-value, value)...max(-value, value) : value...value)
        case 2:
            self.init(try orderedRange(values[0], values[1], transform: transform))
        case 4:
            self.init(x: try orderedRange(values[0], values[1], transform: transform),
                      y: try orderedRange(values[2], values[3], transform: transform))
        default:
            throw AugmentError.invalidArgument(transform: transform, message: "expected 1, 2 or 4 numbers, found \(values.count)")
        }
    }
}

/// `lower...upper`, or an error naming `transform` when they are out of order or not finite.
func orderedRange(_ lower: Double, _ upper: Double, transform: String) throws -> ClosedRange<Double> {
    guard lower.isFinite, upper.isFinite, lower <= upper else {
        throw AugmentError.invalidArgument(transform: transform, message: "a range needs lower <= upper, found (\(lower), \(upper))")
    }
    return lower...upper
}

/// Throws unless `range` lies within `bounds`; the message names `argument` as pipeline files
/// spell it.
func checkRange<Value: Comparable>(_ range: ClosedRange<Value>, within bounds: ClosedRange<Value>, argument: String,
                                   transform: String) throws {
    guard bounds.contains(range.lowerBound), bounds.contains(range.upperBound) else {
        throw AugmentError.invalidArgument(transform: transform, message: "\(argument) must lie in \(bounds), found \(range)")
    }
}

/// Throws unless `probability` is in `0...1`.
func checkProbability(_ probability: Double, transform: String) throws {
    guard (0...1).contains(probability) else {
        throw AugmentError.invalidArgument(transform: transform, message: "p must be in 0...1, found \(probability)")
    }
}
