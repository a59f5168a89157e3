import ArgumentParser
import Foundation
import Percept

/// `annotate serve --classes FILE [--rename-classes old:new] [--sync-classes]`: reads the class
/// file into the store and says what differs, so a class removed from or renamed in the file
/// never passes in silence.
enum AnnotateClassFile {
    /// Parses `old:new,old2:new2`.
    static func renaming(_ text: String) throws -> [String: String] {
        do {
            return try ClassRegistry.parseRemapping(text)
        } catch {
            throw ValidationError("--rename-classes: expected 'old:new,old2:new2', found '\(text)'")
        }
    }

    /// Applies the class file and prints a line per rename, addition, removal and difference.
    static func apply(_ file: String, to store: AnnotationStore, renaming: [String: String], sync: Bool) throws {
        guard let text = try? String(contentsOfFile: file, encoding: .utf8) else {
            throw CommandOutput.usage(file: file, "cannot read the class list")
        }
        let registry = try AnnotateCommand.fail(file) { try ClassRegistry(parsing: text, file: file) }
        let report = try AnnotateCommand.fail(file) {
            try store.applyClassFile(registry.classes.map { ($0.id, $0.name) }, renaming: renaming, removeOthers: sync)
        }
        for (old, new) in report.renamed { print("percept annotate: class '\(old)' renamed to '\(new)'") }
        if report.removed {
            let names = report.notInFile.map { "'\($0.name)'" }.joined(separator: ", ")
            print("percept annotate: removed the classes \(file) does not list (no shape used them): \(names)")
        } else {
            for entry in report.notInFile {
                CommandOutput.problem(file: file, kind: "warning", "class '\(entry.name)' is in the annotation store (\(entry.shapes) shape(s)) "
                                      + "but not in the class file; it stays (--sync-classes removes it, --rename-classes '\(entry.name):NEW' renames it)")
            }
        }
        guard report.storeHadClasses else { return }
        for name in report.added {
            // A file edited in place: a name that replaced one at the same place is likely a rename.
            let guess = report.notInFile.count == 1 && report.added.count == 1 && !report.removed ? report.notInFile.first?.name : nil
            let hint = guess.map { "; if it renames '\($0)', restart with --rename-classes '\($0):\(name)'" } ?? ""
            CommandOutput.problem(file: file, kind: "warning", "class '\(name)' is new in the class file and was added\(hint)")
        }
    }
}
