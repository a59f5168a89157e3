import Foundation
import Testing
@testable import PerceptData

@Suite("The restricted unpickler reads plain data and numpy arrays")
struct PickleTests {
    /// What Tools/make-pickle-fixtures pickled, checked key by key.
    func expectFixtureContents(_ value: PickleValue) throws {
        #expect(value["none"] == PickleValue.none)
        #expect(value["true"] == .bool(true))
        #expect(value["false"] == .bool(false))
        #expect(value["small"] == .int(7))
        #expect(value["byte"] == .int(200))
        #expect(value["short"] == .int(60000))
        #expect(value["int"] == .int(-123456))
        #expect(value["long"] == .int(1 << 40))
        #expect(value["huge"] == .bigInt([0, 0, 0, 0, 0, 0, 0, 0, 0x40]))            // 2^70
        #expect(value["negative_huge"] == .bigInt([0, 0, 0, 0, 0, 0, 0, 0, 0xC0]))   // -2^70
        #expect(value["float"] == .float(1.5))
        #expect(value["text"] == .string("héllo ✓"))
        #expect(value["bytes"] == .bytes([0, 1, 255]))
        #expect(value["empty"] == .tuple([]))
        #expect(value["tuple1"] == .tuple([.int(1)]))
        #expect(value["tuple2"] == .tuple([.int(1), .string("a")]))
        #expect(value["tuple3"] == .tuple([.int(1), .int(2), .int(3)]))
        #expect(value["tuple4"] == .tuple([.int(1), .int(2), .int(3), .int(4)]))
        #expect(value["list"] == .list([.int(1), .list([.int(2), .list([.int(3)])])]))
        #expect(value["shared"] == .list([.list([.int(1), .int(2)]), .list([.int(1), .int(2)])]))
        #expect(value["set"] == .set([.int(3)]))
        #expect(value["frozenset"] == .set([.int(4)]))
        #expect(value["bytearray"] == .bytes([97, 98]))

        guard case .array(let uint8) = value["uint8"], case .array(let float32) = value["float32"],
              case .array(let int64) = value["int64"], case .array(let bigEndian) = value["big_endian"],
              case .array(let bool) = value["bool"] else {
            Issue.record("the numpy arrays are missing")
            return
        }
        #expect(uint8.shape == [2, 3])
        #expect(uint8.dtype.name == "uint8")
        #expect(uint8.data == [0, 1, 2, 3, 4, 5])
        #expect(float32.floats == [0.5, -2])
        #expect(int64.integers == [-1, 1 << 40])
        #expect(bigEndian.dtype.isLittleEndian == false)
        #expect(bigEndian.integers == [1, 256])
        #expect(bool.dtype.kind == .bool)
        #expect(bool.integers == [1, 0])
    }

    @Test("protocols 0, 2, 4 and 5 written by Python give the same values", arguments: [0, 2, 4, 5])
    func protocols(protocolVersion: Int) throws {
        let value = try Unpickler().load(contentsOf: DataFixtures.url("pickle/protocol\(protocolVersion).pkl"))
        try expectFixtureContents(value)
    }

    @Test("a CIFAR-10 batch as Python 2's cPickle wrote it: latin-1 strings and a uint8 array")
    func cifarBatch() throws {
        let batch = try Unpickler().load(contentsOf: DataFixtures.url("cifar10/data_batch_1"))
        #expect(batch["batch_label"]?.text == "training batch 1 of 2")
        #expect(batch["labels"] == .list([.int(3), .int(7), .int(0), .int(9)]))
        #expect(batch["filenames"]?.elements?.compactMap(\.text) == ["image_0.png", "image_1.png", "image_2.png", "image_3.png"])
        guard case .array(let data) = batch["data"] else {
            Issue.record("data is not an array")
            return
        }
        #expect(data.shape == [4, 3072])
        #expect(data.dtype.name == "uint8")
        // Image i, position p holds (37 i + 7 p) mod 256.
        #expect(data.data[3072 + 5] == UInt8((37 + 35) % 256))
        #expect(data.data[3 * 3072 + 3071] == UInt8((3 * 37 + 3071 * 7) % 256))
    }

    @Test("Python 2 opcodes written by hand: BINSTRING, BININT, LONG_BINPUT, BINGET, TUPLE and SETITEMS")
    func handWrittenPython2() throws {
        let pickle = PickleBytes()
        pickle.op(0x80, [2])                                  // PROTO 2
        pickle.op("}").op("q", [0])                           // EMPTY_DICT, BINPUT 0
        pickle.op("(")                                        // MARK
        pickle.shortBinString("name").op("r", PickleBytes.le(300, 4))   // LONG_BINPUT 300
        pickle.op("T", PickleBytes.le(3, 4) + Array("abc".utf8))        // BINSTRING
        pickle.op("h", [0])                                   // BINGET 0: the dict itself is not allowed in itself…
        pickle.op("0")                                        // …so POP it again
        pickle.shortBinString("numbers")
        pickle.op("(").op("J", PickleBytes.le(-5, 4)).op("M", PickleBytes.le(513, 2)).op("K", [9]).op("t")   // TUPLE
        pickle.shortBinString("again").op("j", PickleBytes.le(300, 4))  // LONG_BINGET 300
        pickle.shortBinString("flags").op(0x88).op(0x89).op(0x86)       // NEWTRUE NEWFALSE TUPLE2
        pickle.shortBinString("float").op("G", [0x3F, 0xF8, 0, 0, 0, 0, 0, 0])   // BINFLOAT 1.5 (big-endian)
        pickle.op("u").op(".")                                // SETITEMS, STOP
        let value = try Unpickler().load(pickle.bytes)
        #expect(value == .dict([
            PickleEntry(key: .bytes(Array("name".utf8)), value: .bytes(Array("abc".utf8))),
            PickleEntry(key: .bytes(Array("numbers".utf8)), value: .tuple([.int(-5), .int(513), .int(9)])),
            PickleEntry(key: .bytes(Array("again".utf8)), value: .bytes(Array("name".utf8))),
            PickleEntry(key: .bytes(Array("flags".utf8)), value: .tuple([.bool(true), .bool(false)])),
            PickleEntry(key: .bytes(Array("float".utf8)), value: .float(1.5)),
        ]))
        #expect(value["numbers"]?.elements?.count == 3)
    }

    @Test("protocol 0 text opcodes: INT bools, LONG, STRING escapes, UNICODE escapes, PUT and GET")
    func protocolZeroText() throws {
        let pickle = PickleBytes()
        pickle.op("(")
        pickle.op("I", PickleBytes.line("01")).op("I", PickleBytes.line("-42"))
        pickle.op("L", PickleBytes.line("-1180591620717411303424L"))
        pickle.op("S", PickleBytes.line("'a\\x00\\n\\'b'"))
        pickle.op("V", PickleBytes.line("caf\\u00e9\\U0001f600"))
        pickle.op("p", PickleBytes.line("7")).op("g", PickleBytes.line("7"))
        pickle.op("F", PickleBytes.line("2.25"))
        pickle.op("l").op(".")
        let value = try Unpickler().load(pickle.bytes)
        #expect(value == .list([.bool(true), .int(-42), .bigInt([0, 0, 0, 0, 0, 0, 0, 0, 0xC0]),
                                .bytes([97, 0, 10, 39, 98]), .string("café😀"), .string("café😀"), .float(2.25)]))
    }

    @Test("numpy scalars and OrderedDict become plain numbers and dicts")
    func scalarsAndOrderedDict() throws {
        let pickle = PickleBytes()
        pickle.op(0x80, [4])
        pickle.shortBinUnicode("collections").shortBinUnicode("OrderedDict").op(0x93).op(")").op("R")   // OrderedDict()
        pickle.shortBinUnicode("x")
        pickle.shortBinUnicode("numpy._core.multiarray").shortBinUnicode("scalar").op(0x93)
        pickle.shortBinUnicode("numpy").shortBinUnicode("dtype").op(0x93)
        pickle.shortBinUnicode("f8").op(0x89).op(0x88).op(0x87).op("R")                 // dtype("f8", False, True)
        pickle.op("C", [8] + [0, 0, 0, 0, 0, 0, 0x04, 0x40]).op(0x86).op("R")          // scalar(dtype, 2.5 as bytes)
        pickle.op("s").op(".")                                                          // SETITEM into the OrderedDict
        #expect(try Unpickler().load(pickle.bytes) == .dict([PickleEntry(key: .string("x"), value: .float(2.5))]))
    }
    @Test("the remaining opcodes: 8-byte lengths, BINBYTES, LONG4, DUP, POP_MARK, NEWOBJ, NEWOBJ_EX, INST, OBJ, READONLY_BUFFER")
    func remainingOpcodes() throws {
        let pickle = PickleBytes()
        pickle.op(0x80, [5]).op("(")
        pickle.op(0x8D, PickleBytes.le(2, 8) + Array("hi".utf8))                 // BINUNICODE8
        pickle.op(0x8E, PickleBytes.le(1, 8) + [7]).op(0x98)                     // BINBYTES8, READONLY_BUFFER
        pickle.op("B", PickleBytes.le(2, 4) + [8, 9])                            // BINBYTES
        pickle.op(0x8B, PickleBytes.le(2, 4) + [0x00, 0x80])                     // LONG4: -32768
        pickle.op("K", [5]).op("2")                                              // DUP
        pickle.op("(").op("K", [1]).op("1")                                      // MARK … POP_MARK
        pickle.op("c", PickleBytes.line("builtins") + PickleBytes.line("set"))
        pickle.op(")").op(0x81)                                                  // NEWOBJ set()
        pickle.op("c", PickleBytes.line("builtins") + PickleBytes.line("frozenset"))
        pickle.op(")").op("}").op(0x92)                                          // NEWOBJ_EX frozenset() with no keywords
        pickle.op("(").op("]").op("K", [4]).op("a")
        pickle.op("i", PickleBytes.line("builtins") + PickleBytes.line("set"))   // INST set([4])
        pickle.op("(").op("c", PickleBytes.line("builtins") + PickleBytes.line("frozenset")).op(")").op("o")   // OBJ frozenset(())
        pickle.op("l").op(".")
        #expect(try Unpickler().load(pickle.bytes) == .list([
            .string("hi"), .bytes([7]), .bytes([8, 9]), .int(-32768), .int(5), .int(5),
            .set([]), .set([]), .set([.int(4)]), .set([]),
        ]))
    }
}
