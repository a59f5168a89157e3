import Testing
@testable import PerceptPointCloud

@Suite("bad point-cloud files")
struct BadInputTests {
    private func header(fields: String = "x y z", size: String = "4 4 4", type: String = "F F F",
                        width: Int = 2, points: Int = 2, data: String = "binary") -> [UInt8] {
        Array("VERSION 0.7\nFIELDS \(fields)\nSIZE \(size)\nTYPE \(type)\nCOUNT \(fields.split(separator: " ").map { _ in "1" }.joined(separator: " "))\nWIDTH \(width)\nHEIGHT 1\nPOINTS \(points)\nDATA \(data)\n".utf8)
    }

    @Test("binary data shorter than POINTS records is truncated, naming the file and offset")
    func truncatedBinary() {
        let bytes = header() + [UInt8](repeating: 0, count: 20)
        let error = thrownError { try PCDFormat.decode(bytes, file: "short.pcd") } as? PointCloudFileError
        #expect(error == .truncated(file: "short.pcd", offset: bytes.count - 20, expected: 24, found: 20))
        #expect(error?.description.hasPrefix("short.pcd: truncated data at byte") == true)
    }

    @Test("a header whose POINTS disagrees with WIDTH × HEIGHT is an error")
    func lyingPoints() {
        let bytes = header(points: 3) + [UInt8](repeating: 0, count: 36)
        #expect(throws: PointCloudFileError.pointCountMismatch(file: "lie.pcd", declared: 3, found: 2)) {
            try PCDFormat.decode(bytes, file: "lie.pcd")
        }
    }

    @Test("ASCII numbers beyond any integer in label, colour and channel fields saturate instead of trapping")
    func hugeTextIntegers() throws {
        let huge = String(repeating: "9", count: 40)
        let bytes = header(fields: "x y z rgb label", size: "4 4 4 4 4", type: "F F F U U", width: 1, points: 1, data: "ascii")
            + Array("0 0 0 \(huge) \(huge)\n".utf8)
        let cloud = try PCDFormat.decode(bytes, file: "huge.pcd")
        #expect(cloud.labels == [UInt32.max])
        #expect(cloud.colors?.count == 1)
        let channels = header(fields: "x y z red green blue", size: "4 4 4 1 1 1", type: "F F F U U U", width: 1, points: 1, data: "ascii")
            + Array("0 0 0 \(huge) 5 6\n".utf8)
        #expect(try PCDFormat.decode(channels, file: "huge.pcd").colors?.first?.red == 255)
    }

    @Test("ASCII data with fewer lines than POINTS is an error")
    func shortText() {
        let bytes = header(data: "ascii") + Array("1 2 3\n".utf8)
        #expect(throws: PointCloudFileError.pointCountMismatch(file: "a.pcd", declared: 2, found: 1)) {
            try PCDFormat.decode(bytes, file: "a.pcd")
        }
    }

    @Test("a text value that is not a number names the line and field")
    func badText() {
        let bytes = header(data: "ascii") + Array("1 2 3\n4 five 6\n".utf8)
        let error = thrownError { try PCDFormat.decode(bytes, file: "a.pcd") } as? PointCloudFileError
        #expect(error == .badValue(file: "a.pcd", line: 11, field: "y", found: "five"))
        #expect(error?.description == "a.pcd:11: field 'y': cannot read 'five' as a number")
    }

    @Test("an unknown TYPE letter is an error naming the field")
    func unknownType() {
        #expect(throws: PointCloudFileError.unknownType(file: "t.pcd", field: "z", type: "Q")) {
            try PCDFormat.decode(header(type: "F F Q"), file: "t.pcd")
        }
    }

    @Test("a SIZE that does not fit the TYPE is an error")
    func sizeTypeMismatch() {
        #expect(throws: PointCloudFileError.sizeTypeMismatch(file: "s.pcd", field: "y", type: "F", size: 2)) {
            try PCDFormat.decode(header(size: "4 2 4"), file: "s.pcd")
        }
    }

    @Test("an LZF block that decompresses to the wrong size is an error")
    func lzfWrongSize() {
        let block = LZF.compress([UInt8](repeating: 7, count: 16))
        var writer = ByteWriter()
        writer.append(UInt32(block.count))
        writer.append(UInt32(24))
        let bytes = header(data: "binary_compressed") + writer.bytes + block
        #expect(throws: PointCloudFileError.decompressedSizeMismatch(file: "c.pcd", expected: 24, found: 16)) {
            try PCDFormat.decode(bytes, file: "c.pcd")
        }
    }

    @Test("an LZF back reference before the start is corrupt data")
    func lzfBadReference() {
        #expect(throws: LZF.Failure.corrupt(offset: 0, reason: "a match refers 6 bytes back, before the start")) {
            try LZF.decompress([0x20, 0x05][...], expectedSize: 3)
        }
    }

    @Test("a KITTI scan whose length is not a multiple of 16 is an error")
    func kittiLength() {
        #expect(throws: PointCloudFileError.lengthNotMultiple(file: "000000.bin", length: 36, recordSize: 16)) {
            try KITTIFormat.decodeScan([UInt8](repeating: 0, count: 36), file: "000000.bin")
        }
    }

    @Test("a label file whose count differs from its scan is an error")
    func labelCount() {
        var cloud = PointCloud(x: [0, 1, 2], y: [0, 0, 0], z: [0, 0, 0])
        #expect(throws: PointCloudFileError.labelCountMismatch(file: "000000.label", labels: 2, points: 3)) {
            try KITTIFormat.decodeLabels([UInt8](repeating: 0, count: 8), file: "000000.label", into: &cloud)
        }
    }

    @Test("LAZ and unknown extensions are unsupported formats naming them")
    func unsupported() {
        #expect(throws: PointCloudFileError.unsupportedFormat(file: "scan.laz", format: "LAZ (compressed LAS)")) {
            try PointCloudFile.read("scan.laz")
        }
        #expect(throws: PointCloudFileError.unsupportedFormat(file: "scan.e57", format: "e57")) {
            try PointCloudFile.read("scan.e57")
        }
    }

    @Test("a truncated binary PLY is an error naming the offset")
    func truncatedPLY() {
        let bytes = PLYFormat.encode(sampleCloud(), encoding: .binaryLittleEndian)
        let error = thrownError { try PLYFormat.decode(Array(bytes.dropLast(3)), file: "cut.ply") }
        guard case let .truncated(file, _, expected, found)? = error as? PointCloudFileError else {
            Issue.record("expected a truncation error, got \(String(describing: error))")
            return
        }
        #expect(file == "cut.ply" && expected - found == 3)
    }

    @Test("absurd sizes in a header are errors, not crashes")
    func absurdSizes() {
        let pcd = thrownError { try PCDFormat.decode(header(width: 1 << 40, points: 1 << 40), file: "huge.pcd") } as? PointCloudFileError
        #expect(pcd?.message.contains("WIDTH × HEIGHT below 2^32") == true)
        let ply = Array("ply\nformat binary_little_endian 1.0\nelement vertex 9223372036854775807\nproperty float x\nproperty float y\nproperty float z\nend_header\n".utf8)
        guard case .truncated(file: "huge.ply", _, _, _)? = thrownError({ try PLYFormat.decode(ply, file: "huge.ply") }) as? PointCloudFileError else {
            Issue.record("expected a truncation error for a vertex count that cannot fit")
            return
        }
    }

    @Test("a missing file is an input/output error naming it")
    func missingFile() {
        #expect(throws: PointCloudFileError.inputOutput(file: "/no/such/cloud.pcd", reason: "no such file")) {
            try PointCloudFile.read("/no/such/cloud.pcd")
        }
    }
}

@Suite("empty point clouds")
struct EmptyCloudTests {
    @Test("empty files read as empty clouds")
    func emptyFiles() throws {
        #expect(try KITTIFormat.decodeScan([], file: "empty.bin").isEmpty)
        let header = Array("VERSION 0.7\nFIELDS x y z\nSIZE 4 4 4\nTYPE F F F\nWIDTH 0\nHEIGHT 1\nPOINTS 0\nDATA binary\n".utf8)
        #expect(try PCDFormat.decode(header, file: "empty.pcd").isEmpty)
    }

    @Test("PCL operations on an empty cloud return empty results instead of failing inside PCL")
    func emptyProcessing() throws {
        let empty = PointCloud()
        #expect(try empty.voxelDownsampled(leafSize: 0.1).isEmpty)
        #expect(try empty.removingStatisticalOutliers().isEmpty)
        #expect(try empty.euclideanClusters(tolerance: 0.1).isEmpty)
        #expect(try empty.withNormals().normals == [])
    }
}
