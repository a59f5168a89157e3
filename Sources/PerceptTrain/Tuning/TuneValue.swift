import Foundation

/// One value of a searched parameter: a whole number (`units: 64`), a real number
/// (`lr: 0.001`) or a word (`optimizer: adam`). Values compare by kind and content, so
/// `64` and `64.0` are different trials only when the space says so.
public enum TuneValue: Hashable, Sendable, Codable, CustomStringConvertible {
    /// A whole number.
    case integer(Int)
    /// A real number.
    case real(Double)
    /// A word.
    case text(String)

    /// The value as a training option or CSV cell spells it (`64`, `0.001`, `adam`).
    public var description: String {
        switch self {
        case .integer(let value): String(value)
        case .real(let value): value == value.rounded() && abs(value) < 1e15 ? String(format: "%.1f", value) : "\(value)"
        case .text(let value): value
        }
    }

    /// The value as a number, for plots and model options (nil for a word that is not one).
    public var number: Double? {
        switch self {
        case .integer(let value): Double(value)
        case .real(let value): value
        case .text(let value): Double(value)
        }
    }

    /// A YAML scalar read as a whole number, a real number or a word, in that order.
    public static func parse(_ text: String) -> TuneValue {
        if let value = Int(text) { return .integer(value) }
        if let value = Double(text), value.isFinite { return .real(value) }
        return .text(text)
    }

    // Tagged, so 2.0 comes back a real number and "64" a word: `{"int":64}`, `{"real":0.5}`, `{"text":"adam"}`.
    private enum CodingKeys: String, CodingKey { case int, real, text }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        if let value = try container.decodeIfPresent(Int.self, forKey: .int) {
            self = .integer(value)
        } else if let value = try container.decodeIfPresent(Double.self, forKey: .real) {
            self = .real(value)
        } else {
            self = .text(try container.decode(String.self, forKey: .text))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .integer(let value): try container.encode(value, forKey: .int)
        case .real(let value): try container.encode(value, forKey: .real)
        case .text(let value): try container.encode(value, forKey: .text)
        }
    }
}
