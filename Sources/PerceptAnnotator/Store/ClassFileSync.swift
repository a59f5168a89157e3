import Foundation
import GRDB
import PerceptLabels

/// What bringing a class file into the store found and did (`percept annotate serve --classes`).
/// Classes only ever change as the file and the explicit options say: a class the file lacks
/// is removed only with `removeOthers`, a rename happens only when it is given.
public struct ClassFileReport: Equatable, Sendable {
    /// A class of the store, and how many shapes (people's and proposals) use it.
    public struct Use: Equatable, Sendable {
        /// The class name.
        public var name: String
        /// The shapes of that class.
        public var shapes: Int
    }

    /// Renamings applied, as `old → new`, in the store's class order.
    public var renamed: [(old: String, new: String)]
    /// Classes of the store that the file does not list: kept, or removed when `removed`.
    public var notInFile: [Use]
    /// Whether `notInFile` were removed.
    public var removed: Bool
    /// Names of the file that the store did not have, now added.
    public var added: [String]
    /// Whether the store had classes before (on a first start every class is new).
    public var storeHadClasses: Bool

    /// Compares the parts, the renamings pair by pair.
    public static func == (left: ClassFileReport, right: ClassFileReport) -> Bool {
        left.renamed.map { [$0.old, $0.new] } == right.renamed.map { [$0.old, $0.new] } && left.notInFile == right.notInFile
            && left.removed == right.removed && left.added == right.added && left.storeHadClasses == right.storeHadClasses
    }
}

extension AnnotationStore {
    /// The number of shapes (people's and proposals) of each class that has any.
    public func shapeCountsByClass() throws -> [Int: Int] {
        try read { db in
            Dictionary(uniqueKeysWithValues: try Row.fetchAll(db, sql: "SELECT classID, COUNT(*) AS uses FROM shape GROUP BY classID").map {
                (($0["classID"] as Int), ($0["uses"] as Int))
            })
        }
    }

    /// Brings the class list in line with a class file: first `renaming` (`old → new`, shapes
    /// keep their class), then the file's new classes are added, then, with `removeOthers`,
    /// the classes the file does not list are removed and the list takes the file's order.
    /// Everything is checked before anything changes: it throws `AnnotatorError.invalid` when
    /// a renamed class does not exist, a new name belongs to a class in use, or a class to
    /// remove is used by shapes.
    public func applyClassFile(_ wanted: [(id: Int, name: String)], renaming: [String: String] = [:],
                               removeOthers: Bool = false) throws -> ClassFileReport {
        let before = try classes()
        let uses = try shapeCountsByClass()
        let renamed = try renamedDrafts(before, renaming, uses: uses)
        let notInFile = renamed.filter { draft in !wanted.contains { $0.name == draft.name } }
            .map { ClassFileReport.Use(name: $0.name, shapes: uses[$0.id ?? -1] ?? 0) }
        let used = notInFile.filter { $0.shapes > 0 }
        if removeOthers, !used.isEmpty {
            let list = used.map { "'\($0.name)' (\($0.shapes) shape(s))" }.joined(separator: ", ")
            throw AnnotatorError.invalid(place: "classes", detail: "cannot remove \(list): shapes use them; relabel or delete those shapes, or keep the class in the file")
        }
        if !renaming.isEmpty { _ = try replaceClasses(with: renamed) }
        let added = wanted.map(\.name).filter { name in !renamed.contains { $0.name == name } }
        try ensureClasses(wanted)
        if removeOthers {
            let all = try classes()
            _ = try replaceClasses(with: wanted.compactMap { item in
                all.first { $0.name == item.name }.map { ClassDraft(id: $0.id, name: $0.name, color: $0.color) }
            })
        }
        return ClassFileReport(renamed: before.compactMap { entry in renaming[entry.name].map { (entry.name, $0) } },
                               notInFile: notInFile, removed: removeOthers && !notInFile.isEmpty,
                               added: added, storeHadClasses: !before.isEmpty)
    }

    /// The class list after `renaming`, checked but not stored; a class already called by a
    /// new name gives way when no shape uses it (an earlier start from the renamed file added it).
    private func renamedDrafts(_ before: [LabelClass], _ renaming: [String: String], uses: [Int: Int]) throws -> [ClassDraft] {
        let names = before.map(\.name)
        for (old, new) in renaming.sorted(by: { $0.key < $1.key }) {
            guard names.contains(old) else {
                throw AnnotatorError.invalid(place: "rename '\(old):\(new)'", detail: "there is no class '\(old)'; \(ClassNameMatch.hint(for: old, among: names))")
            }
            guard renaming.values.filter({ $0 == new }).count == 1 else {
                throw AnnotatorError.invalid(place: "rename '\(old):\(new)'", detail: "two classes are renamed to '\(new)'; merging classes is not supported")
            }
        }
        var drafts: [ClassDraft] = []
        for entry in before {
            if renaming[entry.name] == nil, renaming.values.contains(entry.name) {
                let shapes = uses[entry.id] ?? 0
                guard shapes == 0 else {
                    throw AnnotatorError.invalid(place: "rename to '\(entry.name)'", detail: "class '\(entry.name)' exists and \(shapes) shape(s) use it; merging classes is not supported")
                }
                continue
            }
            drafts.append(ClassDraft(id: entry.id, name: renaming[entry.name] ?? entry.name, color: entry.color))
        }
        return drafts
    }
}
