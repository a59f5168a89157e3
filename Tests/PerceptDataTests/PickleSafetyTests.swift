import Testing
@testable import PerceptData

@Suite("Hostile pickles fail cleanly, naming the file and the byte")
struct PickleSafetyTests {
    @Test("GLOBAL os.system is refused by name before anything runs")
    func disallowedGlobal() {
        let pickle = PickleBytes()
        pickle.op("c", PickleBytes.line("os") + PickleBytes.line("system"))
        pickle.op("(").op("S", PickleBytes.line("'echo owned'")).op("t").op("R").op(".")
        #expect(throws: PickleError.disallowedGlobal(file: "evil.pkl", offset: 0, module: "os", name: "system")) {
            try Unpickler().load(pickle.bytes, file: "evil.pkl")
        }
    }

    @Test("STACK_GLOBAL builtins.eval is refused with its byte offset")
    func disallowedStackGlobal() {
        let pickle = PickleBytes()
        pickle.op(0x80, [4]).shortBinUnicode("builtins").shortBinUnicode("eval").op(0x93)
        let error = #expect(throws: PickleError.self) { try Unpickler().load(pickle.bytes, file: "evil.pkl") }
        #expect(error == .disallowedGlobal(file: "evil.pkl", offset: 18, module: "builtins", name: "eval"))
        #expect(error?.description.contains("evil.pkl: byte 18") == true)
    }

    @Test("REDUCE on an allowed type that is not a constructor, or on a plain value, is refused")
    func reduceOnNonCallable() {
        let onType = PickleBytes()
        onType.op("c", PickleBytes.line("numpy") + PickleBytes.line("ndarray")).op(")").op("R").op(".")
        #expect(throws: PickleError.notCallable(file: "<memory>", offset: 16, what: "numpy.ndarray (a type that may only be an argument)")) {
            try Unpickler().load(onType.bytes)
        }
        let onValue = PickleBytes()
        onValue.op("K", [1]).op(")").op("R").op(".")
        #expect(throws: PickleError.notCallable(file: "<memory>", offset: 3, what: "a value that is not a global")) {
            try Unpickler().load(onValue.bytes)
        }
    }

    @Test("_reconstruct of anything but ndarray and object arrays are refused")
    func refusedNumpy() throws {
        let other = PickleBytes()
        other.op("c", PickleBytes.line("numpy.core.multiarray") + PickleBytes.line("_reconstruct"))
        other.op("c", PickleBytes.line("numpy") + PickleBytes.line("dtype")).op(")").op("U", [1, 98]).op(0x87).op("R").op(".")
        #expect(throws: PickleError.self) { try Unpickler().load(other.bytes) }
        let objectDType = PickleBytes()
        objectDType.op("c", PickleBytes.line("numpy") + PickleBytes.line("dtype")).shortBinString("O8").op(0x85).op("R").op(".")
        let error = #expect(throws: PickleError.self) { try Unpickler().load(objectDType.bytes) }
        #expect(error?.message.contains("not a plain number type") == true)
    }

    @Test("nesting deeper than the limit is an error, through lists, tuples and the memo, with no stack overflow")
    func deepNesting() {
        let lists = PickleBytes()
        for _ in 0..<100_000 { lists.op("]") }
        for _ in 0..<99_999 { lists.op("a") }
        lists.op(".")
        #expect(throws: PickleError.self) { try Unpickler().load(lists.bytes) }

        let tuples = PickleBytes()
        tuples.op("N")
        for _ in 0..<1_000_000 { tuples.op(0x85) }
        tuples.op(".")
        let error = #expect(throws: PickleError.self) { try Unpickler().load(tuples.bytes) }
        #expect(error?.message.contains("nest deeper than 200 levels") == true)

        // A list appended into itself: a cycle, caught by the same limit.
        let cycle = PickleBytes()
        cycle.op("]").op("q", [0]).op("h", [0]).op("a").op(".")
        #expect(throws: PickleError.self) { try Unpickler().load(cycle.bytes) }
    }

    @Test("a length beyond the end of the file is refused before allocating", arguments: [
        [0x8E] + PickleBytes.le(1 << 62, 8),          // BINBYTES8 of 4 EiB
        [0x58] + PickleBytes.le(0xFFFF_FFFF, 4),      // BINUNICODE of 4 GiB
        [0x54] + PickleBytes.le(-1, 4),               // BINSTRING of negative length
        [0x8B] + PickleBytes.le(0x7FFF_FFFF, 4),      // LONG4 of 2 GiB
        [0x95] + PickleBytes.le(1 << 40, 8),          // FRAME of 1 TiB
    ] as [[UInt8]])
    func hugeLengths(bytes: [UInt8]) {
        let error = #expect(throws: PickleError.self) { try Unpickler().load(bytes, file: "huge.pkl") }
        guard case .truncated(let file, let offset, _) = error else {
            Issue.record("expected a truncation error, got \(String(describing: error))")
            return
        }
        #expect(file == "huge.pkl")
        #expect(offset == 0)
    }

    @Test("every truncation of a real CIFAR batch fails cleanly")
    func truncations() throws {
        let bytes = try DataFixtures.bytes("cifar10/test_batch")
        for length in Array(0..<400) + [bytes.count - 2, bytes.count - 1] {
            #expect(throws: PickleError.self) { try Unpickler().load(Array(bytes[..<length]), file: "cut") }
        }
        #expect(throws: Never.self) { try Unpickler().load(bytes) }
    }

    @Test("memo, element and byte limits stop amplification")
    func limits() {
        let small = PickleLimits(maxDepth: 10, maxMemoEntries: 2, maxElements: 100, maxBytes: 10)
        let unpickler = Unpickler(limits: small)
        let memo = PickleBytes()
        memo.op("N").op("q", [0]).op("q", [1]).op("q", [2]).op(".")
        #expect(throws: PickleError.limitExceeded(file: "<memory>", offset: 5,
                                                 limit: "a limit against hostile files was reached: more than 2 memo entries")) {
            try unpickler.load(memo.bytes)
        }
        let duplicates = PickleBytes()
        duplicates.op("N")
        for _ in 0..<200 { duplicates.op("2") }
        #expect(throws: PickleError.self) { try unpickler.load(duplicates.bytes) }
        let bytes = PickleBytes()
        bytes.op("C", [6] + Array("abcdef".utf8)).op("C", [6] + Array("abcdef".utf8)).op(".")
        #expect(throws: PickleError.self) { try unpickler.load(bytes.bytes) }
    }

    @Test("unknown opcodes, newer protocols, persistent IDs and out-of-band buffers are typed errors")
    func unsupported() throws {
        #expect(throws: PickleError.unknownOpcode(file: "<memory>", offset: 0, opcode: 0xFF)) { try Unpickler().load([0xFF]) }
        #expect(throws: PickleError.unsupportedProtocol(file: "<memory>", offset: 0, version: 6)) { try Unpickler().load([0x80, 6]) }
        let persistent = PickleBytes()
        persistent.op("P", PickleBytes.line("storage0")).op(".")
        #expect(throws: PickleError.unsupported(file: "<memory>", offset: 0, feature: "a persistent ID (PERSID/BINPERSID)")) {
            try Unpickler().load(persistent.bytes)
        }
        // With a resolver (as PyTorch checkpoints will need) the same pickle loads.
        let resolving = Unpickler(persistentLoad: { id in .list([id]) })
        #expect(try resolving.load(persistent.bytes) == .list([.string("storage0")]))
        #expect(throws: PickleError.self) { try Unpickler().load([0x80, 5, 0x97, 0x2E]) }
        #expect(throws: PickleError.self) { try Unpickler().load([0x2E]) }                // STOP on an empty stack
        #expect(throws: PickleError.self) { try Unpickler().load([0x5D, 0x62, 0x2E]) }    // BUILD on a list
    }

    @Test("the allow-list extends with new constructors, as checkpoint readers will")
    func extendedAllowList() throws {
        let pickle = PickleBytes()
        pickle.op("c", PickleBytes.line("torch._utils") + PickleBytes.line("_rebuild_tensor_v2")).op("K", [3]).op(0x85).op("R").op(".")
        #expect(throws: PickleError.self) { try Unpickler().load(pickle.bytes) }
        let extended = PickleAllowList.numpy.adding([
            PickleGlobal(module: "torch._utils", name: "_rebuild_tensor_v2") { arguments in .tuple(arguments) },
        ])
        #expect(try Unpickler(allowList: extended).load(pickle.bytes) == .tuple([.int(3)]))
        #expect(extended.names.contains("numpy.dtype"))
    }
}
