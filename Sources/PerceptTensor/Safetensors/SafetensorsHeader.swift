/// The checked contents of a safetensors header: entries in file order and the metadata.
///
/// Every number is checked before use — the header length against the file, each range against
/// the data buffer, each range's size against dtype and shape (with overflow checks) and the
/// ranges against each other — so no header can make the reader touch bytes outside the file.
struct SafetensorsHeader {
    /// Entries sorted by data offset (file order).
    let entries: [SafetensorsEntry]
    /// The `__metadata__` object, empty when absent.
    let metadata: [String: String]

    /// The largest header accepted, the same limit as the reference implementation's.
    static let maximumLength = 100 << 20
    static let metadataKey = "__metadata__"

    /// The header length stored in the first 8 bytes, checked against the file size.
    /// Returns the length as an `Int` that fits inside the file.
    static func headerLength(of file: UnsafeRawBufferPointer, path: String) throws -> Int {
        guard file.count >= 8 else { throw SafetensorsError.fileTooShort(file: path, size: file.count) }
        let length = UInt64(littleEndian: file.loadUnaligned(fromByteOffset: 0, as: UInt64.self))
        guard length <= UInt64(maximumLength) else {
            throw SafetensorsError.headerTooLarge(file: path, headerLength: length, limit: maximumLength)
        }
        guard length <= UInt64(file.count - 8) else {
            throw SafetensorsError.headerPastEnd(file: path, headerLength: length, fileSize: file.count)
        }
        return Int(length)
    }

    /// Parses and checks the whole header of a file held in `file`.
    static func read(from file: UnsafeRawBufferPointer, path: String) throws -> (header: SafetensorsHeader, dataStart: Int) {
        let length = try headerLength(of: file, path: path)
        let headerBytes = Array(file[8..<8 + length])
        let json: HeaderJSON
        do {
            json = try HeaderJSONParser.parse(headerBytes)
        } catch {
            if error.isEncodingError { throw SafetensorsError.headerNotUTF8(file: path, offset: 8 + error.offset) }
            throw SafetensorsError.headerNotJSON(file: path, offset: 8 + error.offset, message: error.message)
        }
        let dataStart = 8 + length
        let header = try check(json, dataSize: file.count - dataStart, path: path)
        return (header, dataStart)
    }

    /// Turns the parsed JSON into entries and metadata, rejecting anything malformed.
    static func check(_ json: HeaderJSON, dataSize: Int, path: String) throws -> SafetensorsHeader {
        guard case let .object(members) = json else { throw SafetensorsError.headerNotObject(file: path, found: json.summary) }
        var seen = Set<String>()
        var entries: [SafetensorsEntry] = []
        var metadata: [String: String] = [:]
        for (name, value) in members {
            guard seen.insert(name).inserted else { throw SafetensorsError.duplicateName(file: path, tensor: name) }
            if name == metadataKey {
                metadata = try checkMetadata(value, path: path)
            } else {
                entries.append(try checkEntry(name: name, value, dataSize: dataSize, path: path))
            }
        }
        // Sorting by (begin, end) is stable enough: ties are empty tensors or overlaps, reported below.
        let ordered = entries.enumerated().sorted {
            ($0.element.byteRange.lowerBound, $0.element.byteRange.upperBound, $0.offset)
                < ($1.element.byteRange.lowerBound, $1.element.byteRange.upperBound, $1.offset)
        }.map(\.element)
        try checkDisjoint(ordered, path: path)
        return SafetensorsHeader(entries: ordered, metadata: metadata)
    }

    private static func checkMetadata(_ value: HeaderJSON, path: String) throws -> [String: String] {
        guard case let .object(members) = value else { throw SafetensorsError.invalidMetadata(file: path, key: nil, found: value.summary) }
        var metadata: [String: String] = [:]
        for (key, item) in members {
            guard case let .string(text) = item else { throw SafetensorsError.invalidMetadata(file: path, key: key, found: item.summary) }
            guard metadata.updateValue(text, forKey: key) == nil else {
                throw SafetensorsError.duplicateField(file: path, tensor: metadataKey, field: key)
            }
        }
        return metadata
    }

    private static func checkEntry(name: String, _ value: HeaderJSON, dataSize: Int, path: String) throws -> SafetensorsEntry {
        guard case let .object(members) = value else { throw SafetensorsError.entryNotObject(file: path, tensor: name, found: value.summary) }
        var fields: [String: HeaderJSON] = [:]
        for (key, item) in members {
            guard fields.updateValue(item, forKey: key) == nil else {
                throw SafetensorsError.duplicateField(file: path, tensor: name, field: key)
            }
        }
        func field(_ key: String) throws -> HeaderJSON {
            guard let item = fields[key] else { throw SafetensorsError.missingField(file: path, tensor: name, field: key) }
            return item
        }

        let dtypeValue = try field("dtype")
        guard case let .string(dtypeName) = dtypeValue else {
            throw SafetensorsError.wrongFieldType(file: path, tensor: name, field: "dtype", expected: "a string", found: dtypeValue.summary)
        }
        guard let dtype = SafetensorsDType(rawValue: dtypeName) else {
            throw SafetensorsError.unknownDType(file: path, tensor: name, dtype: dtypeName)
        }

        let shapeValue = try field("shape")
        guard case let .array(dimensions) = shapeValue else {
            throw SafetensorsError.wrongFieldType(file: path, tensor: name, field: "shape", expected: "an array of integers", found: shapeValue.summary)
        }
        let shape = try dimensions.enumerated().map { index, dimension in
            guard let size = dimension.nonNegativeInt else {
                throw SafetensorsError.invalidDimension(file: path, tensor: name, index: index, found: dimension.summary)
            }
            return size
        }

        let offsetsValue = try field("data_offsets")
        guard case let .array(offsets) = offsetsValue, offsets.count == 2 else {
            throw SafetensorsError.wrongFieldType(file: path, tensor: name, field: "data_offsets", expected: "an array of two integers", found: offsetsValue.summary)
        }
        let bounds = try offsets.enumerated().map { index, offset in
            guard let position = offset.nonNegativeInt else {
                throw SafetensorsError.invalidOffset(file: path, tensor: name, index: index, found: offset.summary)
            }
            return position
        }
        let (begin, end) = (bounds[0], bounds[1])
        guard begin <= end, end <= dataSize else {
            throw SafetensorsError.offsetsOutOfRange(file: path, tensor: name, begin: begin, end: end, dataSize: dataSize)
        }
        let expected = SafetensorsEntry.byteCount(dtype: dtype, shape: shape)
        guard let expected, expected == end - begin, let count = SafetensorsEntry.elementCount(of: shape) else {
            throw SafetensorsError.byteSizeMismatch(file: path, tensor: name, dtype: dtype, shape: shape, expected: expected, found: end - begin)
        }
        return SafetensorsEntry(name: name, dtype: dtype, shape: shape, byteRange: begin..<end, elementCount: count)
    }

    /// Throws if two non-empty ranges share a byte. `ordered` is sorted by range start.
    private static func checkDisjoint(_ ordered: [SafetensorsEntry], path: String) throws {
        var furthest: SafetensorsEntry?
        for entry in ordered where !entry.byteRange.isEmpty {
            if let previous = furthest, entry.byteRange.lowerBound < previous.byteRange.upperBound {
                throw SafetensorsError.overlappingTensors(file: path, tensor: entry.name, other: previous.name)
            }
            if entry.byteRange.upperBound > (furthest?.byteRange.upperBound ?? 0) { furthest = entry }
        }
    }
}
