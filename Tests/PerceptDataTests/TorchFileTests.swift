import Foundation
import Testing
import PerceptTensor
@testable import PerceptData

/// The PyTorch fixtures of Tools/make-torch-fixtures.
enum TorchFixtures {
    static let folder = DataFixtures.folder.deletingLastPathComponent().appendingPathComponent("torch")
    static func path(_ name: String) -> String { folder.appendingPathComponent(name).path }
    /// The marker file every malicious fixture's payload would create.
    static let marker = "/tmp/percept-torch-fixture-marker"

    /// The expected tensors: name → (dtype, shape, bytes), from the companion safetensors file.
    static func expected(_ name: String) throws -> [String: TorchTensor] {
        let file = try SafetensorsFile(path: path(name + ".expected.safetensors"))
        var tensors: [String: TorchTensor] = [:]
        for entry in file.entries {
            tensors[entry.name] = TorchTensor(dtype: entry.dtype, shape: entry.shape, bytes: try file.withBytes(of: entry.name) { Array($0) })
        }
        return tensors
    }
}

@Suite("PyTorch checkpoints: torch.save files read without running anything")
struct TorchFileTests {
    @Test("every layout yields its tensors bit for bit, with dtype and shape",
          arguments: [("state_zip.pth", "state_zip"), ("state_legacy.pth", "state_zip"), ("checkpoint.pt", "checkpoint"),
                      ("whole_module.pt", "checkpoint"), ("dtypes.pt", "dtypes"), ("views.pt", "views"),
                      ("cuda_tagged.pt", "cuda_tagged"), ("module_prefix.pth", "state_zip")])
    func bitExact(file: String, expectedName: String) throws {
        let weights = try TorchFile.read(path: TorchFixtures.path(file))
        let expected = try TorchFixtures.expected(expectedName)
        #expect(weights.tensors.count == expected.count)
        #expect(Set(weights.tensors.map(\.name)) == Set(expected.keys))
        for (name, tensor) in weights.tensors {
            let want = try #require(expected[name], "unexpected tensor \(name)")
            #expect(tensor.dtype == want.dtype, "\(name)")
            #expect(tensor.shape == want.shape, "\(name)")
            #expect(tensor.bytes == want.bytes, "\(name) differs")
        }
    }

    @Test("what the reader noticed: the checkpoint entry, the pickled module, the module. prefix")
    func notices() throws {
        #expect(try TorchFile.read(path: TorchFixtures.path("checkpoint.pt")).notices.contains { $0.contains("'model_state_dict'") })
        #expect(try TorchFile.read(path: TorchFixtures.path("whole_module.pt")).notices.contains { $0.contains("FirstLayers") })
        #expect(try TorchFile.read(path: TorchFixtures.path("module_prefix.pth")).notices.contains { $0.contains("module.") })
        #expect(try TorchFile.read(path: TorchFixtures.path("state_zip.pth")).notices.isEmpty)
    }

    @Test("a whole module keeps PyTorch's state-dict order and dotted names")
    func moduleOrder() throws {
        let names = try TorchFile.read(path: TorchFixtures.path("whole_module.pt")).tensors.map(\.name)
        #expect(Array(names.prefix(3)) == ["conv1.weight", "bn1.weight", "bn1.bias"])
        #expect(names.contains("layer1.0.bn2.num_batches_tracked"))
    }

    @Test("float16 and bfloat16 widen exactly to float32 in the engine's state dict")
    func widening() throws {
        let tensors = try TorchFile.read(path: TorchFixtures.path("dtypes.pt")).stateDict()
        let half = try #require(tensors["f16"]), expected = try TorchFixtures.expected("dtypes")
        let raw = try #require(expected["f16"]).bytes
        let halves = stride(from: 0, to: raw.count, by: 2).map { Float(Float16(bitPattern: UInt16(raw[$0]) | UInt16(raw[$0 + 1]) << 8)) }
        #expect(half.dtype == .float32 && half.toArray() == halves)
        #expect(tensors["i64"]?.toIntArray() == [-(1 << 62), 5, 1 << 62])
    }

    @Test("malicious pickles are refused by name and nothing runs",
          arguments: [("evil_system.pt", "posix.system"), ("evil_eval.pt", "builtins.eval"), ("evil_reduce_class.pt", "commands.call")])
    func malicious(file: String, global: String) throws {
        try? FileManager.default.removeItem(atPath: TorchFixtures.marker)
        let path = TorchFixtures.path(file)
        let error = try #require(throws: PickleError.self) { try TorchFile.read(path: path) }
        guard case .disallowedGlobal(_, _, let module, let name) = error else {
            Issue.record("expected a disallowed global, got \(error)")
            return
        }
        #expect("\(module).\(name)" == global)
        #expect(error.description.contains(path) && error.description.contains(global))
        #expect(!FileManager.default.fileExists(atPath: TorchFixtures.marker))
    }

    @Test("a class becomes a record only through NEWOBJ: REDUCE on it is refused")
    func classThroughReduce() throws {
        // GLOBAL 'torch.nn.modules.linear Linear', EMPTY_TUPLE, REDUCE, STOP
        let bytes: [UInt8] = [0x80, 0x02] + Array("ctorch.nn.modules.linear\nLinear\n".utf8) + [0x29, 0x52, 0x2E]
        let unpickler = Unpickler(allowList: TorchGlobals.allowList)
        #expect(throws: PickleError.self) { try unpickler.load(bytes) }
        let instantiated: [UInt8] = [0x80, 0x02] + Array("ctorch.nn.modules.linear\nLinear\n".utf8) + [0x29, 0x81, 0x7D, 0x62, 0x2E]
        guard case .record(let record) = try unpickler.load(instantiated) else {
            Issue.record("NEWOBJ + BUILD should give a record")
            return
        }
        #expect(record.className == "torch.nn.modules.linear.Linear" && record.state == .dict([]))
    }

    @Test("TorchScript archives are refused, saying what they are")
    func torchScript() throws {
        let error = try #require(throws: TorchFileError.self) { try TorchFile.read(path: TorchFixtures.path("torchscript.pt")) }
        #expect(error.description.contains("TorchScript"))
    }

    @Test("a truncated archive, a damaged storage and a corrupt pickle give clean errors naming the file")
    func damagedFiles() throws {
        let bytes = try DataFixtures.bytes("../torch/state_zip.pth")
        for cut in [10, bytes.count / 2, bytes.count - 30] {
            #expect(throws: TorchFileError.self) { try TorchFile.read(bytes: Array(bytes.prefix(cut)), file: "cut.pth") }
        }
        let legacy = try DataFixtures.bytes("../torch/state_legacy.pth")
        for cut in [legacy.count / 2, legacy.count - 3] {
            #expect(throws: (any Error).self) { try TorchFile.read(bytes: Array(legacy.prefix(cut)), file: "cut.pth") }
        }
        var flipped = bytes
        let storage = try #require(try StoredZipArchive(bytes: bytes, file: "x").entry("state_zip/data/0"))
        flipped[storage.localHeaderOffset + 200] ^= 0xFF
        let crc = try #require(throws: TorchFileError.self) { try TorchFile.read(bytes: flipped, file: "flipped.pth") }
        #expect(crc.description.contains("flipped.pth") && crc.description.contains("CRC"))

        // A pickle whose opcodes are garbage, inside a valid archive: the pickle's own error.
        let broken = try Self.patchingPickle(of: "state_zip", in: bytes) { pickle in pickle[2] = 0xFF }
        let corrupt = try #require(throws: PickleError.self) { try TorchFile.read(bytes: broken, file: "broken.pth") }
        #expect(corrupt.description.contains("broken.pth"))
    }

    @Test("a storage shorter than its tensors need is an error naming the storage")
    func storageTooSmall() throws {
        let bytes = try DataFixtures.bytes("../torch/views.pt")
        // The storage is declared as 120 floats (BININT1 120, TUPLE); claim 121.
        let patched = try Self.patchingPickle(of: "views", in: bytes) { pickle in
            let at = try #require((0..<(pickle.count - 2)).first { pickle[$0] == 0x4B && pickle[$0 + 1] == 120 && pickle[$0 + 2] == 0x74 })
            pickle[at + 1] = 121
        }
        let error = try #require(throws: TorchFileError.self) { try TorchFile.read(bytes: patched, file: "short.pt") }
        #expect(error.description.contains("short.pt") && error.description.contains("storage 0") && error.description.contains("480 bytes"))
    }

    /// `archive` with its `<name>/data.pkl` changed by `change` (same length) and its CRC-32 updated.
    static func patchingPickle(of name: String, in archive: [UInt8], _ change: (inout [UInt8]) throws -> Void) throws -> [UInt8] {
        let entry = try #require(try StoredZipArchive(bytes: archive, file: "x").entry(name + "/data.pkl"))
        let start = entry.localHeaderOffset + 30 + Int(StoredZipArchive.word16(archive, entry.localHeaderOffset + 26))
            + Int(StoredZipArchive.word16(archive, entry.localHeaderOffset + 28))
        var pickle = Array(archive[start..<(start + entry.size)])
        try change(&pickle)
        var result = archive
        result.replaceSubrange(start..<(start + entry.size), with: pickle)
        let old = withUnsafeBytes(of: entry.crc.littleEndian, Array.init), new = withUnsafeBytes(of: CRC32.checksum(pickle[...]).littleEndian, Array.init)
        // The CRC sits in the local header and in the central directory.
        for offset in 0...(result.count - 4) where Array(result[offset..<(offset + 4)]) == old { result.replaceSubrange(offset..<(offset + 4), with: new) }
        return result
    }

    @Test("files that are not PyTorch's are told apart by their first bytes")
    func detection() throws {
        #expect(TorchFile.isTorchFile(TorchFixtures.path("state_zip.pth")))
        #expect(TorchFile.isTorchFile(TorchFixtures.path("state_legacy.pth")))
        #expect(!TorchFile.isTorchFile(TorchFixtures.path("dtypes.expected.safetensors")))
        #expect(throws: TorchFileError.self) { try TorchFile.read(bytes: Array("hello".utf8), file: "x.pt") }
    }

    @Test("names taken from a damaged file reach the message with their control characters escaped")
    func controlCharactersEscaped() {
        let message = TorchFileError.corrupt(file: "x.pt", detail: "storage 0 is missing from the archive (view\u{7F}/data/0)").description
        #expect(message == "x.pt: error: corrupt PyTorch file: storage 0 is missing from the archive (view\\u{7F}/data/0)")
    }

    /// Found by Tools/fuzz-readers: an archive entry named `evil_reduce<NUL>class/data.pkl` reached
    /// the terminal raw in the refusal's `FILE:ENTRY` prefix.
    @Test("an archive entry name or a pickled global with control characters is escaped in the refusal")
    func controlCharactersInNamesEscaped() throws {
        let original = try Array(Data(contentsOf: URL(fileURLWithPath: TorchFixtures.path("evil_reduce_class.pt"))))
        let name = Array("evil_reduce_class/".utf8), renamed = Array("evil_reduce\u{0}class/".utf8)
        var bytes = original
        for offset in 0...(bytes.count - name.count) where Array(bytes[offset..<(offset + name.count)]) == name {
            bytes.replaceSubrange(offset..<(offset + name.count), with: renamed)
        }
        #expect(bytes != original)
        let error = try #require(throws: PickleError.self) { try TorchFile.read(bytes: bytes, file: "x.pt") }
        #expect(error.file == "x.pt:evil_reduce\\0class/data.pkl", "\(error.file)")
        let global = PickleError.disallowedGlobal(file: "x.pt", offset: 2, module: "os\u{1B}[2J", name: "system")
        #expect(global.message == "byte 2: the pickle names the global 'os\\u{1B}[2J.system', which is not an allowed data constructor; refusing to load it")
    }
}
