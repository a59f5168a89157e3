/// A numpy dtype of plain numbers: bool, signed and unsigned integers, floats.
public struct NumpyDType: Sendable, Equatable {
    /// The kind of number.
    public enum Kind: String, Sendable {
        /// `b`: bool, one byte.
        case bool = "b"
        /// `i`: signed integer.
        case signed = "i"
        /// `u`: unsigned integer.
        case unsigned = "u"
        /// `f`: IEEE float.
        case float = "f"
    }

    /// The kind of number.
    public let kind: Kind
    /// Bytes per element.
    public let itemSize: Int
    /// Whether multi-byte elements are little-endian.
    public var isLittleEndian: Bool

    /// A dtype from numpy's type string (`"u1"`, `"<f4"`, `">i8"`, `"b1"`); throws for strings,
    /// objects, complex numbers and sizes numpy does not have.
    public init(typeString: String) throws {
        var text = Substring(typeString)
        var littleEndian = true
        if let first = text.first, "<>|=".contains(first) {
            littleEndian = first != ">"
            text = text.dropFirst()
        }
        guard let kindCharacter = text.first, let kind = Kind(rawValue: String(kindCharacter)),
              let size = Int(text.dropFirst()) else {
            throw PickleArgumentError("numpy dtype '\(typeString)' is not a plain number type (bool, int, uint, float)")
        }
        let sizes: [Int] = switch kind {
        case .bool: [1]
        case .signed, .unsigned: [1, 2, 4, 8]
        case .float: [2, 4, 8]
        }
        guard sizes.contains(size) else { throw PickleArgumentError("numpy dtype '\(typeString)' has an unsupported size") }
        self.kind = kind
        itemSize = size
        isLittleEndian = littleEndian
    }

    /// numpy's name for the type (`uint8`, `float32`, `bool`).
    public var name: String {
        switch kind {
        case .bool: "bool"
        case .signed: "int\(itemSize * 8)"
        case .unsigned: "uint\(itemSize * 8)"
        case .float: "float\(itemSize * 8)"
        }
    }
}

/// A numpy array: its shape, dtype and raw element bytes (in the dtype's byte order, C or
/// Fortran order as `isFortranOrder` says).
public struct NumpyArray: Sendable, Equatable {
    /// Size of each dimension.
    public let shape: [Int]
    /// The element type.
    public let dtype: NumpyDType
    /// Whether the elements are stored column-major.
    public let isFortranOrder: Bool
    /// The raw element bytes.
    public let data: [UInt8]

    /// An array over raw bytes; throws unless `data` holds exactly the elements `shape` needs.
    public init(shape: [Int], dtype: NumpyDType, isFortranOrder: Bool = false, data: [UInt8]) throws {
        var elements = 1
        for size in shape {
            let (product, overflow) = elements.multipliedReportingOverflow(by: size)
            guard size >= 0, !overflow else { throw PickleArgumentError("numpy array shape \(shape) is not valid") }
            elements = product
        }
        let (bytes, overflow) = elements.multipliedReportingOverflow(by: dtype.itemSize)
        guard !overflow, bytes == data.count else {
            throw PickleArgumentError("numpy array of shape \(shape) and dtype \(dtype.name) needs \(bytes) bytes, found \(data.count)")
        }
        self.shape = shape
        self.dtype = dtype
        self.isFortranOrder = isFortranOrder
        self.data = data
    }

    /// The number of elements.
    public var count: Int { data.count / dtype.itemSize }

    /// The elements as integers (bool, int or uint arrays), in storage order; nil for floats.
    public var integers: [Int]? {
        guard dtype.kind != .float else { return nil }
        if dtype.itemSize == 1 { return dtype.kind == .signed ? data.map { Int(Int8(bitPattern: $0)) } : data.map { Int($0) } }
        return (0..<count).map { index in
            let bits = word(at: index)
            guard dtype.kind == .signed else { return Int(truncatingIfNeeded: bits) }
            // Sign-extend from the element's width.
            let shift = UInt64(64 - dtype.itemSize * 8)
            return Int(truncatingIfNeeded: Int64(bitPattern: bits << shift) >> shift)
        }
    }

    /// The elements as Float (any dtype), in storage order.
    public var floats: [Float] {
        guard dtype.kind == .float else { return (integers ?? []).map { Float($0) } }
        return (0..<count).map { index in
            let bits = word(at: index)
            return switch dtype.itemSize {
            case 2: Float(Float16(bitPattern: UInt16(truncatingIfNeeded: bits)))
            case 4: Float(bitPattern: UInt32(truncatingIfNeeded: bits))
            default: Float(Double(bitPattern: bits))
            }
        }
    }

    /// Element `index`'s bytes as an unsigned word, byte order resolved.
    private func word(at index: Int) -> UInt64 {
        let start = index * dtype.itemSize
        var value: UInt64 = 0
        for byte in 0..<dtype.itemSize {
            let position = dtype.isLittleEndian ? start + dtype.itemSize - 1 - byte : start + byte
            value = value << 8 | UInt64(data[position])
        }
        return value
    }
}
