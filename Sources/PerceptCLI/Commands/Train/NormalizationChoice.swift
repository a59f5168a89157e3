import Foundation
import Percept

/// What `--normalize` asks for: no normalisation, the statistics of the training split, or
/// given per-channel means and stds (`0.485,0.456,0.406/0.229,0.224,0.225`).
enum NormalizationChoice: Equatable {
    case off
    case auto
    case given(mean: [Float], std: [Float])

    /// Parses `none`, `auto` or `MEAN/STD`; nil for anything else.
    init?(_ text: String) {
        switch text {
        case "none": self = .off
        case "auto": self = .auto
        default:
            let parts = text.split(separator: "/", omittingEmptySubsequences: false).map(Self.numbers)
            guard parts.count == 2, let mean = parts[0], let std = parts[1], (try? ChannelNormalization(mean: mean, std: std)) != nil else {
                return nil
            }
            self = .given(mean: mean, std: std)
        }
    }

    /// Comma-separated numbers, or nil when one is not a number.
    private static func numbers(_ text: Substring) -> [Float]? {
        var values: [Float] = []
        for item in text.split(separator: ",", omittingEmptySubsequences: false) {
            guard let value = Float(item.trimmingCharacters(in: .whitespaces)) else { return nil }
            values.append(value)
        }
        return values
    }

    /// The normalisation for `data` (computed over its training split for `auto`), or nil for
    /// none; given statistics must have one value per input channel.
    func resolve(for data: ClassificationData, source: String) throws -> ChannelNormalization? {
        switch self {
        case .off: return nil
        case .auto: return try ChannelNormalization.computed(over: data.train)
        case .given(let mean, let std):
            let channels = ClassifyData.channels(data)
            guard mean.count == channels else {
                throw ClassifyInputError(description: "\(source): error: --normalize gives \(mean.count) channel(s); the data has \(channels)")
            }
            return try ChannelNormalization(mean: mean, std: std)
        }
    }
}
