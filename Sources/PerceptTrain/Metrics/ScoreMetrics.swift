/// Metrics computed from raw scores: top-k hits and predicted classes of classifier logits,
/// and the coefficient of determination of a regression head.
public enum ScoreMetrics {
    /// The predicted class of each row of `scores` (`rows × classes`, row-major): the first
    /// highest score, as `argmax` picks it.
    public static func predictions(_ scores: [Float], classes: Int) -> [Int] {
        guard classes > 0 else { return [] }
        return stride(from: 0, to: scores.count - classes + 1, by: classes).map { start in
            var best = start
            for index in start..<start + classes where scores[index] > scores[best] { best = index }
            return best - start
        }
    }

    /// How many rows have their target among the `k` highest scores: fewer than `k` other
    /// classes score strictly higher than the target (ties count as hits).
    public static func topKHits(_ scores: [Float], classes: Int, targets: [Int], k: Int) -> Int {
        var hits = 0
        for (row, target) in targets.enumerated() where (0..<classes).contains(target) && (row + 1) * classes <= scores.count {
            let start = row * classes, targetScore = scores[start + target]
            var higher = 0
            for index in start..<start + classes where scores[index] > targetScore { higher += 1 }
            if higher < k { hits += 1 }
        }
        return hits
    }

    /// R², `1 − Σ(y − ŷ)² / Σ(y − ȳ)²` over all values (scikit-learn's `r2_score` of flat
    /// arrays); 1 for a perfect fit of constant targets, 0 for an imperfect one, as scikit-learn.
    public static func rSquared(predictions: [Double], targets: [Double]) -> Double {
        guard !targets.isEmpty, predictions.count == targets.count else { return 0 }
        let mean = targets.reduce(0, +) / Double(targets.count)
        let residual = zip(predictions, targets).reduce(0) { $0 + ($1.1 - $1.0) * ($1.1 - $1.0) }
        let spread = targets.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
        guard spread > 0 else { return residual == 0 ? 1 : 0 }
        return 1 - residual / spread
    }
}
