import Foundation

/// The pickle virtual machine: runs opcodes over a stack and a memo, building plain values only.
/// Containers live in an arena and the stack holds flat references to them, so a hostile file
/// can nest as deep as it likes without deep recursion until `freeze`, which stops at the depth limit.
struct PickleMachine {
    /// A stack or memo slot: a finished value (with its nesting height), a container or object in
    /// the arenas, or an allowed global not yet called.
    enum Item {
        case value(PickleValue, height: Int)
        case container(Int)
        case object(Int)
        case global(PickleGlobal)
    }

    /// A mutable container; a dict's items alternate key and value.
    struct Container {
        enum Kind { case list, tuple, dict, set }
        var kind: Kind
        var items: [Item]
    }

    /// A value built by an allowed global that takes BUILD, with its global for the state.
    struct Object {
        var value: PickleValue
        var height: Int
        let global: PickleGlobal
    }

    var input: PickleInput
    let allowList: PickleAllowList
    let limits: PickleLimits
    let persistentLoad: Unpickler.PersistentLoad?
    var stack: [Item] = []
    var marks: [Int] = []
    var memo: [Int: Item] = [:]
    var containers: [Container] = []
    var objects: [Object] = []
    var elements = 0
    var allocatedBytes = 0

    init(input: PickleInput, allowList: PickleAllowList, limits: PickleLimits, persistentLoad: Unpickler.PersistentLoad?) {
        self.input = input
        self.allowList = allowList
        self.limits = limits
        self.persistentLoad = persistentLoad
    }

    /// Runs the opcodes up to STOP and returns the value on top of the stack.
    mutating func run() throws -> PickleValue {
        while true {
            input.opcodeStart = input.position
            let opcode = try input.byte("an opcode (the pickle has no STOP)")
            if opcode == 0x2E { return try freeze(try pop()).value }   // STOP
            try execute(opcode)
        }
    }

    // MARK: - Opcodes

    mutating func execute(_ opcode: UInt8) throws {
        switch opcode {
        case 0x80:   // PROTO
            let version = Int(try input.byte("the protocol version"))
            guard version <= 5 else { throw PickleError.unsupportedProtocol(file: input.file, offset: input.opcodeStart, version: version) }
        case 0x95:   // FRAME: a length prefix only; the opcodes follow inline.
            _ = try input.length(8, "a frame")
        case 0x28: marks.append(stack.count)                                   // MARK
        case 0x30:                                                              // POP
            if stack.count > (marks.last ?? 0) { _ = try pop() } else { _ = try popMark() }
        case 0x31: _ = try popMark()                                            // POP_MARK
        case 0x32: try push(try top())                                          // DUP
        case 0x4E: try push(.value(.none, height: 0))                           // NONE
        case 0x88: try push(.value(.bool(true), height: 0))                     // NEWTRUE
        case 0x89: try push(.value(.bool(false), height: 0))                    // NEWFALSE
        case 0x49: try pushIntegerLine(allowBool: true)                         // INT
        case 0x4C: try pushIntegerLine(allowBool: false)                        // LONG
        case 0x4A: try pushLeaf(.int(Int(Int32(bitPattern: UInt32(try input.unsigned(4, "BININT")))))) // BININT
        case 0x4B: try pushLeaf(.int(Int(try input.unsigned(1, "BININT1"))))    // BININT1
        case 0x4D: try pushLeaf(.int(Int(try input.unsigned(2, "BININT2"))))    // BININT2
        case 0x8A: try pushLeaf(PickleText.twosComplement(try bytes(lengthWidth: 1, "LONG1")))
        case 0x8B: try pushLeaf(PickleText.twosComplement(try bytes(lengthWidth: 4, signed: true, "LONG4")))
        case 0x46:                                                              // FLOAT
            let text = try input.textLine("FLOAT")
            guard let value = Double(text.trimmingCharacters(in: CharacterSet(charactersIn: " \r"))) else { throw malformed("FLOAT '\(text)' is not a number") }
            try pushLeaf(.float(value))
        case 0x47: try pushLeaf(.float(Double(bitPattern: try input.unsigned(8, "BINFLOAT").byteSwapped)))   // big-endian
        case 0x53:                                                              // STRING
            guard let value = PickleText.quotedBytes(try input.line("STRING")) else { throw malformed("STRING is not a quoted literal") }
            try pushLeaf(.bytes(value))
        case 0x54: try pushLeaf(.bytes(try bytes(lengthWidth: 4, signed: true, "BINSTRING")))
        case 0x55: try pushLeaf(.bytes(try bytes(lengthWidth: 1, "SHORT_BINSTRING")))
        case 0x43: try pushLeaf(.bytes(try bytes(lengthWidth: 1, "SHORT_BINBYTES")))
        case 0x42: try pushLeaf(.bytes(try bytes(lengthWidth: 4, "BINBYTES")))
        case 0x8E: try pushLeaf(.bytes(try bytes(lengthWidth: 8, "BINBYTES8")))
        case 0x96: try pushLeaf(.bytes(try bytes(lengthWidth: 8, "BYTEARRAY8")))
        case 0x56:                                                              // UNICODE
            guard let text = PickleText.rawUnicodeEscape(try input.line("UNICODE")) else { throw malformed("UNICODE has a bad escape") }
            try pushLeaf(.string(text))
        case 0x8C: try pushLeaf(.string(try utf8(lengthWidth: 1, "SHORT_BINUNICODE")))
        case 0x58: try pushLeaf(.string(try utf8(lengthWidth: 4, "BINUNICODE")))
        case 0x8D: try pushLeaf(.string(try utf8(lengthWidth: 8, "BINUNICODE8")))
        case 0x29: try pushContainer(.tuple, [])                                // EMPTY_TUPLE
        case 0x85, 0x86, 0x87:                                                  // TUPLE1, TUPLE2, TUPLE3
            let count = Int(opcode - 0x84)
            var items: [Item] = []
            for _ in 0..<count { items.insert(try pop(), at: 0) }
            try pushContainer(.tuple, items)
        case 0x74: try pushContainer(.tuple, try popMark())                     // TUPLE
        case 0x5D: try pushContainer(.list, [])                                 // EMPTY_LIST
        case 0x6C: try pushContainer(.list, try popMark())                      // LIST
        case 0x7D: try pushContainer(.dict, [])                                 // EMPTY_DICT
        case 0x64: try pushContainer(.dict, try pairs(try popMark(), "DICT"))   // DICT
        case 0x8F: try pushContainer(.set, [])                                  // EMPTY_SET
        case 0x91: try pushContainer(.set, try popMark())                       // FROZENSET
        case 0x61: try extend(.list, with: [try pop()], "APPEND")               // APPEND
        case 0x65: try extend(.list, with: try popMark(), "APPENDS")            // APPENDS
        case 0x73:                                                              // SETITEM
            let value = try pop(), key = try pop()
            try extend(.dict, with: [key, value], "SETITEM")
        case 0x75: try extend(.dict, with: try pairs(try popMark(), "SETITEMS"), "SETITEMS")
        case 0x90: try extend(.set, with: try popMark(), "ADDITEMS")            // ADDITEMS
        case 0x70: try remember(at: try memoIndexLine("PUT"))                   // PUT
        case 0x71: try remember(at: Int(try input.unsigned(1, "BINPUT")))       // BINPUT
        case 0x72: try remember(at: Int(try input.unsigned(4, "LONG_BINPUT")))  // LONG_BINPUT
        case 0x94: try remember(at: memo.count)                                 // MEMOIZE
        case 0x67: try recall(try memoIndexLine("GET"))                         // GET
        case 0x68: try recall(Int(try input.unsigned(1, "BINGET")))             // BINGET
        case 0x6A: try recall(Int(try input.unsigned(4, "LONG_BINGET")))        // LONG_BINGET
        case 0x63:                                                              // GLOBAL
            let module = try input.textLine("GLOBAL's module"), name = try input.textLine("GLOBAL's name")
            try push(.global(try resolve(module: module, name: name)))
        case 0x93:                                                              // STACK_GLOBAL
            let name = try freeze(try pop()).value, module = try freeze(try pop()).value
            guard case .string(let moduleText) = module, case .string(let nameText) = name else {
                throw malformed("STACK_GLOBAL needs two strings, found \(module.kindName) and \(name.kindName)")
            }
            try push(.global(try resolve(module: moduleText, name: nameText)))
        case 0x52:                                                              // REDUCE
            let arguments = try pop(), callable = try pop()
            try call(callable, arguments: try tupleElements(arguments, "REDUCE"), instantiating: false)
        case 0x81:                                                              // NEWOBJ
            let arguments = try pop(), type = try pop()
            try call(type, arguments: try tupleElements(arguments, "NEWOBJ"), instantiating: true)
        case 0x92:                                                              // NEWOBJ_EX
            let keywords = try freeze(try pop()).value, arguments = try pop(), type = try pop()
            guard keywords == .dict([]) else { throw malformed("NEWOBJ_EX with keyword arguments is not supported") }
            try call(type, arguments: try tupleElements(arguments, "NEWOBJ_EX"), instantiating: true)
        case 0x69:                                                              // INST
            let module = try input.textLine("INST's module"), name = try input.textLine("INST's name")
            let global = try resolve(module: module, name: name)
            try call(.global(global), arguments: try popMark().map { try freeze($0).value }, instantiating: false)
        case 0x6F:                                                              // OBJ
            var items = try popMark()
            guard !items.isEmpty else { throw malformed("OBJ needs a class after the mark") }
            let type = items.removeFirst()
            try call(type, arguments: try items.map { try freeze($0).value }, instantiating: false)
        case 0x62: try build(state: try freeze(try pop()).value)                // BUILD
        case 0x50:                                                              // PERSID
            try loadPersistent(.string(try input.textLine("PERSID")))
        case 0x51: try loadPersistent(try freeze(try pop()).value)              // BINPERSID
        case 0x82, 0x83, 0x84:                                                  // EXT1, EXT2, EXT4
            throw PickleError.unsupported(file: input.file, offset: input.opcodeStart, feature: "the copyreg extension registry (EXT1/2/4)")
        case 0x97:                                                              // NEXT_BUFFER
            throw PickleError.unsupported(file: input.file, offset: input.opcodeStart, feature: "an out-of-band buffer (NEXT_BUFFER)")
        case 0x98: _ = try top()                                                // READONLY_BUFFER: in-band bytes stay as they are
        default:
            throw PickleError.unknownOpcode(file: input.file, offset: input.opcodeStart, opcode: opcode)
        }
    }
}
