import Foundation
import Testing
@testable import PerceptPointCloud

@Suite("PLY, KITTI, LAS and text files")
struct FormatTests {
    @Test("every attribute round-trips through every PLY encoding", arguments: PLYEncoding.allCases)
    func plyRoundTrip(encoding: PLYEncoding) throws {
        let cloud = sampleCloud()
        #expect(try PLYFormat.decode(PLYFormat.encode(cloud, encoding: encoding), file: "m.ply") == cloud)
    }

    @Test("PLY vertices of any property types and order are read, faces skipped")
    func plyAnyLayout() throws {
        var writer = ByteWriter(bigEndian: true)
        writer.append("ply\nformat binary_big_endian 1.0\nelement camera 1\nproperty list uchar int ids\nelement vertex 2\n")
        writer.append("property uchar red\nproperty double z\nproperty short x\nproperty uchar green\nproperty float y\nproperty uchar blue\n")
        writer.append("element face 1\nproperty list uchar int vertex_indices\nend_header\n")
        writer.append(UInt8(2)); writer.append(Int32(5)); writer.append(Int32(6))
        for (red, z, x, y) in [(UInt8(10), 0.5, Int16(-3), Float(2)), (UInt8(255), -1.25, Int16(7), Float(0.25))] {
            writer.append(red); writer.append(z); writer.append(x); writer.append(UInt8(20)); writer.append(y); writer.append(UInt8(30))
        }
        writer.append(UInt8(3)); writer.append(Int32(0)); writer.append(Int32(1)); writer.append(Int32(0))
        let cloud = try PLYFormat.decode(writer.bytes, file: "any.ply")
        #expect(cloud.x == [-3, 7] && cloud.y == [2, 0.25] && cloud.z == [0.5, -1.25])
        #expect(cloud.colors == [PointColor(red: 10, green: 20, blue: 30), PointColor(red: 255, green: 20, blue: 30)])
    }

    @Test("ASCII PLY with faces after the vertices reads the vertices")
    func plyText() throws {
        let text = "ply\nformat ascii 1.0\ncomment x\nelement vertex 2\nproperty float x\nproperty float y\nproperty float z\nproperty int label\nelement face 1\nproperty list uchar int vertex_indices\nend_header\n1 2 3 4\n5 6 7 8\n3 0 1 1\n"
        let cloud = try PLYFormat.decode(Array(text.utf8), file: "t.ply")
        #expect(cloud.x == [1, 5] && cloud.labels == [4, 8])
    }

    @Test("KITTI scans and SemanticKITTI labels round-trip, labels split into semantic and instance")
    func kittiRoundTrip() throws {
        let cloud = sampleCloud()
        var scan = try KITTIFormat.decodeScan(KITTIFormat.encodeScan(cloud), file: "s.bin")
        #expect(scan.x == cloud.x && scan.intensity == cloud.intensity)
        try KITTIFormat.decodeLabels(KITTIFormat.encodeLabels(cloud, file: "s.label"), file: "s.label", into: &scan)
        #expect(scan.labels == cloud.labels && scan.instances == cloud.instances)
        let packed = try KITTIFormat.encodeLabels(cloud, file: "s.label")
        #expect(Array(packed[4..<8]) == [1, 0, 3, 0])
    }

    @Test("a KITTI scan in velodyne/ picks up labels/ beside it")
    func kittiLayout() throws {
        let root = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        for folder in ["velodyne", "labels"] {
            try FileManager.default.createDirectory(at: root.appendingPathComponent(folder), withIntermediateDirectories: true)
        }
        let scanPath = root.appendingPathComponent("velodyne/000001.bin").path
        try KITTIFormat.writeScan(sampleCloud(), to: scanPath)
        try KITTIFormat.writeLabels(sampleCloud(), to: root.appendingPathComponent("labels/000001.label").path)
        let cloud = try PointCloudFile.read(scanPath)
        #expect(cloud.labels == sampleCloud().labels)
    }

    /// A minimal LAS file: header of `headerSize` bytes, then the given point records.
    private func lasFile(minor: UInt8, format: UInt8, recordLength: Int, records: [[UInt8]]) -> [UInt8] {
        let headerSize = minor == 4 ? 375 : 227
        var bytes = [UInt8](repeating: 0, count: headerSize)
        func put<T: FixedWidthInteger>(_ value: T, at offset: Int) {
            withUnsafeBytes(of: value.littleEndian) { for (index, byte) in $0.enumerated() { bytes[offset + index] = byte } }
        }
        bytes.replaceSubrange(0..<4, with: Array("LASF".utf8))
        bytes[24] = 1; bytes[25] = minor
        put(UInt16(headerSize), at: 94)
        put(UInt32(headerSize), at: 96)
        bytes[104] = format
        put(UInt16(recordLength), at: 105)
        put(UInt32(minor == 4 ? 0 : records.count), at: 107)
        for (axis, scale) in [0.01, 0.01, 0.001].enumerated() { put(scale.bitPattern, at: 131 + axis * 8) }
        for (axis, offset) in [1000.0, 2000.0, 0.0].enumerated() { put(offset.bitPattern, at: 155 + axis * 8) }
        if minor == 4 { put(UInt64(records.count), at: 247) }
        return bytes + records.flatMap { $0 }
    }

    private func lasRecord(x: Int32, y: Int32, z: Int32, intensity: UInt16, length: Int,
                           classification: (offset: Int, value: UInt8), color: (offset: Int, rgb: [UInt16])?) -> [UInt8] {
        var record = [UInt8](repeating: 0, count: length)
        func put<T: FixedWidthInteger>(_ value: T, at offset: Int) {
            withUnsafeBytes(of: value.littleEndian) { for (index, byte) in $0.enumerated() { record[offset + index] = byte } }
        }
        put(x, at: 0); put(y, at: 4); put(z, at: 8); put(intensity, at: 12)
        record[classification.offset] = classification.value
        if let color { for (channel, value) in color.rgb.enumerated() { put(value, at: color.offset + channel * 2) } }
        return record
    }

    @Test("LAS 1.2 format 3 applies scale and offset and reads colour and class")
    func lasFormat3() throws {
        let record = lasRecord(x: 150, y: -25, z: 1234, intensity: 77, length: 34, classification: (15, 2),
                               color: (28, [65535, 32768, 0]))
        let cloud = try LASFormat.decode(lasFile(minor: 2, format: 3, recordLength: 34, records: [record]), file: "a.las")
        #expect(cloud.x == [1001.5] && cloud.y == [1999.75] && cloud.z == [1.234])
        #expect(cloud.intensity == [77] && cloud.labels == [2])
        #expect(cloud.colors == [PointColor(red: 255, green: 128, blue: 0)])
    }

    @Test("LAS 1.4 format 6 reads the 64-bit point count and the full classification byte")
    func lasFormat6() throws {
        let records = (0..<3).map { lasRecord(x: Int32($0), y: 0, z: 0, intensity: 0, length: 30, classification: (16, 200), color: nil) }
        let cloud = try LASFormat.decode(lasFile(minor: 4, format: 6, recordLength: 30, records: records), file: "b.las")
        #expect(cloud.count == 3 && cloud.labels == [200, 200, 200])
        #expect(cloud.x[2] == 1000.02)
    }

    @Test("LAS with compressed points or an unknown point format is unsupported")
    func lasUnsupported() {
        #expect(throws: PointCloudFileError.unsupportedFormat(file: "c.las", format: "LAZ (compressed LAS)")) {
            try LASFormat.decode(lasFile(minor: 2, format: 0x83, recordLength: 34, records: []), file: "c.las")
        }
        #expect(throws: PointCloudFileError.unsupportedFormat(file: "d.las", format: "LAS point format 4")) {
            try LASFormat.decode(lasFile(minor: 3, format: 4, recordLength: 57, records: []), file: "d.las")
        }
    }

    @Test("text files read with and without a header and round-trip", arguments: [" ", ","])
    func text(separator: String) throws {
        let cloud = sampleCloud()
        #expect(try TextFormat.decode(TextFormat.encode(cloud, separator: separator), file: "t.csv") == cloud)
        let plain = try TextFormat.decode(Array("1 2 3 0.5\n4 5 6 0.25\n".utf8), file: "p.xyz")
        #expect(plain.z == [3, 6] && plain.intensity == [0.5, 0.25])
    }
}
