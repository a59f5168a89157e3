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
    static func assemble(_ columns: [FieldColumn], base: UnsafeRawPointer, count: Int, bigEndian: Bool,
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
                    : UInt32(clamping: Int64(column.type.load(from: base, at: offset, bigEndian: bigEndian)))
                return PointColor(packed: packed)
            }
        } else if let red = first(colorChannelNames[0]), let green = first(colorChannelNames[1]),
                  let blue = first(colorChannelNames[2]) {
            let channels = [red, green, blue].map { column in
                floats(column).map { value in
                    UInt8(clamping: Int((column.type.isFloatingPoint && value <= 1 ? value * 255 : value).rounded()))
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
                UInt32(clamping: Int64(column.type.load(from: base, at: column.start + index * column.stride, bigEndian: bigEndian)))
            }
        }
        if let column = first(labelNames) { cloud.labels = integers(column) }
        if let column = first(instanceNames) { cloud.instances = integers(column) }
        return cloud
    }

    /// The scalar fields a writer stores for `cloud`, with a getter per field returning the value's
    /// type and a closure producing it for point `index`.
    static func writableFields(of cloud: PointCloud) -> [WritableField] {
        var fields: [WritableField] = [
            WritableField(name: "x", type: .float32) { .float(cloud.x[$0]) },
            WritableField(name: "y", type: .float32) { .float(cloud.y[$0]) },
            WritableField(name: "z", type: .float32) { .float(cloud.z[$0]) },
        ]
        if let intensity = cloud.intensity {
            fields.append(WritableField(name: "intensity", type: .float32) { .float(intensity[$0]) })
        }
        if let colors = cloud.colors {
            fields.append(WritableField(name: "rgb", type: .float32) { .packedColor(colors[$0].packed) })
        }
        if let normals = cloud.normals {
            for (axis, name) in ["normal_x", "normal_y", "normal_z"].enumerated() {
                fields.append(WritableField(name: name, type: .float32) { .float(normals[$0][axis]) })
            }
        }
        if let labels = cloud.labels { fields.append(WritableField(name: "label", type: .uint32) { .unsigned(labels[$0]) }) }
        if let instances = cloud.instances {
            fields.append(WritableField(name: "instance", type: .uint32) { .unsigned(instances[$0]) })
        }
        return fields
    }
}

/// One field a writer emits, and how to get its value for a point.
struct WritableField {
    /// A value as it is stored.
    enum Value {
        case float(Float)
        case unsigned(UInt32)
        /// A PCL colour: 0x00RRGGBB, stored in a float's bits in binary and as an integer in text.
        case packedColor(UInt32)

        /// The value as text that reads back exactly.
        var text: String {
            switch self {
            case let .float(value): return value.isNaN ? "nan" : "\(value)"
            case let .unsigned(value), let .packedColor(value): return "\(value)"
            }
        }

        /// The value's 32 bits.
        var bits: UInt32 {
            switch self {
            case let .float(value): return value.bitPattern
            case let .unsigned(value), let .packedColor(value): return value
            }
        }
    }

    var name: String
    var type: ScalarType
    var value: (Int) -> Value
}
