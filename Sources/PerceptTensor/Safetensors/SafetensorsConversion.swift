extension SafetensorsFile {
    /// The elements of a floating-point tensor as `Float`, in row-major order.
    ///
    /// F16 and BF16 widen exactly (subnormals, infinities and NaN payloads included); F64 rounds
    /// to the nearest `Float`, as numpy's `astype(float32)` does (values beyond `Float`'s range
    /// become infinities).
    public func floats(of name: String) throws -> [Float] {
        let entry = try entry(named: name)
        switch entry.dtype {
        case .float32: return try copiedElements(of: entry) { Float(bitPattern: $0) }
        case .float16: return try elements(of: entry, as: UInt16.self, Self.widenHalf)
        case .bfloat16: return try elements(of: entry, as: UInt16.self) { Float(bitPattern: UInt32($0) << 16) }
        case .float64: return try elements(of: entry, as: UInt64.self) { Float(Double(bitPattern: $0)) }
        default:
            throw SafetensorsError.unsupportedConversion(file: path, tensor: name, dtype: entry.dtype, conversion: "floats(of:) (F32, F16, BF16, F64)")
        }
    }

    /// The elements of an integer or boolean tensor as `Int64`, in row-major order.
    /// BOOL reads as 0 and 1 (any non-zero byte is true).
    public func int64s(of name: String) throws -> [Int64] {
        let entry = try entry(named: name)
        switch entry.dtype {
        case .int64: return try copiedElements(of: entry) { Int64(bitPattern: $0) }
        case .int32: return try elements(of: entry, as: UInt32.self) { Int64(Int32(bitPattern: $0)) }
        case .int16: return try elements(of: entry, as: UInt16.self) { Int64(Int16(bitPattern: $0)) }
        case .int8: return try elements(of: entry, as: UInt8.self) { Int64(Int8(bitPattern: $0)) }
        case .uint32: return try elements(of: entry, as: UInt32.self) { Int64($0) }
        case .uint16: return try elements(of: entry, as: UInt16.self) { Int64($0) }
        case .uint8: return try elements(of: entry, as: UInt8.self) { Int64($0) }
        case .bool: return try elements(of: entry, as: UInt8.self) { $0 == 0 ? 0 : 1 }
        default:
            throw SafetensorsError.unsupportedConversion(file: path, tensor: name, dtype: entry.dtype, conversion: "int64s(of:) (I64, I32, I16, I8, U32, U16, U8, BOOL)")
        }
    }

    /// IEEE 754 binary16 bits to the `Float` with the same value.
    static func widenHalf(_ bits: UInt16) -> Float {
        let sign = UInt32(bits & 0x8000) << 16
        let exponent = UInt32(bits >> 10) & 0x1F
        let mantissa = UInt32(bits & 0x3FF)
        switch exponent {
        case 0x1F:
            // Infinity or NaN: keep the payload, as numpy does.
            return Float(bitPattern: sign | 0x7F80_0000 | mantissa << 13)
        case 0:
            // Zero or subnormal, mantissa × 2⁻²⁴: exact in Float, which has room for it as a normal.
            let magnitude = Float(mantissa) * 0x1p-24
            return sign == 0 ? magnitude : -magnitude
        default:
            // Rebias the exponent from 15 to 127.
            return Float(bitPattern: sign | (exponent + 112) << 23 | mantissa << 13)
        }
    }

    /// The elements of `entry` when the file's bytes are already `Element`s: a plain copy on a
    /// little-endian machine, the element-wise path elsewhere.
    private func copiedElements<Raw: FixedWidthInteger, Element>(
        of entry: SafetensorsEntry, _ convert: (Raw) -> Element
    ) throws -> [Element] {
        #if _endian(little)
        return try withBytes(of: entry.name) { bytes in
            [Element](unsafeUninitializedCapacity: entry.elementCount) { buffer, initialized in
                UnsafeMutableRawBufferPointer(buffer).copyMemory(from: bytes)
                initialized = entry.elementCount
            }
        }
        #else
        return try elements(of: entry, as: Raw.self, convert)
        #endif
    }

    /// Loads every element of `entry` as little-endian `Raw` and converts it.
    private func elements<Raw: FixedWidthInteger, Element>(
        of entry: SafetensorsEntry, as raw: Raw.Type, _ convert: (Raw) -> Element
    ) throws -> [Element] {
        try withBytes(of: entry.name) { bytes in
            let stride = MemoryLayout<Raw>.size
            return (0..<entry.elementCount).map { index in
                convert(Raw(littleEndian: bytes.loadUnaligned(fromByteOffset: index * stride, as: Raw.self)))
            }
        }
    }
}
