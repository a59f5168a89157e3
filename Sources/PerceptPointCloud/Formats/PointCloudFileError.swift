import PerceptMessages

/// A point-cloud file that cannot be read or written; every case names the file and the place.
public enum PointCloudFileError: Error, Equatable, CustomStringConvertible {
    /// The extension or the content names a format this library does not handle.
    case unsupportedFormat(file: String, format: String)
    /// The file ended before the data it declares: `expected` bytes needed at `offset`, `found` left.
    case truncated(file: String, offset: Int, expected: Int, found: Int)
    /// A header line is malformed or holds an unexpected value.
    case badHeader(file: String, line: Int, expected: String, found: String)
    /// The header's point count disagrees with its own layout or with the data.
    case pointCountMismatch(file: String, declared: Int, found: Int)
    /// A field declares a type code this format does not define.
    case unknownType(file: String, field: String, type: String)
    /// A field's byte size does not fit its type (for example TYPE F with SIZE 2).
    case sizeTypeMismatch(file: String, field: String, type: String, size: Int)
    /// A compressed block does not decompress to the size its header declares.
    case decompressedSizeMismatch(file: String, expected: Int, found: Int)
    /// Compressed data refers outside what has been decompressed so far.
    case corruptCompressedData(file: String, offset: Int, reason: String)
    /// A fixed-record file whose length is not a whole number of records.
    case lengthNotMultiple(file: String, length: Int, recordSize: Int)
    /// A label file whose entry count differs from its scan's point count.
    case labelCountMismatch(file: String, labels: Int, points: Int)
    /// A text value that does not parse as the field's type.
    case badValue(file: String, line: Int, field: String, found: String)
    /// A text line holds a different number of values than the header declares.
    case wrongValueCount(file: String, line: Int, expected: Int, found: Int)
    /// The operating system refused to read or write the file.
    case inputOutput(file: String, reason: String)
    /// The cloud lacks what this format needs to be written.
    case cannotWrite(file: String, reason: String)

    /// The file the problem is in.
    public var file: String {
        switch self {
        case let .unsupportedFormat(file, _), let .truncated(file, _, _, _), let .badHeader(file, _, _, _),
             let .pointCountMismatch(file, _, _), let .unknownType(file, _, _), let .sizeTypeMismatch(file, _, _, _),
             let .decompressedSizeMismatch(file, _, _), let .corruptCompressedData(file, _, _),
             let .lengthNotMultiple(file, _, _), let .labelCountMismatch(file, _, _), let .badValue(file, _, _, _), let .wrongValueCount(file, _, _, _),
             let .inputOutput(file, _), let .cannotWrite(file, _):
            return file
        }
    }

    /// The 1-based line of a text file the problem is on, when it has one.
    public var line: Int? {
        switch self {
        case let .badHeader(_, line, _, _), let .badValue(_, line, _, _), let .wrongValueCount(_, line, _, _): return line
        default: return nil
        }
    }

    /// What went wrong, without the file name.
    public var message: String {
        switch self {
        case let .unsupportedFormat(_, format):
            return "unsupported format \(quotedToken(format)) (readable: pcd, ply, bin, las, xyz, csv)"
        case let .truncated(_, offset, expected, found):
            return "truncated data at byte \(offset): expected \(expected) bytes, found \(found)"
        case let .badHeader(_, _, expected, found):
            return "bad header: expected \(expected), found \(quotedToken(found))"
        case let .pointCountMismatch(_, declared, found):
            return "the header declares \(declared) points but the file holds \(found)"
        case let .unknownType(_, field, type):
            return "field \(quotedToken(field)) has unknown type \(quotedToken(type))"
        case let .sizeTypeMismatch(_, field, type, size):
            return "field \(quotedToken(field)) has TYPE \(type) with SIZE \(size), which do not fit together"
        case let .decompressedSizeMismatch(_, expected, found):
            return "compressed data decompresses to \(found) bytes, the header declares \(expected)"
        case let .corruptCompressedData(_, offset, reason):
            return "corrupt compressed data at byte \(offset) of the block: \(reason)"
        case let .lengthNotMultiple(_, length, recordSize):
            return "file length \(length) is not a multiple of the \(recordSize)-byte record"
        case let .labelCountMismatch(_, labels, points):
            return "\(labels) labels for a scan of \(points) points"
        case let .badValue(_, _, field, found):
            return "field \(quotedToken(field)): cannot read \(quotedToken(found)) as a number"
        case let .wrongValueCount(_, _, expected, found):
            return "expected \(expected) values on the line, found \(found)"
        case let .inputOutput(_, reason):
            return reason
        case let .cannotWrite(_, reason):
            return "cannot write: \(reason)"
        }
    }

    public var description: String {
        line.map { "\(file):\($0): \(message)" } ?? "\(file): \(message)"
    }
}
