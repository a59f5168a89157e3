/// Where one scalar field's values sit in a byte buffer: the first at `start`, the next `stride` bytes on.
struct FieldColumn {
    var name: String
    var type: ScalarType
    var start: Int
    var stride: Int
}

/// Turns field columns with file-specific names into a `PointCloud`'s attributes.
enum FieldColumns {
    static let intensityNames = ["intensity", "i", "reflectance", "remission", "scalar_intensity"]
    static let labelNames = ["label", "scalar_label", "semantic", "class", "classification"]
    static let instanceNames = ["instance", "instance_id", "object"]
    static let normalNames = [["normal_x", "nx"], ["normal_y", "ny"], ["normal_z", "nz"]]
    static let colorChannelNames = [["red", "r", "diffuse_red"], ["green", "g", "diffuse_green"], ["blue", "b", "diffuse_blue"]]

    /// Builds a cloud of `count` points from `columns` over `base`; throws when x, y or z is missing.
    static func assemble(_ columns: [FieldColumn], bytes: UnsafeRawBufferPointer, count: Int, bigEndian: Bool,
                         file: String) throws -> PointCloud {
        // An empty file has no storage address; with no points nothing is loaded from it.
        guard let base = bytes.baseAddress else {
            return try withUnsafeBytes(of: UInt64(0)) { try assemble(columns, base: $0.baseAddress!, count: 0, bigEndian: bigEndian, file: file) }
        }
        return try assemble(columns, base: base, count: count, bigEndian: bigEndian, file: file)
    }

    private static func assemble(_ columns: [FieldColumn], base: UnsafeRawPointer, count: Int, bigEndian: Bool,
                                 file: String) throws -> PointCloud {
        var byName: [String: FieldColumn] = [:]
        for column in columns where byName[column.name.lowercased()] == nil { byName[column.name.lowercased()] = column }
        func floats(_ column: FieldColumn) -> [Float] {
            column.type.loadColumn(from: base, start: column.start, stride: column.stride, count: count, bigEndian: bigEndian)
        }
        func first(_ names: [String]) -> FieldColumn? { names.lazy.compactMap { byName[$0] }.first }

        guard let xColumn = byName["x"], let yColumn = byName["y"], let zColumn = byName["z"] else {
            throw PointCloudFileError.badHeader(file: file, line: 0, expected: "fields x, y and z",
                                                found: columns.map(\.name).joined(separator: " "))
        }
        var cloud = PointCloud(x: floats(xColumn), y: floats(yColumn), z: floats(zColumn))
        if let column = first(intensityNames) { cloud.intensity = floats(column) }
        if let column = byName["rgb"] ?? byName["rgba"] {
            cloud.colors = (0..<count).map { index in
                let offset = column.start + index * column.stride
                let packed = column.type == .float32
                    ? column.type.loadBits32(from: base, at: offset, bigEndian: bigEndian)
                    : UInt32(clamping: saturatingInteger(column.type.load(from: base, at: offset, bigEndian: bigEndian)))
                return PointColor(packed: packed)
            }
        } else if let red = first(colorChannelNames[0]), let green = first(colorChannelNames[1]),
                  let blue = first(colorChannelNames[2]) {
            let channels = [red, green, blue].map { column in
                floats(column).map { value in
                    UInt8(clamping: saturatingInteger(Double(column.type.isFloatingPoint && value <= 1 ? value * 255 : value).rounded()))
                }
            }
            cloud.colors = (0..<count).map { PointColor(red: channels[0][$0], green: channels[1][$0], blue: channels[2][$0]) }
        }
        if let nx = first(normalNames[0]), let ny = first(normalNames[1]), let nz = first(normalNames[2]) {
            let (a, b, c) = (floats(nx), floats(ny), floats(nz))
            cloud.normals = (0..<count).map { SIMD3(a[$0], b[$0], c[$0]) }
        }
        func integers(_ column: FieldColumn) -> [UInt32] {
            (0..<count).map { index in
                UInt32(clamping: saturatingInteger(column.type.load(from: base, at: column.start + index * column.stride, bigEndian: bigEndian)))
            }
        }
        if let column = first(labelNames) { cloud.labels = integers(column) }
        if let column = first(instanceNames) { cloud.instances = integers(column) }
        return cloud
    }

    /// The scalar fields a writer stores for `cloud`, each as a column of 32-bit values.
    static func writableFields(of cloud: PointCloud) -> [WritableField] {
        var fields = [
            WritableField(name: "x", floats: cloud.x), WritableField(name: "y", floats: cloud.y), WritableField(name: "z", floats: cloud.z),
        ]
        if let intensity = cloud.intensity { fields.append(WritableField(name: "intensity", floats: intensity)) }
        // PCL's colour: 0x00RRGGBB in a float field's bits, written as an integer in text.
        if let colors = cloud.colors { fields.append(WritableField(name: "rgb", type: .float32, bits: colors.map(\.packed), isFloat: false)) }
        if let normals = cloud.normals {
            for (axis, name) in ["normal_x", "normal_y", "normal_z"].enumerated() {
                fields.append(WritableField(name: name, floats: normals.map { $0[axis] }))
            }
        }
        if let labels = cloud.labels { fields.append(WritableField(name: "label", type: .uint32, bits: labels, isFloat: false)) }
        if let instances = cloud.instances { fields.append(WritableField(name: "instance", type: .uint32, bits: instances, isFloat: false)) }
        return fields
    }

    /// `value` toward zero, clamped to `Int64`'s range, NaN as 0: a file's numbers (ASCII PCD holds
    /// any decimal in an integer field) must not trap the conversion.
    static func saturatingInteger(_ value: Double) -> Int64 {
        if value.isNaN { return 0 }
        if value >= 0x1p63 { return .max }
        if value < -0x1p63 { return .min }
        return Int64(value)
    }
}

/// One field a writer emits: its name, stored type and the 32-bit pattern of each point's value.
struct WritableField {
    var name: String
    /// The type written to the file (float32, uint32, or uint8 for PLY colour channels).
    var type: ScalarType
    var bits: [UInt32]
    /// True when the bits are a Float's, which text shows as a decimal number.
    var isFloat: Bool

    init(name: String, type: ScalarType, bits: [UInt32], isFloat: Bool) {
        self.name = name
        self.type = type
        self.bits = bits
        self.isFloat = isFloat
    }

    init(name: String, floats: [Float]) {
        self.init(name: name, type: .float32, bits: floats.map(\.bitPattern), isFloat: true)
    }

    /// Point `index`'s value as text that reads back exactly.
    func text(_ index: Int) -> String {
        guard isFloat else { return "\(bits[index])" }
        let value = Float(bitPattern: bits[index])
        return value.isNaN ? "nan" : "\(value)"
    }

    /// Packs `fields` point by point into records, each value in its type's size and byte order.
    static func records(_ fields: [WritableField], count: Int, bigEndian: Bool) -> [UInt8] {
        let recordSize = fields.reduce(0) { $0 + $1.type.size }
        var bytes = [UInt8](repeating: 0, count: recordSize * count)
        bytes.withUnsafeMutableBytes { raw in
            var offset = 0
            for field in fields {
                field.bits.withUnsafeBufferPointer { values in
                    for index in 0..<count {
                        let position = index * recordSize + offset
                        if field.type == .uint8 {
                            raw[position] = UInt8(truncatingIfNeeded: values[index])
                        } else {
                            raw.storeBytes(of: bigEndian ? values[index].bigEndian : values[index].littleEndian,
                                           toByteOffset: position, as: UInt32.self)
                        }
                    }
                }
                offset += field.type.size
            }
        }
        return bytes
    }
}
