import Foundation

/// The keyword arguments of one parity case, read by type. It remembers which keys were read,
/// so a test can check that the Swift call honoured every argument PyTorch was given.
final class ParityParameters {
    /// The fixture file, for errors.
    let file: String
    private let values: [String: Any]
    private var readKeys: Set<String> = []

    init(file: String, values: [String: Any]) {
        self.file = file
        self.values = values
    }

    /// Keys the runner never looked at.
    var unread: [String] { values.keys.filter { !readKeys.contains($0) }.sorted() }

    func int(_ key: String) throws -> Int { try required(key, optionalInt(key), "an integer") }
    func ints(_ key: String) throws -> [Int] { try required(key, optionalInts(key), "a list of integers") }
    func float(_ key: String) throws -> Float { try required(key, optionalFloat(key), "a number") }
    func bool(_ key: String) throws -> Bool { try required(key, optionalBool(key), "true or false") }
    func string(_ key: String) throws -> String { try required(key, optionalString(key), "a string") }

    func optionalInt(_ key: String) throws -> Int? { try read(key, "an integer", Self.integer) }
    func optionalFloat(_ key: String) throws -> Float? { try read(key, "a number") { ($0 as? NSNumber)?.floatValue } }
    func optionalBool(_ key: String) throws -> Bool? { try read(key, "true or false") { $0 as? Bool } }
    func optionalString(_ key: String) throws -> String? { try read(key, "a string") { $0 as? String } }

    /// A list of integers; a single integer reads as a list of one (PyTorch accepts both).
    func optionalInts(_ key: String) throws -> [Int]? {
        try read(key, "a list of integers") { value in
            if let list = value as? [Any] {
                let numbers = list.compactMap(Self.integer)
                return numbers.count == list.count ? numbers : nil
            }
            return Self.integer(value).map { [$0] }
        }
    }

    /// A list of numbers; a single number reads as a list of one.
    func optionalFloats(_ key: String) throws -> [Float]? {
        try read(key, "a list of numbers") { value in
            if let list = value as? [Any] {
                let numbers = list.compactMap { ($0 as? NSNumber)?.floatValue }
                return numbers.count == list.count ? numbers : nil
            }
            return (value as? NSNumber).map { [$0.floatValue] }
        }
    }

    /// Whether `key` holds a list (PyTorch's split takes a size or a list of sizes).
    func isList(_ key: String) -> Bool { values[key] is [Any] }

    /// Checks a key whose value the Swift API fixes (such as `ceil_mode: false`).
    func expect<Value: Equatable>(_ key: String, _ expected: Value, reading: (String) throws -> Value?) throws {
        if let found = try reading(key), found != expected {
            throw ParityFixtureError.badParameter(file: file, parameter: key, expected: "\(expected)", found: "\(found)")
        }
    }

    private static func integer(_ value: Any) -> Int? {
        guard let number = value as? NSNumber, number.doubleValue == Double(number.intValue) else { return nil }
        return number.intValue
    }

    private func read<Value>(_ key: String, _ expected: String, _ convert: (Any) -> Value?) throws -> Value? {
        readKeys.insert(key)
        guard let value = values[key], !(value is NSNull) else { return nil }
        guard let converted = convert(value) else {
            throw ParityFixtureError.badParameter(file: file, parameter: key, expected: expected, found: "\(value)")
        }
        return converted
    }

    private func required<Value>(_ key: String, _ value: Value?, _ expected: String) throws -> Value {
        guard let value else { throw ParityFixtureError.badParameter(file: file, parameter: key, expected: expected, found: "nothing") }
        return value
    }
}
