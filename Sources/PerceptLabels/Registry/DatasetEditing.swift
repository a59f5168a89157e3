extension LabelDataset {
    /// Renames classes (`old → new`); classes renamed to one name are merged into the first
    /// of them, keeping its id. Returns the number of annotations whose class changed id.
    @discardableResult
    public mutating func renameClasses(_ renaming: [String: String]) -> Int {
        var idForName: [String: Int] = [:]
        var replacement: [Int: Int] = [:]
        var kept: [LabelCategory] = []
        for var category in categories {
            category.name = renaming[category.name] ?? category.name
            if let existing = idForName[category.name] {
                replacement[category.id] = existing
            } else {
                idForName[category.name] = category.id
                kept.append(category)
            }
        }
        categories = kept
        var changed = 0
        for index in annotations.indices {
            if let target = replacement[annotations[index].categoryID] {
                annotations[index].categoryID = target
                changed += 1
            }
        }
        return changed
    }

    /// Removes the named classes and their annotations; returns the number of annotations removed.
    @discardableResult
    public mutating func dropClasses(_ names: Set<String>) -> Int {
        let dropped = Set(categories.filter { names.contains($0.name) }.map(\.id))
        categories.removeAll { dropped.contains($0.id) }
        let before = annotations.count
        annotations.removeAll { dropped.contains($0.categoryID) }
        return before - annotations.count
    }

    /// Gives the classes the registry's ids and order (matched by name). Classes the registry
    /// does not list are returned, and their annotations removed.
    public mutating func adoptClasses(_ registry: ClassRegistry) -> [String] {
        var newID: [Int: Int] = [:]
        var unknown: [String] = []
        for category in categories {
            if let id = registry.id(for: category.name) { newID[category.id] = id } else { unknown.append(category.name) }
        }
        categories = registry.classes
        annotations = annotations.compactMap { annotation in
            guard let id = newID[annotation.categoryID] else { return nil }
            var moved = annotation
            moved.categoryID = id
            return moved
        }
        return unknown
    }
}
