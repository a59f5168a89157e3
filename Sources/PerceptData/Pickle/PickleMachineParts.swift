/// The pickle machine's stack, memo, containers, calls and freezing, with the limits checked
/// where values are made.
extension PickleMachine {
    // MARK: - Stack

    mutating func push(_ item: Item) throws {
        elements += 1
        guard elements <= limits.maxElements else { throw limit("more than \(limits.maxElements) values") }
        stack.append(item)
    }

    mutating func pushLeaf(_ value: PickleValue) throws { try push(.value(value, height: 0)) }

    mutating func pop() throws -> Item {
        guard stack.count > (marks.last ?? 0), let item = stack.popLast() else { throw malformed("the stack is empty") }
        return item
    }

    func top() throws -> Item {
        guard stack.count > (marks.last ?? 0), let item = stack.last else { throw malformed("the stack is empty") }
        return item
    }

    /// The items pushed since the last MARK, which is removed.
    mutating func popMark() throws -> [Item] {
        guard let mark = marks.popLast() else { throw malformed("no MARK to pop to") }
        defer { stack.removeSubrange(mark...) }
        return Array(stack[mark...])
    }

    mutating func pushContainer(_ kind: Container.Kind, _ items: [Item]) throws {
        containers.append(Container(kind: kind, items: items))
        try push(.container(containers.count - 1))
    }

    /// Adds `items` to the container of `kind` on top of the stack (APPEND, SETITEM, ADDITEMS).
    mutating func extend(_ kind: Container.Kind, with items: [Item], _ opcode: String) throws {
        guard case .container(let id) = try top(), containers[id].kind == kind else {
            throw malformed("\(opcode) needs a \(kind) on the stack")
        }
        containers[id].items.append(contentsOf: items)
    }

    /// Items taken as key–value pairs: there must be an even number.
    func pairs(_ items: [Item], _ opcode: String) throws -> [Item] {
        guard items.count % 2 == 0 else { throw malformed("\(opcode) needs key–value pairs, found \(items.count) items") }
        return items
    }

    mutating func pushIntegerLine(allowBool: Bool) throws {
        let text = try input.textLine("an integer")
        if allowBool, text == "00" || text == "01" { return try pushLeaf(.bool(text == "01")) }
        guard let value = PickleText.integer(text) else { throw malformed("'\(text)' is not an integer") }
        try pushLeaf(value)
    }

    mutating func bytes(lengthWidth: Int, signed: Bool = false, _ what: String) throws -> [UInt8] {
        let count = try input.length(lengthWidth, signed: signed, what)
        allocatedBytes += count
        guard allocatedBytes <= limits.maxBytes else { throw limit("more than \(limits.maxBytes) bytes of strings and data") }
        return try input.take(count, what)
    }

    mutating func utf8(lengthWidth: Int, _ what: String) throws -> String {
        let raw = try bytes(lengthWidth: lengthWidth, what)
        guard let text = String(validating: raw, as: UTF8.self) else { throw malformed("\(what) is not valid UTF-8") }
        return text
    }

    // MARK: - Memo

    mutating func memoIndexLine(_ opcode: String) throws -> Int {
        let text = try input.textLine(opcode)
        guard let index = Int(text), index >= 0 else { throw malformed("\(opcode) index '\(text)' is not a number") }
        return index
    }

    mutating func remember(at index: Int) throws {
        let item = try top()
        guard memo[index] != nil || memo.count < limits.maxMemoEntries else { throw limit("more than \(limits.maxMemoEntries) memo entries") }
        memo[index] = item
    }

    mutating func recall(_ index: Int) throws {
        guard let item = memo[index] else { throw malformed("memo entry \(index) was never stored") }
        try push(item)
    }

    // MARK: - Globals and calls

    func resolve(module: String, name: String) throws -> PickleGlobal {
        guard let global = allowList.global(module: module, name: name) else {
            throw PickleError.disallowedGlobal(file: input.file, offset: input.opcodeStart, module: module, name: name)
        }
        return global
    }

    mutating func tupleElements(_ item: Item, _ opcode: String) throws -> [PickleValue] {
        let value = try freeze(item).value
        guard case .tuple(let arguments) = value else { throw malformed("\(opcode) needs an argument tuple, found \(value.kindName)") }
        return arguments
    }

    /// Calls an allowed constructor. What it builds becomes an object BUILD can update when the
    /// global takes a state, a mutable container when it is a list, dict or set (OrderedDict then
    /// receives SETITEMS), and a finished value otherwise. A class record is only made by
    /// NEWOBJ (`instantiating`); REDUCE, INST or OBJ on one is refused.
    mutating func call(_ callable: Item, arguments: [PickleValue], instantiating: Bool) throws {
        if case .global(let global) = callable, global.isClassRecord, !instantiating {
            throw PickleError.notCallable(file: input.file, offset: input.opcodeStart,
                                          what: "\(global.qualifiedName) (a class outside the allow-list, accepted only through NEWOBJ)")
        }
        guard case .global(let global) = callable, let construct = global.construct else {
            let what: String = switch callable {
            case .global(let global): "\(global.qualifiedName) (a type that may only be an argument)"
            default: "a value that is not a global"
            }
            throw PickleError.notCallable(file: input.file, offset: input.opcodeStart, what: what)
        }
        let height = arguments.map(Self.height).max().map { $0 + 2 } ?? 1
        let result: PickleValue
        do { result = try construct(arguments) } catch let error as PickleArgumentError {
            throw malformed("\(global.qualifiedName): \(error.message)")
        }
        if global.setState != nil {
            objects.append(Object(value: result, height: height, global: global))
            return try push(.object(objects.count - 1))
        }
        switch result {
        case .list(let values): try pushContainer(.list, values.map { .value($0, height: height) })
        case .set(let values): try pushContainer(.set, values.map { .value($0, height: height) })
        case .dict(let entries):
            try pushContainer(.dict, entries.flatMap { [.value($0.key, height: height), .value($0.value, height: height)] })
        default: try push(.value(result, height: height))
        }
    }

    mutating func build(state: PickleValue) throws {
        // An OrderedDict's attributes (a PyTorch state dict's `_metadata`): a plain dict keeps none.
        if case .container(let id) = try top(), containers[id].kind == .dict, case .dict = state { return }
        guard case .object(let id) = try top(), let setState = objects[id].global.setState else {
            throw malformed("BUILD on a value that takes no state")
        }
        do {
            objects[id].value = try setState(objects[id].value, state)
        } catch let error as PickleArgumentError {
            throw malformed("\(objects[id].global.qualifiedName) state: \(error.message)")
        }
        objects[id].height = max(objects[id].height, Self.height(state) + 1)
    }

    mutating func loadPersistent(_ id: PickleValue) throws {
        guard let persistentLoad else {
            throw PickleError.unsupported(file: input.file, offset: input.opcodeStart, feature: "a persistent ID (PERSID/BINPERSID)")
        }
        do { try push(.value(try persistentLoad(id), height: Self.height(id) + 1)) } catch let error as PickleArgumentError {
            throw malformed("persistent ID: \(error.message)")
        }
    }

    // MARK: - Freezing

    /// The item as a finished value and its nesting height; throws past the depth limit (deep or
    /// cyclic containers) and counts every value made against the element limit.
    mutating func freeze(_ item: Item, depth: Int = 0) throws -> (value: PickleValue, height: Int) {
        guard depth <= limits.maxDepth else { throw limit("values nest deeper than \(limits.maxDepth) levels") }
        switch item {
        case .value(let value, let height):
            guard depth + height <= limits.maxDepth else { throw limit("values nest deeper than \(limits.maxDepth) levels") }
            return (value, height)
        case .global(let global):
            guard !global.isClassRecord else {
                throw PickleError.disallowedGlobal(file: input.file, offset: input.opcodeStart, module: global.module, name: global.name)
            }
            return (.global(module: global.module, name: global.name), 0)
        case .object(let id):
            guard depth + objects[id].height <= limits.maxDepth else { throw limit("values nest deeper than \(limits.maxDepth) levels") }
            return (objects[id].value, objects[id].height)
        case .container(let id):
            let container = containers[id]
            elements += container.items.count
            guard elements <= limits.maxElements else { throw limit("more than \(limits.maxElements) values") }
            var values: [PickleValue] = []
            values.reserveCapacity(container.items.count)
            var height = 0
            for child in container.items {
                let frozen = try freeze(child, depth: depth + 1)
                values.append(frozen.value)
                height = max(height, frozen.height + 1)
            }
            switch container.kind {
            case .list: return (.list(values), height)
            case .tuple: return (.tuple(values), height)
            case .set: return (.set(values), height)
            case .dict:
                let entries = stride(from: 0, to: values.count, by: 2).map { PickleEntry(key: values[$0], value: values[$0 + 1]) }
                return (.dict(entries), height + 1)
            }
        }
    }

    /// A finished value's nesting height, bounded because every value was frozen under the limit.
    static func height(_ value: PickleValue) -> Int {
        switch value {
        case .list(let values), .tuple(let values), .set(let values): 1 + (values.map(height).max() ?? 0)
        case .dict(let entries): 2 + (entries.map { max(height($0.key), height($0.value)) }.max() ?? 0)
        case .array, .dtype: 1
        case .record(let record): 2 + max(record.arguments.map(height).max() ?? 0, height(record.state))
        default: 0
        }
    }

    // MARK: - Errors

    func malformed(_ detail: String) -> PickleError { .malformed(file: input.file, offset: input.opcodeStart, detail: detail) }

    func limit(_ detail: String) -> PickleError {
        .limitExceeded(file: input.file, offset: input.opcodeStart, limit: "a limit against hostile files was reached: \(detail)")
    }
}
