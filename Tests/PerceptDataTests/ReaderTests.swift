import CDeflate
import Foundation
import PerceptImage
import PerceptTensor
import Testing
@testable import PerceptData

/// IDX content: the magic number for unsigned bytes, the dimensions, then `values`.
func idxBytes(_ dimensions: [Int], _ values: [UInt8]) -> [UInt8] {
    [0, 0, 0x08, UInt8(dimensions.count)] + dimensions.flatMap { size in (0..<4).reversed().map { UInt8(truncatingIfNeeded: size >> (8 * $0)) } } + values
}

/// `bytes` gzip-compressed by libdeflate.
func gzipped(_ bytes: [UInt8]) -> [UInt8] {
    guard let compressor = libdeflate_alloc_compressor(6) else { return [] }
    defer { libdeflate_free_compressor(compressor) }
    var output = [UInt8](repeating: 0, count: libdeflate_gzip_compress_bound(compressor, bytes.count))
    let written = bytes.withUnsafeBytes { input in
        output.withUnsafeMutableBytes { libdeflate_gzip_compress(compressor, input.baseAddress, input.count, $0.baseAddress, $0.count) }
    }
    return Array(output[..<written])
}

@Suite("IDX, Fashion-MNIST and CIFAR readers")
struct ReaderTests {
    @Test("an IDX file reads the same plain and gzip-compressed", arguments: [false, true])
    func idx(compressed: Bool) throws {
        let content = idxBytes([2, 2, 3], Array(0..<12))
        let file = try IDXFile(compressed ? gzipped(content) : content, file: "images")
        #expect(file.dimensions == [2, 2, 3])
        #expect(file.bytes == Array(0..<12))
    }

    @Test("damaged IDX files are typed errors naming the file and place")
    func badIDX() throws {
        #expect(throws: DataError.malformed(file: "x", place: "byte 0", detail: "not an IDX file (the magic number must start with two zero bytes)")) {
            try IDXFile([1, 2, 3, 4], file: "x")
        }
        #expect(throws: DataError.malformed(file: "x", place: "byte 12", detail: "dimensions [2, 2] need 4 bytes of data, found 3")) {
            try IDXFile(idxBytes([2, 2], [1, 2, 3]), file: "x")
        }
        #expect(throws: DataError.self) { try IDXFile([0, 0, 0x0D, 1, 0, 0, 0, 1, 0, 0, 0, 0], file: "floats") }
        var damaged = gzipped(idxBytes([4], [1, 2, 3, 4]))
        damaged[12] ^= 0xFF
        #expect(throws: DataError.self) { try IDXFile(damaged, file: "damaged.gz") }
    }

    @Test("an MNIST-style folder becomes UInt8-backed datasets whose examples are [1, H, W] in 0…1")
    func mnistFolder() throws {
        let folder = try DataFixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let pixels: [UInt8] = [0, 255, 51, 102, 0, 0, 0, 0]
        try Data(gzipped(idxBytes([2, 2, 2], pixels))).write(to: folder.appendingPathComponent("train-images-idx3-ubyte.gz"))
        try Data(gzipped(idxBytes([2], [1, 0]))).write(to: folder.appendingPathComponent("train-labels-idx1-ubyte.gz"))
        try Data(idxBytes([1, 2, 2], [1, 2, 3, 4])).write(to: folder.appendingPathComponent("t10k-images-idx3-ubyte"))
        try Data(idxBytes([1], [1])).write(to: folder.appendingPathComponent("t10k-labels-idx1-ubyte"))
        let (train, validation) = try MNISTFiles.load(folder: folder, classNames: ["a", "b"])
        #expect(train.count == 2)
        #expect(validation.count == 1)
        let example = try train.example(at: 0)
        #expect(example.input.shape == [1, 2, 2])
        #expect(example.input.toArray() == [0, 1, 0.2, 0.4])
        #expect(example.target.toIntArray() == [1])
        try FileManager.default.removeItem(at: folder.appendingPathComponent("t10k-labels-idx1-ubyte"))
        #expect(throws: DataError.self) { try MNISTFiles.load(folder: folder, classNames: ["a", "b"]) }
    }

    @Test("Debian's Fashion-MNIST: 60,000 training and 10,000 validation images, 6,000 of each class")
    func fashionMNIST() throws {
        let data = try ClassificationData.load("fashion-mnist")
        #expect(data.train.count == 60000)
        #expect(data.validation.count == 10000)
        #expect(data.inputShape == [1, 28, 28])
        #expect(data.classNames.last == "Ankle boot")
        #expect(data.train.classCounts == Array(repeating: 6000, count: 10))
        #expect((0..<5).map(data.train.label) == [9, 0, 0, 3, 0])
        #expect((0..<5).map(data.validation.label) == [9, 2, 1, 1, 6])
        let first = try data.train.example(at: 0).input.toArray()
        #expect(first[14 * 28 + 14] == Float(217) / 255)
    }

    @Test("CIFAR-10 batches: training batches joined in order, the test batch validating, names from batches.meta")
    func cifar10() throws {
        let data = try ClassificationData.load("cifar10:" + DataFixtures.url("cifar10").path)
        #expect(data.train.count == 6)
        #expect(data.validation.count == 3)
        #expect(data.inputShape == [3, 32, 32])
        #expect(data.classNames[3] == "cat")
        #expect((0..<6).map(data.train.label) == [3, 7, 0, 9, 1, 3])
        // Image 5 (the second of data_batch_2), position p: (37 × 5 + 7 p) mod 256, rows already CHW.
        let input = try data.train.example(at: 5).input
        #expect(input.shape == [3, 32, 32])
        let values = input.toArray()
        for position in [0, 1, 1024, 3071] {
            #expect(values[position] == Float((37 * 5 + 7 * position) % 256) / 255)
        }
    }

    @Test("CIFAR-100 reads fine labels by default and coarse ones when asked")
    func cifar100() throws {
        let fine = try CIFARFiles.load(folder: DataFixtures.url("cifar100"), variant: .cifar100(coarse: false))
        #expect(fine.train.classNames.count == 100)
        #expect(fine.train.labels == [19, 29, 0, 11, 99])
        #expect(fine.validation.labels == [49, 33])
        let coarse = try CIFARFiles.load(folder: DataFixtures.url("cifar100"), variant: .cifar100(coarse: true))
        #expect(coarse.train.classNames.count == 20)
        #expect(coarse.train.labels == [11, 15, 4, 14, 19])
    }

    @Test("a pickle that is not a CIFAR batch, or names a forbidden global, is a typed error naming the file")
    func notCIFAR() throws {
        let folder = try DataFixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let meta = try DataFixtures.bytes("cifar10/batches.meta")
        try Data(meta).write(to: folder.appendingPathComponent("batches.meta"))
        try Data(meta).write(to: folder.appendingPathComponent("test_batch"))
        // A meta file is a valid pickle, but not a batch.
        try Data(meta).write(to: folder.appendingPathComponent("data_batch_1"))
        let batchPath = folder.appendingPathComponent("data_batch_1").path
        #expect(throws: DataError.malformed(file: batchPath, place: "key 'data'", detail: "not a CIFAR batch: no numpy array under 'data'")) {
            try CIFARFiles.load(folder: folder, variant: .cifar10)
        }
        let evil = PickleBytes()
        evil.op(0x80, [2]).op("c", PickleBytes.line("posix") + PickleBytes.line("system")).shortBinString("id").op(0x85).op("R").op(".")
        try Data(evil.bytes).write(to: folder.appendingPathComponent("data_batch_1"))
        #expect(throws: PickleError.disallowedGlobal(file: batchPath, offset: 2, module: "posix", name: "system")) {
            try CIFARFiles.load(folder: folder, variant: .cifar10)
        }
        #expect(throws: DataError.self) { try CIFARFiles.load(folder: DataFixtures.url("cifar100"), variant: .cifar10) }
    }
}
