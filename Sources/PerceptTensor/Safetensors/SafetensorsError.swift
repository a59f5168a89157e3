import PerceptMessages

/// Every error the safetensors reader and writer throw. Each message names the file, the tensor
/// (or header field) involved, what was expected and what was found.
public enum SafetensorsError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The file could not be opened, read or mapped.
    case unreadable(file: String, reason: String)
    /// The file is shorter than the 8-byte header length.
    case fileTooShort(file: String, size: Int)
    /// The header length points past the end of the file.
    case headerPastEnd(file: String, headerLength: UInt64, fileSize: Int)
    /// The header length is larger than any real header (the reference reader's limit).
    case headerTooLarge(file: String, headerLength: UInt64, limit: Int)
    /// The header bytes are not valid UTF-8.
    case headerNotUTF8(file: String, offset: Int)
    /// The header is not valid JSON.
    case headerNotJSON(file: String, offset: Int, message: String)
    /// The header is JSON, but not an object.
    case headerNotObject(file: String, found: String)
    /// A name appears twice in the header (JSON parsers usually keep only the last one).
    case duplicateName(file: String, tensor: String)
    /// A key appears twice inside one tensor's entry or inside `__metadata__`.
    case duplicateField(file: String, tensor: String, field: String)
    /// A tensor's entry is not a JSON object.
    case entryNotObject(file: String, tensor: String, found: String)
    /// A tensor's entry lacks `dtype`, `shape` or `data_offsets`.
    case missingField(file: String, tensor: String, field: String)
    /// A field of a tensor's entry has the wrong JSON type.
    case wrongFieldType(file: String, tensor: String, field: String, expected: String, found: String)
    /// The dtype is not one this reader knows.
    case unknownDType(file: String, tensor: String, dtype: String)
    /// A dimension is negative, fractional or too large.
    case invalidDimension(file: String, tensor: String, index: Int, found: String)
    /// A data offset is negative, fractional or too large.
    case invalidOffset(file: String, tensor: String, index: Int, found: String)
    /// The byte range is reversed or lies outside the data buffer.
    case offsetsOutOfRange(file: String, tensor: String, begin: Int, end: Int, dataSize: Int)
    /// The byte range does not hold dtype size × element count bytes (`expected` is nil on overflow).
    case byteSizeMismatch(file: String, tensor: String, dtype: SafetensorsDType, shape: [Int], expected: Int?, found: Int)
    /// Two tensors share bytes.
    case overlappingTensors(file: String, tensor: String, other: String)
    /// `__metadata__` is not an object of strings.
    case invalidMetadata(file: String, key: String?, found: String)
    /// No tensor has this name.
    case tensorNotFound(file: String, tensor: String)
    /// A conversion (`floats(of:)`, `int64s(of:)`) does not apply to the tensor's dtype.
    case unsupportedConversion(file: String, tensor: String, dtype: SafetensorsDType, conversion: String)
    /// A tensor given to the writer is not valid (reserved or duplicate name, bad shape or size).
    case invalidTensor(tensor: String, message: String)
    /// The file could not be written (the message names the system error).
    case writeFailed(file: String, reason: String)

    /// The message, `FILE: error: tensor 'NAME': what was expected, what was found`.
    public var description: String {
        switch self {
        case let .unreadable(file, reason):
            return "\(file): error: cannot read: \(reason)"
        case let .fileTooShort(file, size):
            return "\(file): error: file has \(size) bytes, a safetensors file needs at least 8 (the header length)"
        case let .headerPastEnd(file, headerLength, fileSize):
            return "\(file): error: header length \(headerLength) at offset 0 runs past the end of the \(fileSize)-byte file"
        case let .headerTooLarge(file, headerLength, limit):
            return "\(file): error: header length \(headerLength) at offset 0 exceeds the limit of \(limit) bytes"
        case let .headerNotUTF8(file, offset):
            return "\(file): error: header is not valid UTF-8 at byte \(offset)"
        case let .headerNotJSON(file, offset, message):
            return "\(file): error: header is not valid JSON at byte \(offset): \(message)"
        case let .headerNotObject(file, found):
            return "\(file): error: header must be a JSON object, found \(found)"
        case let .duplicateName(file, tensor):
            return "\(file): error: tensor \(quotedToken(tensor)): the name appears more than once in the header"
        case let .duplicateField(file, tensor, field):
            return "\(file): error: \(quotedToken(tensor)): key \(quotedToken(field)) appears more than once"
        case let .entryNotObject(file, tensor, found):
            return "\(file): error: tensor \(quotedToken(tensor)): expected an object with dtype, shape and data_offsets, found \(found)"
        case let .missingField(file, tensor, field):
            return "\(file): error: tensor \(quotedToken(tensor)): missing field \(quotedToken(field))"
        case let .wrongFieldType(file, tensor, field, expected, found):
            return "\(file): error: tensor \(quotedToken(tensor)): field \(quotedToken(field)) must be \(expected), found \(found)"
        case let .unknownDType(file, tensor, dtype):
            let known = SafetensorsDType.allCases.map(\.rawValue).joined(separator: ", ")
            return "\(file): error: tensor \(quotedToken(tensor)): unknown dtype \(quotedToken(dtype)) (known: \(known))"
        case let .invalidDimension(file, tensor, index, found):
            return "\(file): error: tensor \(quotedToken(tensor)): shape[\(index)] must be a non-negative integer, found \(found)"
        case let .invalidOffset(file, tensor, index, found):
            return "\(file): error: tensor \(quotedToken(tensor)): data_offsets[\(index)] must be a non-negative integer, found \(found)"
        case let .offsetsOutOfRange(file, tensor, begin, end, dataSize):
            return "\(file): error: tensor \(quotedToken(tensor)): data_offsets [\(begin), \(end)] must satisfy begin <= end <= \(dataSize) (the data size)"
        case let .byteSizeMismatch(file, tensor, dtype, shape, expected, found):
            let expectation = expected.map { "\($0) bytes" } ?? "more bytes than an Int can count"
            return "\(file): error: tensor \(quotedToken(tensor)): \(dtype) with shape \(TensorError.format(shape)) needs \(expectation), data_offsets span \(found)"
        case let .overlappingTensors(file, tensor, other):
            return "\(file): error: tensor \(quotedToken(tensor)): its bytes overlap those of tensor \(quotedToken(other))"
        case let .invalidMetadata(file, key, found):
            if let key {
                return "\(file): error: __metadata__ value of \(quotedToken(key)) must be a string, found \(found)"
            }
            return "\(file): error: __metadata__ must be an object of strings, found \(found)"
        case let .tensorNotFound(file, tensor):
            return "\(file): error: no tensor named \(quotedToken(tensor))"
        case let .unsupportedConversion(file, tensor, dtype, conversion):
            return "\(file): error: tensor \(quotedToken(tensor)): \(conversion) does not accept dtype \(dtype)"
        case let .invalidTensor(tensor, message):
            return "tensor \(quotedToken(tensor)): \(message)"
        case let .writeFailed(file, reason):
            return "\(file): error: cannot write: \(reason)"
        }
    }
}
