/// A value read from a pickle: only plain data. Python 2 `str` arrives as `bytes` (as Python 3's
/// `pickle.load(…, encoding="bytes")` gives it); `text` reads either as a string.
public indirect enum PickleValue: Sendable, Equatable {
    /// `None`.
    case none
    /// `True` or `False`.
    case bool(Bool)
    /// An integer that fits 64 bits.
    case int(Int)
    /// A larger integer, as little-endian two's-complement bytes (as LONG1/LONG4 store it).
    case bigInt([UInt8])
    /// A float.
    case float(Double)
    /// A Python 3 `str`.
    case string(String)
    /// `bytes`, `bytearray` or a Python 2 `str`.
    case bytes([UInt8])
    /// A list.
    case list([PickleValue])
    /// A tuple.
    case tuple([PickleValue])
    /// A set or frozenset, in the order the file lists it.
    case set([PickleValue])
    /// A dict (or `OrderedDict`), entries in file order.
    case dict([PickleEntry])
    /// A reference to an allowed global that was not called (such as `numpy.ndarray` as an argument).
    case global(module: String, name: String)
    /// A numpy array.
    case array(NumpyArray)
    /// A numpy dtype.
    case dtype(NumpyDType)
    /// An object of a class outside the allow-list, built by NEWOBJ and BUILD: inert data only
    /// (only when the allow-list accepts class records).
    case record(PickleRecord)

    /// The text of a `string`, or of `bytes` read as Latin-1 (a Python 2 `str`); nil otherwise.
    public var text: String? {
        switch self {
        case .string(let value): value
        case .bytes(let value): Self.latin1(value)
        default: nil
        }
    }

    /// Bytes as Latin-1 text: each byte is the code point of the same value.
    static func latin1(_ bytes: [UInt8]) -> String {
        var scalars = String.UnicodeScalarView()
        scalars.append(contentsOf: bytes.map(Unicode.Scalar.init))
        return String(scalars)
    }

    /// The value stored under the key whose `text` is `key`, when this is a dict.
    public subscript(key: String) -> PickleValue? {
        guard case .dict(let entries) = self else { return nil }
        return entries.first { $0.key.text == key }?.value
    }

    /// The elements of a list or tuple; nil otherwise.
    public var elements: [PickleValue]? {
        switch self {
        case .list(let values), .tuple(let values): values
        default: nil
        }
    }

    /// The integer, when this is a small `int` or a `bool`.
    public var integer: Int? {
        switch self {
        case .int(let value): value
        case .bool(let value): value ? 1 : 0
        default: nil
        }
    }

    /// A short name of the value's kind, for error messages.
    public var kindName: String {
        switch self {
        case .none: "None"
        case .bool: "bool"
        case .int, .bigInt: "int"
        case .float: "float"
        case .string: "str"
        case .bytes: "bytes"
        case .list: "list"
        case .tuple: "tuple"
        case .set: "set"
        case .dict: "dict"
        case .global(let module, let name): "\(module).\(name)"
        case .array: "numpy.ndarray"
        case .dtype: "numpy.dtype"
        case .record(let record): record.className
        }
    }
}

/// One key–value pair of a pickled dict.
public struct PickleEntry: Sendable, Equatable {
    /// The key.
    public var key: PickleValue
    /// The value.
    public var value: PickleValue

    /// An entry from its key and value.
    public init(key: PickleValue, value: PickleValue) {
        self.key = key
        self.value = value
    }
}

/// An instance of a class that was never run: the class's qualified name, NEWOBJ's arguments and
/// BUILD's state (for a PyTorch module, its `__dict__` with `_parameters`, `_buffers`, `_modules`).
public struct PickleRecord: Sendable, Equatable {
    /// `module.Name` of the class.
    public var className: String
    /// The arguments NEWOBJ passed to `__new__`.
    public var arguments: [PickleValue]
    /// The state BUILD gave it; `none` without BUILD.
    public var state: PickleValue
}
