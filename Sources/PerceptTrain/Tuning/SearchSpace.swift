import Foundation
import PerceptRandom

/// The parameters a search varies, in the order the space file declares them (grid search
/// varies the last fastest; a conditional parameter follows the parameter it depends on).
///
/// ```swift
/// let space = try SearchSpace.read(file: "space.yaml", isKnownName: { names.contains($0) }, knownNames: names)
/// var generator = Xoshiro256StarStar(seed: 7)
/// let values = space.draw(using: &generator)   // ["units": .integer(96), "lr": .real(0.001)]
/// ```
public struct SearchSpace: Equatable, Sendable {
    /// The parameters, in declaration order.
    public let parameters: [SearchParameter]

    /// A space of `parameters`.
    public init(parameters: [SearchParameter]) { self.parameters = parameters }

    /// The parameter names, in order.
    public var names: [String] { parameters.map(\.name) }

    /// Whether `parameter` is searched when the other parameters take `values`: it has no
    /// condition, or its parent is searched and takes one of the condition's values.
    public func isActive(_ parameter: SearchParameter, in values: [String: TuneValue]) -> Bool {
        guard let condition = parameter.condition else { return true }
        guard let parentValue = values[condition.parent] else { return false }
        return condition.values.contains(parentValue)
    }

    /// One value for each active parameter, drawn in order (a condition sees its parent's draw).
    public func draw(using generator: inout Xoshiro256StarStar) -> [String: TuneValue] {
        var values: [String: TuneValue] = [:]
        for parameter in parameters where isActive(parameter, in: values) {
            values[parameter.name] = parameter.draw(using: &generator)
        }
        return values
    }

    /// Every combination grid search tries, in Keras Tuner's order: first every parameter at
    /// its default, then like an odometer with the last active parameter turning fastest; a
    /// parameter that becomes active starts at its default, an inactive one is left out.
    /// Stops after `limit` combinations.
    public func gridCombinations(limit: Int) -> [[String: TuneValue]] {
        let grids = parameters.map(\.gridValues)
        var current = activeOnly(Dictionary(uniqueKeysWithValues: parameters.map { ($0.name, $0.defaultValue) }))
        var combinations = [current]
        while combinations.count < limit, let next = nextCombination(after: current, grids: grids) {
            combinations.append(next)
            current = next
        }
        return combinations
    }

    private func nextCombination(after values: [String: TuneValue], grids: [[TuneValue]]) -> [String: TuneValue]? {
        var next = values
        for index in parameters.indices.reversed() {
            let parameter = parameters[index], grid = grids[index]
            if isActive(parameter, in: next), let value = next[parameter.name], let position = grid.firstIndex(of: value), position + 1 < grid.count {
                next[parameter.name] = grid[position + 1]
                return activeOnly(next)
            }
            next[parameter.name] = parameter.defaultValue
        }
        return nil
    }

    /// `values` with every parameter that became active set (to its default when missing) and
    /// every inactive one removed, deciding in declaration order.
    private func activeOnly(_ values: [String: TuneValue]) -> [String: TuneValue] {
        var result: [String: TuneValue] = [:]
        for parameter in parameters where isActive(parameter, in: result) {
            result[parameter.name] = values[parameter.name] ?? parameter.defaultValue
        }
        return result
    }
}
