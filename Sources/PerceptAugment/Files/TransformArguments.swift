import PerceptImage
import PerceptMessages
import Yams

/// The arguments of one transform in a pipeline file, read with their line numbers. Every
/// read marks its key as used; in Percept's own files a key nobody read is an error, while
/// in Albumentations' files the arguments Percept does not model are ignored.
struct TransformArguments {
    let file: String
    let name: String
    let line: Int?
    let strict: Bool
    private let values: [String: Node]
    private var used: Set<String> = []

    init(file: String, name: String, mapping: Node.Mapping, line: Int?, strict: Bool, reserved: Set<String>) {
        self.file = file
        self.name = name
        self.line = line
        self.strict = strict
        var values: [String: Node] = [:]
        for (key, value) in mapping {
            if let key = key.string { values[key] = value }
        }
        self.values = values
        used = reserved
    }

    /// An error at `key`'s line (or the transform's) naming the transform and key.
    func error(_ key: String, _ message: String) -> AugmentError {
        AugmentError.pipelineFile(file: file, line: values[key]?.mark?.line ?? line, message: "\(name): \(key): \(message)")
    }

    /// Whether `key` is present (and not null).
    func has(_ key: String) -> Bool {
        guard let node = values[key] else { return false }
        return node.null == nil
    }

    /// The raw node of `key`, marking it used.
    mutating func node(_ key: String) -> Node? {
        used.insert(key)
        guard let node = values[key], node.null == nil else { return nil }
        return node
    }

    mutating func double(_ key: String, _ fallback: Double) throws -> Double {
        guard let node = node(key) else { return fallback }
        guard let value = number(node) else { throw error(key, "expected a number, found \(quotedToken(describe(node)))") }
        return value
    }

    mutating func int(_ key: String, _ fallback: Int) throws -> Int {
        guard let node = node(key) else { return fallback }
        guard let value = number(node), value == value.rounded(), abs(value) < 1e9 else {
            throw error(key, "expected a whole number, found \(quotedToken(describe(node)))")
        }
        return Int(value)
    }

    mutating func bool(_ key: String, _ fallback: Bool) throws -> Bool {
        guard let node = node(key) else { return fallback }
        guard let value = node.bool else { throw error(key, "expected true or false, found \(quotedToken(describe(node)))") }
        return value
    }

    mutating func string(_ key: String, _ fallback: String) throws -> String {
        guard let node = node(key) else { return fallback }
        guard case .scalar = node, let value = node.string else { throw error(key, "expected text, found \(quotedToken(describe(node)))") }
        return value
    }

    mutating func doubles(_ key: String, _ fallback: [Double]) throws -> [Double] {
        guard let node = node(key) else { return fallback }
        if let value = number(node) { return [value] }
        guard case .sequence = node else { throw error(key, "expected a number or a list of numbers, found \(quotedToken(describe(node)))") }
        return try node.array().map { element in
            guard let value = number(element) else { throw error(key, "expected numbers, found \(quotedToken(describe(element)))") }
            return value
        }
    }

    /// A range written as one number (turned into a range by `single`) or two numbers.
    mutating func range(_ key: String, _ fallback: ClosedRange<Double>,
                        single: (Double) -> ClosedRange<Double> = { min(-$0, $0)...max(-$0, $0) }) throws -> ClosedRange<Double> {
        guard has(key) else {
            used.insert(key)
            return fallback
        }
        let values = try doubles(key, [])
        switch values.count {
        case 1: return single(values[0])
        case 2:
            guard values[0] <= values[1] else { throw error(key, "a range needs lower <= upper, found [\(values[0]), \(values[1])]") }
            return values[0]...values[1]
        default: throw error(key, "expected one number or two, found \(values.count)")
        }
    }

    /// A range of whole numbers, one number meaning `lowest...value` (or exactly the value
    /// when `lowest` is nil).
    mutating func intRange(_ key: String, _ fallback: ClosedRange<Int>, lowest: Int?) throws -> ClosedRange<Int> {
        let single: (Double) -> ClosedRange<Double> = { value in lowest.map { Double($0)...max(Double($0), value) } ?? value...value }
        let range = try self.range(key, Double(fallback.lowerBound)...Double(fallback.upperBound), single: single)
        guard range.lowerBound == range.lowerBound.rounded(), range.upperBound == range.upperBound.rounded() else {
            throw error(key, "expected whole numbers, found \(range)")
        }
        return Int(range.lowerBound)...Int(range.upperBound)
    }

    /// Per-axis ranges: a number, two numbers, four numbers, or `{x: …, y: …}`.
    mutating func axisRanges(_ key: String, _ fallback: AxisRanges, symmetric: Bool) throws -> AxisRanges {
        guard let node = node(key) else { return fallback }
        if case .mapping(let mapping) = node {
            var axes = TransformArguments(file: file, name: name, mapping: mapping, line: node.mark?.line, strict: strict, reserved: [])
            let single: (Double) -> ClosedRange<Double> = symmetric ? { min(-$0, $0)...max(-$0, $0) } : { $0...$0 }
            return AxisRanges(x: try axes.range("x", fallback.x, single: single), y: try axes.range("y", fallback.y, single: single))
        }
        let values = try doubles(key, [])
        do {
            return try AxisRanges(values: values, symmetric: symmetric, transform: name)
        } catch let failure as AugmentError {
            throw error(key, failure.description)
        }
    }

    /// OpenCV's interpolation codes (0 nearest, 1 linear, 2 cubic, 3 area) or their names.
    mutating func interpolation(_ key: String = "interpolation", _ fallback: Interpolation = .bilinear) throws -> Interpolation {
        guard let node = node(key) else { return fallback }
        switch node.int ?? -1 {
        case 0: return .nearest
        case 1: return .bilinear
        case 2: return .bicubic
        case 3: return .area
        default:
            if let name = node.string, let value = Interpolation(rawValue: name == "linear" ? "bilinear" : name) { return value }
            throw error(key, "expected 0 (nearest), 1 (linear), 2 (cubic), 3 (area) or a name, found \(quotedToken(describe(node)))")
        }
    }

    /// OpenCV's border codes (0 constant, 1 replicate, 2 and 4 reflect) or their names, with
    /// `fill` for the constant border.
    mutating func border(_ fallback: BorderMode = .zero, fillKey: String = "fill") throws -> BorderMode {
        let fill = try doubles(fillKey, [])
        guard let node = node("border_mode") else {
            if case .constant = fallback, !fill.isEmpty { return .constant(fill) }
            return fallback
        }
        switch node.int ?? (node.string.map { ["constant": 0, "replicate": 1, "reflect": 4, "reflect_101": 4][$0] ?? -1 } ?? -1) {
        case 0: return .constant(fill)
        case 1: return .replicate
        case 2, 4: return .reflect
        default: throw error("border_mode", "expected 0 (constant), 1 (replicate), 2 or 4 (reflect), found \(quotedToken(describe(node)))")
        }
    }

    /// Throws when a Percept file names an argument this transform does not read.
    func finish() throws {
        guard strict else { return }
        for key in values.keys.sorted() where !used.contains(key) {
            throw error(key, "unknown argument")
        }
    }

    /// Wraps an error thrown while building the transform so it names the line.
    func located(_ failure: any Error) -> AugmentError {
        if let failure = failure as? AugmentError, case .pipelineFile = failure { return failure }
        let message = (failure as? AugmentError).map { error in
            if case .invalidArgument(_, let message) = error { return message }
            return error.description
        } ?? "\(failure)"
        return AugmentError.pipelineFile(file: file, line: line, message: "\(name): \(message)")
    }

    private func number(_ node: Node) -> Double? {
        guard case .scalar = node else { return nil }
        return node.float ?? node.int.map(Double.init)
    }

    private func describe(_ node: Node) -> String {
        switch node {
        case .scalar(let scalar): scalar.string
        case .sequence: "a list"
        case .mapping: "a mapping"
        }
    }
}
