@testable import PerceptTensor

extension ParityRunners {
    /// Matrix products, convolutions, pooling, resampling, normalisation and the loss.
    static let vision: [String: ParityRunner] = [
        "matmul": binary { try $0.matmul($1) },
    ]
}
