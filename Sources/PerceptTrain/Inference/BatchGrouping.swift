/// Splitting a list of model inputs into groups that can share one forward pass.
public enum BatchGrouping {
    /// The positions of `shapes` grouped by equal shape, groups in order of first appearance and
    /// positions ascending within each, so every input lands in exactly one group.
    ///
    /// ```swift
    /// BatchGrouping.byShape([[1, 3, 64, 64], [1, 3, 32, 64], [1, 3, 64, 64]])  // [[0, 2], [1]]
    /// ```
    public static func byShape(_ shapes: [[Int]]) -> [[Int]] {
        var groups: [[Int]] = [], groupOfShape: [[Int]: Int] = [:]
        for (position, shape) in shapes.enumerated() {
            if let group = groupOfShape[shape] {
                groups[group].append(position)
            } else {
                groupOfShape[shape] = groups.count
                groups.append([position])
            }
        }
        return groups
    }
}
