/// Close matches for a class name that was not found, for "did you mean 'cat'?" hints: the same
/// name in another case, or a name a few typing mistakes away.
///
/// ```swift
/// ClassNameMatch.closeMatches(for: "Cat", among: ["cat", "car", "dog"])  // ["cat"]
/// ClassNameMatch.closeMatches(for: "cart", among: ["cat", "car", "dog"]) // ["cat", "car"]
/// ClassNameMatch.hint(for: "hrose", among: ["horse", "house"])           // "did you mean 'horse' or 'house'?"
/// ```
public enum ClassNameMatch {
    /// The names among `candidates` that differ from `name` by case only (then only those) or
    /// else by a small edit distance (one edit for names up to four characters, two beyond;
    /// case ignored), closest first, at most `limit`.
    public static func closeMatches(for name: String, among candidates: [String], limit: Int = 3) -> [String] {
        let wanted = Array(name.lowercased())
        let allowed = wanted.count <= 4 ? 1 : 2
        let scored = candidates.compactMap { candidate -> (name: String, distance: Int)? in
            let distance = editDistance(wanted, Array(candidate.lowercased()), atMost: allowed)
            return distance.map { (name: candidate, distance: $0) }
        }
        let sameButCase = scored.filter { $0.distance == 0 }
        var seen = Set<String>()
        return (sameButCase.isEmpty ? scored : sameButCase).enumerated()
            .sorted { ($0.element.distance, $0.offset) < ($1.element.distance, $1.offset) }
            .map { $0.element.name }
            .filter { seen.insert($0).inserted }
            .prefix(limit)
            .map { $0 }
    }

    /// `did you mean 'cat'?` (or `'cat' or 'car'`) when there are close matches; otherwise the
    /// known names, so the user sees what to type (`the classes are 'car', 'sun'`, at most ten).
    public static func hint(for name: String, among candidates: [String]) -> String {
        let matches = closeMatches(for: name, among: candidates)
        if !matches.isEmpty { return "did you mean \(quotedList(matches, joiner: "or"))?" }
        if candidates.isEmpty { return "there are no classes" }
        let shown = Array(candidates.prefix(10))
        return "the classes are \(quotedList(shown, joiner: "and"))\(candidates.count > shown.count ? " and \(candidates.count - shown.count) more" : "")"
    }

    /// Levenshtein distance between `left` and `right`, or nil when it exceeds `limit` (the
    /// rows are cut off early then).
    static func editDistance(_ left: [Character], _ right: [Character], atMost limit: Int) -> Int? {
        guard abs(left.count - right.count) <= limit else { return nil }
        var previous = Array(0...right.count)
        for (row, leftCharacter) in left.enumerated() {
            var current = [row + 1] + Array(repeating: 0, count: right.count)
            for (column, rightCharacter) in right.enumerated() {
                current[column + 1] = min(previous[column + 1] + 1, current[column] + 1,
                                          previous[column] + (leftCharacter == rightCharacter ? 0 : 1))
            }
            guard current.min() ?? 0 <= limit else { return nil }
            previous = current
        }
        return previous[right.count] <= limit ? previous[right.count] : nil
    }

    private static func quotedList(_ names: [String], joiner: String) -> String {
        let quoted = names.map { "'\($0)'" }
        guard quoted.count > 1 else { return quoted.first ?? "" }
        return quoted.dropLast().joined(separator: ", ") + " \(joiner) " + (quoted.last ?? "")
    }
}
