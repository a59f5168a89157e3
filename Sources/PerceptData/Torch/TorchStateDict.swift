/// Where a PyTorch file keeps its state dict: the file itself (a plain state dict, as
/// torchvision's downloads are), the first non-null of a checkpoint's `ema`, `model`,
/// `state_dict`, `model_state_dict`, `net`, or a pickled whole module, read from its inert
/// records' `_parameters`, `_buffers` and `_modules` with PyTorch's dotted names. A `module.`
/// prefix on every key (DataParallel, DDP) is removed with a notice.
enum TorchStateDict {
    /// The checkpoint keys that may hold the model, in the order they are tried.
    static let checkpointKeys = ["ema", "model", "state_dict", "model_state_dict", "net"]

    /// The tensor placeholders of the state dict in `root`, by name, and notices for the user.
    static func entries(in root: PickleValue, file: String) throws -> (entries: [(String, PickleRecord)], notices: [String]) {
        var notices: [String] = []
        var entries = try find(root, file: file, notices: &notices, depth: 0)
        let prefix = "module."
        if !entries.isEmpty, entries.allSatisfy({ $0.0.hasPrefix(prefix) }) {
            entries = entries.map { (String($0.0.dropFirst(prefix.count)), $0.1) }
            notices.append("every key started with 'module.' (saved from DataParallel/DDP); the prefix was removed")
        }
        var seen = Set<String>()
        if let duplicate = entries.first(where: { !seen.insert($0.0).inserted }) {
            throw TorchFileError.corrupt(file: file, detail: "the state dict names \(duplicate.0) twice")
        }
        return (entries, notices)
    }

    private static func find(_ value: PickleValue, file: String, notices: inout [String], depth: Int) throws -> [(String, PickleRecord)] {
        guard depth < 4 else { throw TorchFileError.noStateDict(file: file, detail: "checkpoints nest deeper than expected") }
        switch value {
        case .dict(let items):
            for key in checkpointKeys {
                guard let inner = value[key], inner != .none, !isTensor(inner) else { continue }
                notices.append("using the checkpoint's '\(key)' entry")
                return try find(inner, file: file, notices: &notices, depth: depth + 1)
            }
            var entries: [(String, PickleRecord)] = []
            for item in items {
                guard let name = item.key.text, case .record(let tensor) = item.value, tensor.className == TorchGlobals.tensorClass else {
                    let keys = items.prefix(8).map { $0.key.text ?? $0.key.kindName }.joined(separator: ", ")
                    throw TorchFileError.noStateDict(file: file, detail: "a dictionary of \(keys)\(items.count > 8 ? ", …" : "") that is neither a state dict nor a checkpoint with one of \(checkpointKeys.joined(separator: ", "))")
                }
                entries.append((name, tensor))
            }
            guard !entries.isEmpty else { throw TorchFileError.noStateDict(file: file, detail: "the dictionary is empty") }
            return entries
        case .record(let record) where record.state["_modules"] != nil || record.state["_parameters"] != nil:
            notices.append("read the state dict of a pickled \(record.className) module (its classes were not run)")
            var entries: [(String, PickleRecord)] = []
            try walkModule(record, prefix: "", into: &entries, file: file, depth: 0)
            return entries
        default:
            throw TorchFileError.noStateDict(file: file, detail: "the file holds a \(value.kindName), not a state dict, a checkpoint or a module")
        }
    }

    /// A module's own parameters and persistent buffers, then its children's, as `state_dict()` orders them.
    private static func walkModule(_ module: PickleRecord, prefix: String, into entries: inout [(String, PickleRecord)], file: String, depth: Int) throws {
        guard depth < 100 else { throw TorchFileError.noStateDict(file: file, detail: "modules nest deeper than 100 levels") }
        let state = module.state
        let nonPersistent = Set((state["_non_persistent_buffers_set"].flatMap(\.setElements) ?? []).compactMap(\.text))
        for (field, skipping) in [("_parameters", Set<String>()), ("_buffers", nonPersistent)] {
            guard case .dict(let items)? = state[field] else { continue }
            for item in items {
                guard let name = item.key.text, !skipping.contains(name), item.value != .none else { continue }
                guard case .record(let tensor) = item.value, tensor.className == TorchGlobals.tensorClass else {
                    throw TorchFileError.corrupt(file: file, detail: "\(prefix)\(name) in \(field) is a \(item.value.kindName), not a tensor")
                }
                entries.append((prefix + name, tensor))
            }
        }
        guard case .dict(let children)? = state["_modules"] else { return }
        for child in children {
            guard let name = child.key.text, child.value != .none else { continue }
            guard case .record(let record) = child.value else {
                throw TorchFileError.corrupt(file: file, detail: "submodule \(prefix)\(name) is a \(child.value.kindName), not a module")
            }
            try walkModule(record, prefix: prefix + name + ".", into: &entries, file: file, depth: depth + 1)
        }
    }

    private static func isTensor(_ value: PickleValue) -> Bool {
        if case .record(let record) = value { return record.className == TorchGlobals.tensorClass }
        return false
    }

    /// The type name of every storage placeholder under `value`, by key.
    static func collectStorages(in value: PickleValue, into found: inout [String: String]) {
        switch value {
        case .record(let record):
            if record.className == TorchGlobals.storageClass, let type = record.arguments.first?.text, let key = record.arguments.dropFirst().first?.text {
                found[key] = type
            }
            for argument in record.arguments { collectStorages(in: argument, into: &found) }
            collectStorages(in: record.state, into: &found)
        case .list(let values), .tuple(let values), .set(let values):
            for element in values { collectStorages(in: element, into: &found) }
        case .dict(let items):
            for item in items { collectStorages(in: item.value, into: &found) }
        default:
            break
        }
    }
}

extension PickleValue {
    /// The elements of a set (or list or tuple); nil otherwise.
    var setElements: [PickleValue]? {
        if case .set(let values) = self { return values }
        return elements
    }
}
