/// KITTI velodyne scans (`.bin`: x, y, z, reflectance as little-endian float32) and
/// SemanticKITTI labels (`.label`: one little-endian uint32 per point, semantic id in the low
/// 16 bits, instance id in the high 16).
public enum KITTIFormat {
    private static let recordSize = 16

    /// Reads a velodyne `.bin` scan; reflectance becomes the intensity.
    public static func readScan(_ path: String) throws -> PointCloud {
        try decodeScan(FileAccess.read(path), file: path)
    }

    /// Decodes velodyne scan bytes; `file` names the source in errors.
    public static func decodeScan(_ bytes: [UInt8], file: String) throws -> PointCloud {
        guard bytes.count % recordSize == 0 else {
            throw PointCloudFileError.lengthNotMultiple(file: file, length: bytes.count, recordSize: recordSize)
        }
        let count = bytes.count / recordSize
        let columns = ["x", "y", "z", "intensity"].enumerated().map {
            FieldColumn(name: $1, type: .float32, start: $0 * 4, stride: recordSize)
        }
        return try bytes.withUnsafeBytes { raw in
            try FieldColumns.assemble(columns, base: raw.baseAddress!, count: count, bigEndian: false, file: file)
        }
    }

    /// Encodes a scan; a cloud without intensity gets reflectance 0.
    public static func encodeScan(_ cloud: PointCloud) -> [UInt8] {
        var writer = ByteWriter()
        writer.bytes.reserveCapacity(cloud.count * recordSize)
        for index in 0..<cloud.count {
            writer.append(cloud.x[index])
            writer.append(cloud.y[index])
            writer.append(cloud.z[index])
            writer.append(cloud.intensity?[index] ?? 0)
        }
        return writer.bytes
    }

    /// Writes a velodyne `.bin` scan atomically.
    public static func writeScan(_ cloud: PointCloud, to path: String) throws {
        try FileAccess.write(encodeScan(cloud), to: path)
    }

    /// Reads a `.label` file for `cloud`, setting its labels (semantic) and instances.
    public static func readLabels(_ path: String, into cloud: inout PointCloud) throws {
        try decodeLabels(FileAccess.read(path), file: path, into: &cloud)
    }

    /// Decodes `.label` bytes for `cloud`; the entry count must equal the point count.
    public static func decodeLabels(_ bytes: [UInt8], file: String, into cloud: inout PointCloud) throws {
        guard bytes.count % 4 == 0 else { throw PointCloudFileError.lengthNotMultiple(file: file, length: bytes.count, recordSize: 4) }
        let count = bytes.count / 4
        guard count == cloud.count else { throw PointCloudFileError.labelCountMismatch(file: file, labels: count, points: cloud.count) }
        let packed = bytes.withUnsafeBytes { raw in
            (0..<count).map { UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 4, as: UInt32.self)) }
        }
        cloud.labels = packed.map { $0 & 0xFFFF }
        cloud.instances = packed.map { $0 >> 16 }
    }

    /// Encodes the cloud's labels and instances; both default to 0 when absent. Values above
    /// 16 bits do not fit the format and are an error.
    public static func encodeLabels(_ cloud: PointCloud, file: String) throws -> [UInt8] {
        var writer = ByteWriter()
        for index in 0..<cloud.count {
            let semantic = cloud.labels?[index] ?? 0, instance = cloud.instances?[index] ?? 0
            guard semantic <= 0xFFFF, instance <= 0xFFFF else {
                throw PointCloudFileError.cannotWrite(file: file, reason: "point \(index) has label \(semantic) / instance \(instance); both must fit 16 bits")
            }
            writer.append(instance << 16 | semantic)
        }
        return writer.bytes
    }

    /// Writes a `.label` file atomically.
    public static func writeLabels(_ cloud: PointCloud, to path: String) throws {
        try FileAccess.write(encodeLabels(cloud, file: path), to: path)
    }
}
