import Foundation

/// Principal component analysis of row vectors, for projecting embeddings to 2-D: the mean,
/// then the covariance's leading eigenvectors by power iteration with deflation (in Double).
///
/// ```swift
/// let pca = try PrincipalComponents(rows: embeddings, features: 32, components: 2)
/// let points = pca.project(embeddings)   // 2 numbers per row
/// ```
public struct PrincipalComponents: Equatable, Sendable {
    /// The mean row.
    public let mean: [Double]
    /// The components, unit vectors, largest variance first (sign: largest entry positive).
    public let components: [[Double]]
    /// The variance along each component.
    public let variances: [Double]

    /// The `components` leading components of `rows` (row-major, `features` per row).
    public init(rows: [Float], features: Int, components count: Int) throws {
        guard features > 0, rows.count % features == 0, rows.count / features >= 2, count >= 1, count <= features else {
            throw PrincipalComponentsError(message: "needs at least 2 rows of \(features) features and 1...\(features) components, got \(rows.count) values")
        }
        let n = rows.count / features
        var mean = [Double](repeating: 0, count: features)
        for row in 0..<n { for j in 0..<features { mean[j] += Double(rows[row * features + j]) } }
        mean = mean.map { $0 / Double(n) }
        var covariance = [Double](repeating: 0, count: features * features)
        var centred = [Double](repeating: 0, count: features)
        for row in 0..<n {
            for j in 0..<features { centred[j] = Double(rows[row * features + j]) - mean[j] }
            for i in 0..<features where centred[i] != 0 {
                for j in i..<features { covariance[i * features + j] += centred[i] * centred[j] }
            }
        }
        for i in 0..<features {
            for j in i..<features {
                covariance[i * features + j] /= Double(n - 1)
                covariance[j * features + i] = covariance[i * features + j]
            }
        }
        var components: [[Double]] = [], variances: [Double] = []
        for index in 0..<count {
            let (vector, value) = Self.leadingEigenvector(covariance, size: features, start: index)
            components.append(vector)
            variances.append(value)
            for i in 0..<features { for j in 0..<features { covariance[i * features + j] -= value * vector[i] * vector[j] } }
        }
        self.mean = mean
        self.components = components
        self.variances = variances
    }

    /// Each row of `rows` as its coordinates along the components (row-major, one number per component).
    public func project(_ rows: [Float]) -> [Double] {
        let features = mean.count
        return stride(from: 0, to: rows.count - features + 1, by: features).flatMap { start in
            components.map { component in
                (0..<features).reduce(0.0) { $0 + (Double(rows[start + $1]) - mean[$1]) * component[$1] }
            }
        }
    }

    /// The leading eigenvector and eigenvalue of a symmetric positive semi-definite matrix.
    private static func leadingEigenvector(_ matrix: [Double], size: Int, start: Int) -> ([Double], Double) {
        // A start that is not orthogonal to the answer in any realistic case: a ramp, shifted per component.
        var vector = (0..<size).map { 1 + Double(($0 + start) % size) / Double(size) }
        var value = 0.0
        for _ in 0..<500 {
            var next = [Double](repeating: 0, count: size)
            for i in 0..<size { for j in 0..<size { next[i] += matrix[i * size + j] * vector[j] } }
            let norm = next.reduce(0) { $0 + $1 * $1 }.squareRoot()
            guard norm > 1e-300 else { return (vector.map { $0 / vector.reduce(0) { $0 + $1 * $1 }.squareRoot() }, 0) }
            next = next.map { $0 / norm }
            let change = zip(next, vector).reduce(0) { $0 + abs($1.0 - $1.1) }
            vector = next
            value = norm
            if change < 1e-12 { break }
        }
        if let largest = vector.max(by: { abs($0) < abs($1) }), largest < 0 { vector = vector.map { -$0 } }
        return (vector, value)
    }
}

/// Rows that cannot be analysed (too few, or not a whole number of rows).
public struct PrincipalComponentsError: Error, CustomStringConvertible, Equatable {
    /// What is wrong.
    public let message: String
    public var description: String { "error: PCA \(message)" }
}
