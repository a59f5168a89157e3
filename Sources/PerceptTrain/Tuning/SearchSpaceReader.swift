import Foundation
import PerceptLabels
import Yams

/// A mistake in a space file, naming the file and the line: `space.yaml:3: error: …`.
public struct SearchSpaceError: Error, Equatable, CustomStringConvertible {
    /// The space file.
    public let file: String
    /// The 1-based line, when known.
    public let line: Int?
    /// What is wrong and what was expected.
    public let message: String

    /// A mistake at `line` of `file`.
    public init(file: String, line: Int?, message: String) {
        self.file = file
        self.line = line
        self.message = message
    }

    public var description: String { "\(file)\(line.map { ":\($0)" } ?? ""): error: \(message)" }
}

extension SearchSpace {
    /// The keys an entry of a space file may hold.
    public static let entryKeys = ["int", "float", "choice", "step", "scale", "default", "when"]

    /// Reads a space file: a mapping from parameter names to entries.
    ///
    /// ```yaml
    /// units: {int: [32, 512], step: 32}           # 32, 64, …, 512
    /// dropout: {float: [0, 0.5]}                  # uniform
    /// lr: {float: [1e-4, 1e-2], scale: log}       # uniform in the logarithm
    /// optimizer: {choice: [adam, sgd]}
    /// momentum: {float: [0.8, 0.99], when: {optimizer: sgd}}
    /// batch: 64                                   # fixed
    /// ```
    /// `isKnownName` says which names the trials can set; `knownNames` lists them for messages.
    public static func read(file: String, isKnownName: (String) -> Bool, knownNames: [String]) throws -> SearchSpace {
        guard let data = FileManager.default.contents(atPath: file) else {
            throw SearchSpaceError(file: file, line: nil, message: "cannot read the file")
        }
        return try parse(String(decoding: data, as: UTF8.self), file: file, isKnownName: isKnownName, knownNames: knownNames)
    }

    /// Parses the text of a space file named `file` (see ``read(file:isKnownName:knownNames:)``).
    public static func parse(_ text: String, file: String, isKnownName: (String) -> Bool, knownNames: [String]) throws -> SearchSpace {
        let root: Node?
        do {
            root = try BoundedYAML.compose(text)
        } catch {
            throw SearchSpaceError(file: file, line: error.line, message: "not valid YAML: \(error.message)")
        }
        guard case .mapping(let mapping)? = root, !mapping.isEmpty else {
            throw SearchSpaceError(file: file, line: root?.mark?.line, message: "expected a mapping of parameter names to ranges, such as `lr: {float: [1e-4, 1e-2], scale: log}`")
        }
        var parameters: [SearchParameter] = []
        for (keyNode, valueNode) in mapping {
            let reader = EntryReader(file: file, line: keyNode.mark?.line)
            guard let name = keyNode.string, !name.isEmpty else { throw reader.error("expected a parameter name") }
            guard isKnownName(name) else {
                throw reader.error("unknown option \(name); expected a training option or a model option: \(knownNames.joined(separator: ", "))")
            }
            guard !parameters.contains(where: { $0.name == name }) else { throw reader.error("\(name) is declared twice") }
            parameters.append(try reader.parameter(name, valueNode, declared: parameters))
        }
        return SearchSpace(parameters: parameters)
    }
}

/// Reads one entry of a space file, every mistake naming the entry's line.
private struct EntryReader {
    let file: String
    let line: Int?

    func error(_ message: String, at node: Node? = nil) -> SearchSpaceError {
        SearchSpaceError(file: file, line: node?.mark?.line ?? line, message: message)
    }

    func parameter(_ name: String, _ node: Node, declared: [SearchParameter]) throws -> SearchParameter {
        switch node {
        case .scalar(let scalar):
            return SearchParameter(name: name, domain: .choice([TuneValue.parse(scalar.string)]), line: line)
        case .sequence:
            return SearchParameter(name: name, domain: .choice(try choices(node, name: name)), line: line)
        case .mapping(let mapping):
            var fields: [String: Node] = [:]
            for (keyNode, valueNode) in mapping {
                guard let key = keyNode.string, SearchSpace.entryKeys.contains(key) else {
                    throw error("\(name): unknown option \(keyNode.string ?? "?"); expected \(SearchSpace.entryKeys.joined(separator: ", "))", at: keyNode)
                }
                fields[key] = valueNode
            }
            let kinds = ["int", "float", "choice"].filter { fields[$0] != nil }
            guard kinds.count == 1 else { throw error("\(name): expected exactly one of int, float or choice, found \(kinds.isEmpty ? "none" : kinds.joined(separator: " and "))") }
            let domain = try self.domain(kinds[0], fields, name: name)
            let defaultValue = try fields["default"].map { try self.defaultValue($0, domain: domain, name: name) }
            let condition = try fields["when"].map { try self.condition($0, name: name, declared: declared) }
            return SearchParameter(name: name, domain: domain, defaultValue: defaultValue, condition: condition, line: line)
        }
    }

    private func domain(_ kind: String, _ fields: [String: Node], name: String) throws -> SearchParameter.Domain {
        if kind == "choice" {
            for key in ["step", "scale"] where fields[key] != nil { throw error("\(name): \(key) applies to int and float ranges, not to choices") }
            return .choice(try choices(fields["choice"], name: name))
        }
        guard case .sequence(let bounds)? = fields[kind], bounds.count == 2,
              let low = bounds[0].string.flatMap(Double.init), let high = bounds[1].string.flatMap(Double.init), low.isFinite, high.isFinite else {
            throw error("\(name): \(kind) expects [minimum, maximum], two numbers", at: fields[kind])
        }
        let step = try fields["step"].map { node -> Double in
            guard let value = node.string.flatMap(Double.init), value > 0, value.isFinite else { throw error("\(name): bad step \(node.string ?? "?"); expected a number > 0", at: node) }
            return value
        }
        if kind == "int" {
            guard let minimum = Int(exactly: low), let maximum = Int(exactly: high) else { throw error("\(name): int expects whole numbers, found [\(low), \(high)]") }
            guard minimum <= maximum else { throw error("\(name): empty range [\(minimum), \(maximum)]; the minimum must not exceed the maximum") }
            if fields["scale"] != nil { throw error("\(name): scale applies to float ranges") }
            guard let whole = Int(exactly: step ?? 1) else { throw error("\(name): bad step \(step ?? 1); an int range needs a whole step") }
            return .integer(minimum: minimum, maximum: maximum, step: whole)
        }
        guard low < high else { throw error("\(name): empty range [\(low), \(high)]; the minimum must be below the maximum") }
        let scaleText = fields["scale"]?.string ?? "linear"
        guard let scale = SearchParameter.Scale(rawValue: scaleText) else { throw error("\(name): unknown scale \(scaleText); expected linear or log") }
        if scale == .log && low <= 0 { throw error("\(name): a log scale cannot reach zero or below; the minimum is \(low)") }
        if let step {
            guard scale == .linear else { throw error("\(name): bad step; a step applies to a linear scale") }
            guard step <= high - low else { throw error("\(name): bad step \(step); it is wider than the range [\(low), \(high)]") }
        }
        return .real(minimum: low, maximum: high, scale: scale, step: step)
    }

    private func choices(_ node: Node?, name: String) throws -> [TuneValue] {
        guard case .sequence(let items)? = node, !items.isEmpty else { throw error("\(name): choice expects a non-empty list of values", at: node) }
        var values: [TuneValue] = []
        for item in items {
            guard case .scalar(let scalar) = item else { throw error("\(name): a choice must be a single value", at: item) }
            let value = TuneValue.parse(scalar.string)
            guard !values.contains(value) else { throw error("\(name): the choice \(value) is listed twice", at: item) }
            values.append(value)
        }
        return values
    }

    private func defaultValue(_ node: Node, domain: SearchParameter.Domain, name: String) throws -> TuneValue {
        guard case .scalar(let scalar) = node else { throw error("\(name): default expects a single value", at: node) }
        var value = TuneValue.parse(scalar.string)
        let fits: Bool
        switch domain {
        case let .integer(minimum, maximum, step):
            if case .integer(let whole) = value { fits = whole >= minimum && whole <= maximum && (whole - minimum) % step == 0 } else { fits = false }
        case let .real(minimum, maximum, _, _):
            if let number = value.number { value = .real(number) }
            fits = value.number.map { $0 >= minimum && $0 <= maximum } ?? false
        case .choice(let values):
            fits = values.contains(value)
        }
        guard fits else { throw error("\(name): the default \(value) is not one of the parameter's values", at: node) }
        return value
    }

    private func condition(_ node: Node, name: String, declared: [SearchParameter]) throws -> SearchParameter.Condition {
        guard case .mapping(let mapping) = node, mapping.count == 1, let entry = mapping.first, let parent = entry.key.string else {
            throw error("\(name): when expects one parameter and its values, such as `when: {optimizer: [sgd]}`", at: node)
        }
        let parentNode = entry.key, valuesNode = entry.value
        guard declared.contains(where: { $0.name == parent }) else {
            throw error("\(name): when names \(parent), which is not declared above it", at: parentNode)
        }
        let values: [TuneValue]
        if case .scalar(let scalar) = valuesNode { values = [TuneValue.parse(scalar.string)] } else { values = try choices(valuesNode, name: name) }
        return SearchParameter.Condition(parent: parent, values: values)
    }
}
