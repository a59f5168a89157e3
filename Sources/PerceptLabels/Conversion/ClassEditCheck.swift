/// A class name given to a class edit (a remapping or a drop) that the dataset does not have,
/// so the edit would do nothing.
public struct UnknownClassName: Equatable, Sendable {
    /// The edits that take class names.
    public enum Edit: String, Sendable {
        /// A name on the left of `old:new` in `DatasetConversion.remapping`.
        case remap
        /// A name in `DatasetConversion.droppedClasses`.
        case drop
    }

    /// The edit the name was given to.
    public var edit: Edit
    /// The name as given.
    public var name: String
    /// What the user probably meant: `did you mean 'cat'?`, or the dataset's class names.
    public var hint: String
}

extension DatasetConversion {
    /// The names in `remapping` and `droppedClasses` that `dataset` has no class of, with a hint
    /// each, remappings first, each group sorted. Drops are checked against the names after the
    /// remapping, which runs first.
    public func unknownClassNames(in dataset: LabelDataset) -> [UnknownClassName] {
        let names = dataset.categories.map(\.name)
        var unknown = remapping.keys.sorted().filter { !names.contains($0) }.map {
            UnknownClassName(edit: .remap, name: $0, hint: ClassNameMatch.hint(for: $0, among: names))
        }
        var remapped: [String] = []
        for name in names.map({ remapping[$0] ?? $0 }) where !remapped.contains(name) { remapped.append(name) }
        for name in droppedClasses.sorted() where !remapped.contains(name) {
            let renamed = names.contains(name) ? remapping[name] : nil
            let hint = renamed.map { "it is renamed to '\($0)' by the remapping, which runs first" }
                ?? ClassNameMatch.hint(for: name, among: remapped)
            unknown.append(UnknownClassName(edit: .drop, name: name, hint: hint))
        }
        return unknown
    }
}
