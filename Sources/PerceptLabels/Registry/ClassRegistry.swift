import Foundation
import PerceptMessages

/// A fixed list of classes with their ids, read from a `--classes` file: one name per line
/// (ids 0, 1, 2, … in line order) or `id name` per line. Formats that store only names (VOC,
/// CVAT, Label Studio, class folders) use it to give each name its id.
public struct ClassRegistry: Equatable, Sendable {
    /// The classes in order.
    public private(set) var classes: [LabelCategory]

    /// A registry of the given classes; throws on a repeated id or name.
    public init(_ classes: [LabelCategory]) throws {
        var ids = Set<Int>(), names = Set<String>()
        for category in classes {
            guard ids.insert(category.id).inserted else { throw LabelError.invalidArgument("class id \(category.id) appears twice") }
            guard names.insert(category.name).inserted else { throw LabelError.invalidArgument("class name \(quotedToken(category.name)) appears twice") }
        }
        self.classes = classes
    }

    /// Parses a classes file. Blank lines and lines starting with `#` are skipped; a file mixes
    /// no forms: either every line starts with an id or none does.
    public init(parsing text: String, file: String) throws {
        var classes: [LabelCategory] = []
        var numbered: Bool?
        for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = rawLine.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !line.isEmpty, !line.hasPrefix("#") else { continue }
            let parts = line.split(separator: " ", maxSplits: 1).map(String.init)
            let hasID = parts.count == 2 && Int(parts[0]) != nil
            if let numbered, numbered != hasID {
                throw LabelError.invalid(file: file, place: "line \(index + 1)",
                                         detail: "expected \(numbered ? "'id name'" : "a class name only") like the lines before, found \(quotedToken(line))")
            }
            numbered = hasID
            let id = hasID ? Int(parts[0]) ?? 0 : classes.count
            classes.append(LabelCategory(id: id, name: hasID ? parts[1].trimmingCharacters(in: .whitespaces) : line))
        }
        do {
            try self.init(classes)
        } catch LabelError.invalidArgument(let detail) {
            throw LabelError.invalid(file: file, place: "class list", detail: detail)
        }
    }

    /// The id of the class called `name`.
    public func id(for name: String) -> Int? {
        classes.first { $0.name == name }?.id
    }

    /// Parses `old:new,old2:new2` into a renaming; mapping two names to one merges them.
    public static func parseRemapping(_ text: String) throws -> [String: String] {
        var result: [String: String] = [:]
        for pair in text.split(separator: ",") {
            let parts = pair.split(separator: ":", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
                throw LabelError.invalidArgument("--remap: expected 'old:new', found \(quotedToken(pair))")
            }
            guard result[parts[0]] == nil else { throw LabelError.invalidArgument("--remap: \(quotedToken(parts[0])) is renamed twice") }
            result[parts[0]] = parts[1]
        }
        return result
    }
}

/// Assigns ids to class names met while reading a names-only format: the registry's id when
/// there is one, otherwise the next free id from 1 in order of appearance.
struct CategoryNamer {
    let registry: ClassRegistry?
    private(set) var categories: [LabelCategory] = []

    init(registry: ClassRegistry?, declared: [String] = []) {
        self.registry = registry
        if let registry { categories = registry.classes }
        for name in declared { _ = id(for: name) }
    }

    /// The id for `name`, adding a category when it is new; nil when a registry is given
    /// and does not know the name.
    mutating func id(for name: String) -> Int? {
        if let known = categories.first(where: { $0.name == name }) { return known.id }
        guard registry == nil else { return nil }
        let id = (categories.map(\.id).max() ?? 0) + 1
        categories.append(LabelCategory(id: id, name: name))
        return id
    }
}

extension ClassRegistry {
    /// The file names-only formats write beside their labels so category ids survive a round trip.
    public static let fileName = "classes.txt"

    /// The registry to read a names-only dataset with: the one given, else the folder's
    /// `classes.txt` when present (a broken one is reported and ignored).
    static func forReading(_ given: ClassRegistry?, folder: URL, problems: inout [LabelProblem]) -> ClassRegistry? {
        if let given { return given }
        let url = folder.appendingPathComponent(fileName)
        guard DatasetFiles.exists(url) else { return nil }
        do {
            return try ClassRegistry(parsing: String(decoding: try DatasetFiles.read(url, file: url.path), as: UTF8.self), file: url.path)
        } catch let error as LabelError {
            problems.append(error.problem)
        } catch {
            problems.append(LabelProblem(file: url.path, severity: .error, message: "\(error)"))
        }
        return nil
    }

    /// Writes the dataset's categories as `classes.txt` in `folder`.
    static func writeFile(for dataset: LabelDataset, in folder: URL) throws {
        let text = dataset.categories.map { "\($0.id) \($0.name)\n" }.joined()
        try DatasetFiles.write(Array(text.utf8), to: folder.appendingPathComponent(fileName))
    }
}
