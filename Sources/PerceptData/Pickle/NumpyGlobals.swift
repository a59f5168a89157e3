/// numpy's pickle constructors: arrays through `_reconstruct` + BUILD (every protocol) or
/// `_frombuffer` (protocol 5), dtypes through `dtype` + BUILD, and scalars.
enum NumpyGlobals {
    /// Every entry, under numpy 1's `numpy.core` and numpy 2's `numpy._core` module names.
    static let all: [PickleGlobal] = ["numpy.core", "numpy._core"].flatMap { core in
        [PickleGlobal(module: "\(core).multiarray", name: "_reconstruct", construct: reconstruct, setState: arrayState),
         PickleGlobal(module: "\(core).numeric", name: "_frombuffer", construct: fromBuffer),
         PickleGlobal(module: "\(core).multiarray", name: "scalar", construct: scalar)]
    } + [
        PickleGlobal(module: "numpy", name: "ndarray"),
        PickleGlobal(module: "numpy", name: "dtype", construct: makeDType, setState: dtypeState),
    ]

    /// `_reconstruct(numpy.ndarray, (0,), b"b")`: an empty array that BUILD fills.
    @Sendable private static func reconstruct(_ arguments: [PickleValue]) throws -> PickleValue {
        guard case .global(module: "numpy", name: "ndarray") = arguments.first else {
            throw PickleArgumentError("_reconstruct builds only numpy.ndarray, not \(arguments.first?.kindName ?? "nothing")")
        }
        return .array(try NumpyArray(shape: [0], dtype: NumpyDType(typeString: "u1"), data: []))
    }

    /// BUILD on an array: `(version, shape, dtype, is_fortran, data)` or the four-element form without the version.
    @Sendable private static func arrayState(_ object: PickleValue, _ state: PickleValue) throws -> PickleValue {
        guard var fields = state.elements else { throw PickleArgumentError("an array's state must be a tuple, not \(state.kindName)") }
        if fields.count == 5 { fields.removeFirst() }
        guard fields.count == 4 else { throw PickleArgumentError("an array's state has 4 or 5 fields, found \(fields.count)") }
        guard case .dtype(let dtype) = fields[1] else {
            throw PickleArgumentError("an array's state needs a numpy.dtype, found \(fields[1].kindName)")
        }
        guard case .bytes(let data) = fields[3] else {
            throw PickleArgumentError("an array's data must be bytes (object arrays are refused), found \(fields[3].kindName)")
        }
        return .array(try NumpyArray(shape: try shape(fields[0]), dtype: dtype,
                                     isFortranOrder: fields[2].integer == 1, data: data))
    }

    /// `_frombuffer(buffer, dtype, shape, order)`, protocol 5's in-band arrays.
    @Sendable private static func fromBuffer(_ arguments: [PickleValue]) throws -> PickleValue {
        guard arguments.count == 4, case .bytes(let data) = arguments[0], case .dtype(let dtype) = arguments[1] else {
            throw PickleArgumentError("_frombuffer takes (bytes, dtype, shape, order)")
        }
        return .array(try NumpyArray(shape: try shape(arguments[2]), dtype: dtype,
                                     isFortranOrder: arguments[3].text == "F", data: data))
    }

    /// `scalar(dtype, bytes)`: one number.
    @Sendable private static func scalar(_ arguments: [PickleValue]) throws -> PickleValue {
        guard arguments.count == 2, case .dtype(let dtype) = arguments[0], case .bytes(let data) = arguments[1] else {
            throw PickleArgumentError("scalar takes (dtype, bytes)")
        }
        let array = try NumpyArray(shape: [], dtype: dtype, data: data)
        switch dtype.kind {
        case .bool: return .bool(data[0] != 0)
        case .float: return .float(Double(array.floats[0]))
        case .signed, .unsigned: return .int(array.integers?.first ?? 0)
        }
    }

    /// `dtype("f4", False, True)`.
    @Sendable private static func makeDType(_ arguments: [PickleValue]) throws -> PickleValue {
        guard let typeString = arguments.first?.text else { throw PickleArgumentError("dtype() needs a type string") }
        return .dtype(try NumpyDType(typeString: typeString))
    }

    /// BUILD on a dtype: `(version, byteorder, subarray, names, fields, elsize, alignment, flags)`;
    /// only the byte order matters for plain numbers, and structured dtypes are refused.
    @Sendable private static func dtypeState(_ object: PickleValue, _ state: PickleValue) throws -> PickleValue {
        guard case .dtype(var dtype) = object, let fields = state.elements, fields.count >= 4 else {
            throw PickleArgumentError("a dtype's state must be a tuple of at least 4 fields")
        }
        guard fields[2] == .none, fields[3] == .none else {
            throw PickleArgumentError("structured and sub-array dtypes are not supported")
        }
        switch fields[1].text {
        case ">": dtype.isLittleEndian = false
        case "<", "=", "|": dtype.isLittleEndian = true
        default: throw PickleArgumentError("a dtype's byte order must be <, >, = or |")
        }
        return .dtype(dtype)
    }

    /// A shape tuple of non-negative integers.
    @Sendable private static func shape(_ value: PickleValue) throws -> [Int] {
        guard let elements = value.elements else { throw PickleArgumentError("an array shape must be a tuple") }
        return try elements.map {
            guard let size = $0.integer, size >= 0 else { throw PickleArgumentError("an array shape holds non-negative integers") }
            return size
        }
    }
}
