// libyaml as vendored by Yams: its event parser is a loop, not a recursion, so it can measure a
// document that Yams' recursive composer could not survive.
import CYaml
import PerceptMessages
import Yams

/// The one door every YAML file goes through (`data.yaml`, pipeline files): the text is
/// measured with libyaml's event parser before Yams builds a tree, and refused when it is too
/// big, nests too deep (Yams recurses once per level, so ~5,000 `[` overflow the stack) or its
/// aliases expand to too many nodes (a 554-byte alias bomb expands to 10⁸ scalars).
///
///     guard let root = try BoundedYAML.compose(text) else { … }   // an empty document
public enum BoundedYAML {
    /// The largest YAML text accepted, in bytes.
    public static let maximumBytes = 4 << 20
    /// The deepest nesting of sequences and mappings accepted.
    public static let maximumDepth = 100
    /// The most nodes the document may have with every alias expanded, as a reader of the
    /// tree would visit them.
    public static let maximumNodes = 100_000

    /// The tree of the single document in `text`, or nil when it is empty. Throws
    /// `YAMLReadError` for a document past a bound or not valid YAML.
    public static func compose(_ text: String) throws(YAMLReadError) -> Node? {
        try check(text)
        do {
            return try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw YAMLReadError(error)
        } catch {
            throw YAMLReadError(line: nil, message: escapedForMessage("\(error)", limit: 200))
        }
    }

    /// The document in `text` as plain values (dictionaries, arrays, strings, numbers, booleans),
    /// or nil when it is empty, under the same bounds as ``compose(_:)``; for readers that must
    /// not import Yams.
    public static func load(_ text: String) throws(YAMLReadError) -> Any? {
        try compose(text)?.any
    }

    /// Throws `YAMLReadError` when `text` is past a bound; says nothing about its syntax
    /// (measuring stops at the first syntax error, which Yams then reports).
    public static func check(_ text: String) throws(YAMLReadError) {
        var bytes = Array(text.utf8)
        guard bytes.count <= maximumBytes else {
            throw YAMLReadError(line: nil, message: "the file has \(bytes.count) bytes; YAML files are read up to \(maximumBytes)")
        }
        bytes.append(0)
        var measure = DocumentMeasure()
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else {
            throw YAMLReadError(line: nil, message: "out of memory starting the YAML parser")
        }
        defer { yaml_parser_delete(&parser) }
        try bytes.withUnsafeBufferPointer { (buffer) throws(YAMLReadError) in
            yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count - 1)
            var event = yaml_event_t()
            while yaml_parser_parse(&parser, &event) == 1 {
                defer { yaml_event_delete(&event) }
                guard event.type != YAML_STREAM_END_EVENT else { return }
                try measure.add(event)
            }
        }
    }
}

/// A YAML text that is not valid or is past one of `BoundedYAML`'s bounds; `line` is 1-based
/// when known, and the message quotes nothing from the file unescaped.
public struct YAMLReadError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The line of the problem.
    public var line: Int?
    /// What is wrong.
    public var message: String

    /// A problem at `line`.
    public init(line: Int?, message: String) {
        self.line = line
        self.message = message
    }

    /// Yams' syntax error, without the copy of the offending line it carries.
    init(_ error: YamlError) {
        switch error {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _):
            self.init(line: mark.line, message: escapedForMessage(problem, limit: 200))
        default:
            self.init(line: nil, message: escapedForMessage("\(error)", limit: 200))
        }
    }

    /// `line N: message`, or the message alone.
    public var description: String { line.map { "line \($0): \(message)" } ?? message }
}

/// Follows libyaml's events, keeping the open collections' node counts and each anchor's
/// expanded size, so an alias adds what it stands for.
private struct DocumentMeasure {
    /// Node counts of the collections still open, outermost first, with their anchors.
    private var open: [(anchor: String?, nodes: Int)] = []
    /// Expanded node count of each anchored node seen so far.
    private var anchored: [String: Int] = [:]
    /// Expanded node count of the documents finished so far.
    private var total = 0

    mutating func add(_ event: yaml_event_t) throws(YAMLReadError) {
        let line = Int(event.start_mark.line) + 1
        switch event.type {
        case YAML_SCALAR_EVENT:
            try close(nodes: 1, anchor: Self.text(event.data.scalar.anchor), line: line)
        case YAML_ALIAS_EVENT:
            let name = Self.text(event.data.alias.anchor) ?? ""
            try close(nodes: anchored[name] ?? 1, anchor: nil, line: line)
        case YAML_SEQUENCE_START_EVENT, YAML_MAPPING_START_EVENT:
            let anchor = Self.text(event.type == YAML_SEQUENCE_START_EVENT ? event.data.sequence_start.anchor
                                                                           : event.data.mapping_start.anchor)
            guard open.count < BoundedYAML.maximumDepth else {
                throw YAMLReadError(line: line, message: "sequences and mappings nested deeper than \(BoundedYAML.maximumDepth) levels")
            }
            open.append((anchor, 1))
        case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
            guard let finished = open.popLast() else { return }
            try close(nodes: finished.nodes, anchor: finished.anchor, line: line)
        default:
            return
        }
    }

    /// A finished node of `nodes` expanded nodes: added to the collection holding it (or to
    /// the stream's total for a document's root) and remembered under its anchor. Every count
    /// is checked as it grows, so a bomb stops at the bound, not after expanding.
    private mutating func close(nodes: Int, anchor: String?, line: Int) throws(YAMLReadError) {
        if let anchor { anchored[anchor] = nodes }
        let grown: Int
        if open.isEmpty {
            total += nodes
            grown = total
        } else {
            open[open.count - 1].nodes += nodes
            grown = open[open.count - 1].nodes
        }
        guard grown <= BoundedYAML.maximumNodes else {
            throw YAMLReadError(line: line, message: "the document has more than \(BoundedYAML.maximumNodes) nodes with its aliases expanded")
        }
    }

    private static func text(_ pointer: UnsafeMutablePointer<yaml_char_t>?) -> String? {
        pointer.map { String(cString: $0) }
    }
}
