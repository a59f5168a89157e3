/// One global a pickle may name: a data constructor (`construct`, called by REDUCE/NEWOBJ with the
/// frozen arguments), a class only passed as an argument (`construct` nil), and optionally how
/// BUILD applies a state to what it made. Nothing a file names runs unless it is in the table.
public struct PickleGlobal: Sendable {
    /// Builds a value from the call's arguments.
    public typealias Construct = @Sendable (_ arguments: [PickleValue]) throws -> PickleValue
    /// Returns `object` with BUILD's `state` applied.
    public typealias SetState = @Sendable (_ object: PickleValue, _ state: PickleValue) throws -> PickleValue

    /// The module, as the pickle spells it (`numpy.core.multiarray`).
    public let module: String
    /// The name inside the module (`_reconstruct`).
    public let name: String
    /// What calling it builds; nil when it may only appear as an argument.
    public let construct: Construct?
    /// How BUILD applies a state to a value it built; nil when BUILD is refused.
    public let setState: SetState?
    /// Whether this is a class outside the table that may only be instantiated through NEWOBJ
    /// (and BUILD), becoming an inert ``PickleRecord``; REDUCE on it is refused.
    public let isClassRecord: Bool

    /// A table entry.
    public init(module: String, name: String, construct: Construct? = nil, setState: SetState? = nil) {
        self.init(module: module, name: name, construct: construct, setState: setState, isClassRecord: false)
    }

    private init(module: String, name: String, construct: Construct?, setState: SetState?, isClassRecord: Bool) {
        self.module = module
        self.name = name
        self.construct = construct
        self.setState = setState
        self.isClassRecord = isClassRecord
    }

    /// A class that NEWOBJ turns into an inert record of its name, arguments and BUILD state.
    static func classRecord(module: String, name: String) -> PickleGlobal {
        let className = "\(module).\(name)"
        return PickleGlobal(module: module, name: name, construct: { arguments in
            .record(PickleRecord(className: className, arguments: arguments, state: .none))
        }, setState: { object, state in
            guard case .record(var record) = object else { throw PickleArgumentError("BUILD on a record expected a record") }
            record.state = state
            return .record(record)
        }, isClassRecord: true)
    }

    /// `module.name`.
    public var qualifiedName: String { "\(module).\(name)" }
}

/// The globals a pickle may name. `numpy` (the default) holds Python's plain containers and
/// numpy's array and dtype constructors; readers of other formats extend it with `adding`
/// (PyTorch checkpoints: `torch._utils._rebuild_tensor_v2` and its storages).
///
/// ```swift
/// let table = PickleAllowList.numpy.adding([PickleGlobal(module: "torch._utils", name: "_rebuild_tensor_v2", construct: …)])
/// ```
public struct PickleAllowList: Sendable {
    private var globals: [String: PickleGlobal] = [:]
    /// Whether classes outside the table may be instantiated through NEWOBJ as inert records
    /// (pickled whole PyTorch modules); see ``allowingClassRecords()``.
    public private(set) var acceptsClassRecords = false

    /// A table of exactly these globals.
    public init(_ globals: [PickleGlobal]) {
        for global in globals { self.globals[global.qualifiedName] = global }
    }

    /// This table with `more` added (replacing entries of the same name).
    public func adding(_ more: [PickleGlobal]) -> PickleAllowList {
        var result = self
        for global in more { result.globals[global.qualifiedName] = global }
        return result
    }

    /// This table, also accepting class globals that only NEWOBJ instantiates, each becoming an
    /// inert ``PickleRecord`` (its class name and BUILD state), never a call. A name counts as a
    /// class when it starts with a capital letter (Python's convention: `Conv2d`, not `system`)
    /// and its module is none of those that reach the system (``systemModules``).
    public func allowingClassRecords() -> PickleAllowList {
        var result = self
        result.acceptsClassRecords = true
        return result
    }

    /// Modules whose names are refused even as inert records: they run commands, load code or
    /// reach files and the network (`os`, `subprocess`, `builtins`, …, and their submodules).
    public static let systemModules: Set<String> = [
        "os", "posix", "nt", "subprocess", "builtins", "__builtin__", "sys", "shutil", "socket", "pty", "importlib", "runpy",
        "ctypes", "pickle", "_pickle", "marshal", "code", "codeop", "webbrowser", "multiprocessing", "asyncio", "io", "_io",
        "types", "functools", "operator", "platform", "signal", "tempfile", "pathlib", "urllib", "http", "ftplib", "smtplib",
        "telnetlib", "threading", "_thread", "inspect", "pdb", "timeit", "commands", "popen2", "copyreg", "copy_reg",
    ]

    /// The entry for `module.name`, or nil when the pickle may not name it.
    public func global(module: String, name: String) -> PickleGlobal? {
        if let global = globals["\(module).\(name)"] { return global }
        guard acceptsClassRecords, let first = name.unicodeScalars.first, ("A"..."Z").contains(first),
              name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }),
              !Self.systemModules.contains(String(module.split(separator: ".").first ?? "")) else { return nil }
        return .classRecord(module: module, name: name)
    }

    /// The qualified names in the table, sorted.
    public var names: [String] { globals.keys.sorted() }

    /// Python's containers that pickle through globals: `set`, `frozenset`, `bytearray`,
    /// `collections.OrderedDict`, and `_codecs.encode` (how Python 3 writes bytes at protocol 2).
    public static let builtins = PickleAllowList(
        ["builtins", "__builtin__"].flatMap { module in
            [PickleGlobal(module: module, name: "set", construct: makeSet),
             PickleGlobal(module: module, name: "frozenset", construct: makeSet),
             PickleGlobal(module: module, name: "bytearray", construct: makeByteArray)]
        } + [
            PickleGlobal(module: "_codecs", name: "encode", construct: encodeLatin1),
            PickleGlobal(module: "collections", name: "OrderedDict", construct: makeOrderedDict),
        ])

    /// `builtins` plus numpy's arrays, dtypes and scalars (under `numpy.core` and numpy 2's `numpy._core`).
    public static let numpy = builtins.adding(NumpyGlobals.all)

    @Sendable private static func makeSet(_ arguments: [PickleValue]) throws -> PickleValue {
        guard let items = arguments.first else { return .set([]) }
        switch items {
        case .list(let values), .tuple(let values), .set(let values): return .set(values)
        default: throw PickleArgumentError("set() takes a list, tuple or set, not \(items.kindName)")
        }
    }

    @Sendable private static func makeByteArray(_ arguments: [PickleValue]) throws -> PickleValue {
        switch arguments.first {
        case nil: return .bytes([])
        case .bytes(let bytes): return .bytes(bytes)
        case .string: return try encodeLatin1(arguments)
        case .some(let other): throw PickleArgumentError("bytearray() takes bytes or a Latin-1 str, not \(other.kindName)")
        }
    }

    /// `_codecs.encode(text, "latin1")`: each code point (below 256) becomes one byte.
    @Sendable private static func encodeLatin1(_ arguments: [PickleValue]) throws -> PickleValue {
        guard case .string(let text) = arguments.first else { throw PickleArgumentError("encode() needs a str") }
        let encoding = arguments.count > 1 ? arguments[1].text?.lowercased() : "utf-8"
        switch encoding {
        case "latin1", "latin-1", "iso-8859-1":
            var bytes: [UInt8] = []
            bytes.reserveCapacity(text.unicodeScalars.count)
            for scalar in text.unicodeScalars {
                guard scalar.value < 256 else { throw PickleArgumentError("code point \(scalar.value) is not Latin-1") }
                bytes.append(UInt8(scalar.value))
            }
            return .bytes(bytes)
        case "utf-8", "utf8":
            return .bytes(Array(text.utf8))
        default:
            throw PickleArgumentError("encode() with encoding '\(encoding ?? "?")' is not supported")
        }
    }

    @Sendable private static func makeOrderedDict(_ arguments: [PickleValue]) throws -> PickleValue {
        guard let pairs = arguments.first else { return .dict([]) }
        guard let items = pairs.elements else { throw PickleArgumentError("OrderedDict() takes a list of pairs") }
        return .dict(try items.map { pair in
            guard let both = pair.elements, both.count == 2 else { throw PickleArgumentError("OrderedDict() takes pairs") }
            return PickleEntry(key: both[0], value: both[1])
        })
    }
}
