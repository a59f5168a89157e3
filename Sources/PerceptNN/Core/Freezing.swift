/// Freezing parameters by name, and counting them.
extension Module {
    /// Freezes every parameter whose full name satisfies `predicate`.
    ///
    /// ```swift
    /// model.freeze(where: { !$0.hasPrefix("fc.") })   // train only the head
    /// ```
    public func freeze(where predicate: (String) -> Bool) {
        for (name, parameter) in namedParameters() where predicate(name) { parameter.isFrozen = true }
    }

    /// Unfreezes every parameter whose full name satisfies `predicate`.
    public func unfreeze(where predicate: (String) -> Bool) {
        for (name, parameter) in namedParameters() where predicate(name) { parameter.isFrozen = false }
    }

    /// Freezes the parameters matching any of `patterns` (see ``NamePattern``). A pattern
    /// that matches no parameter throws ``UnmatchedPatternError`` and nothing is changed.
    public func freeze(matching patterns: [String]) throws {
        try freeze(FreezeSpec.patterns(patterns))
    }

    /// Unfreezes the parameters matching any of `patterns` (see ``NamePattern``). A pattern
    /// that matches no parameter throws ``UnmatchedPatternError`` and nothing is changed.
    public func unfreeze(matching patterns: [String]) throws {
        try unfreeze(FreezeSpec.patterns(patterns))
    }

    /// Elements in all parameters, split into trainable and frozen.
    public var parameterCounts: ParameterCounts {
        var counts = ParameterCounts(total: 0, trainable: 0, frozen: 0)
        for parameter in parameters() {
            counts.total += parameter.count
            if parameter.requiresGrad { counts.trainable += parameter.count } else { counts.frozen += parameter.count }
        }
        return counts
    }
}

/// Freeze or unfreeze patterns that matched no parameter, usually a typo.
public struct UnmatchedPatternError: Error, CustomStringConvertible, Equatable {
    /// The patterns that matched nothing.
    public var patterns: [String]
    /// The model's first parameter names, to show what names look like.
    public var firstNames: [String]

    public var description: String {
        "error: no parameter matches " + patterns.map { "\"\($0)\"" }.joined(separator: ", ")
            + " (parameter names look like " + firstNames.joined(separator: ", ") + ")"
    }
}

/// Numbers of parameter elements in a module.
public struct ParameterCounts: Equatable, Sendable {
    /// All elements.
    public var total: Int
    /// Elements of parameters that are not frozen.
    public var trainable: Int
    /// Elements of frozen parameters.
    public var frozen: Int
}

/// A parameter-name pattern: a glob when it holds `*` (any run of characters, dots
/// included) or `?` (one character), otherwise a prefix that matches whole name components
/// (`layer1` matches `layer1.0.conv1.weight`, not `layer10.weight`).
public struct NamePattern: Sendable {
    /// The pattern text.
    public let text: String

    /// A pattern from its text.
    public init(_ text: String) { self.text = text }

    /// Whether `name` matches.
    public func matches(_ name: String) -> Bool {
        if text.contains("*") || text.contains("?") { return Self.glob(Array(text), Array(name)) }
        if text.hasSuffix(".") { return name.hasPrefix(text) }
        return name == text || name.hasPrefix(text + ".")
    }

    private static func glob(_ pattern: [Character], _ name: [Character]) -> Bool {
        // Iterative matcher with one backtrack point for the last star.
        var p = 0, n = 0, starP = -1, starN = 0
        while n < name.count {
            if p < pattern.count, pattern[p] == "?" || pattern[p] == name[n] {
                p += 1; n += 1
            } else if p < pattern.count, pattern[p] == "*" {
                starP = p; starN = n; p += 1
            } else if starP >= 0 {
                p = starP + 1; starN += 1; n = starN
            } else {
                return false
            }
        }
        while p < pattern.count, pattern[p] == "*" { p += 1 }
        return p == pattern.count
    }
}
