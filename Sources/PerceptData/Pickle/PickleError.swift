import PerceptMessages
/// Everything that can go wrong reading a pickle. Each case names the file and the byte offset
/// of the opcode being run.
public enum PickleError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file ends inside an opcode or before STOP.
    case truncated(file: String, offset: Int, detail: String)
    /// A byte that is not a pickle opcode.
    case unknownOpcode(file: String, offset: Int, opcode: UInt8)
    /// A PROTO opcode asks for a protocol above 5.
    case unsupportedProtocol(file: String, offset: Int, version: Int)
    /// The pickle names a global that is not on the allow-list (e.g. `os.system`): refused, never run.
    case disallowedGlobal(file: String, offset: Int, module: String, name: String)
    /// REDUCE, NEWOBJ, INST or OBJ on something that is not an allowed constructor.
    case notCallable(file: String, offset: Int, what: String)
    /// The opcodes do not fit together (stack underflow, a value of the wrong kind, a bad literal,
    /// arguments an allowed constructor refuses).
    case malformed(file: String, offset: Int, detail: String)
    /// A limit against hostile files was reached (nesting depth, memo size, elements, bytes).
    case limitExceeded(file: String, offset: Int, limit: String)
    /// A valid pickle feature this reader does not take (persistent IDs, out-of-band buffers, the extension registry).
    case unsupported(file: String, offset: Int, feature: String)

    /// The file the error is about.
    public var file: String {
        switch self {
        case .truncated(let file, _, _), .unknownOpcode(let file, _, _), .unsupportedProtocol(let file, _, _),
             .disallowedGlobal(let file, _, _, _), .notCallable(let file, _, _), .malformed(let file, _, _),
             .limitExceeded(let file, _, _), .unsupported(let file, _, _):
            file
        }
    }

    /// The byte offset of the opcode that failed.
    public var offset: Int {
        switch self {
        case .truncated(_, let offset, _), .unknownOpcode(_, let offset, _), .unsupportedProtocol(_, let offset, _),
             .disallowedGlobal(_, let offset, _, _), .notCallable(_, let offset, _), .malformed(_, let offset, _),
             .limitExceeded(_, let offset, _), .unsupported(_, let offset, _):
            offset
        }
    }

    /// What went wrong, with the byte offset but without the file name.
    public var message: String {
        let place = "byte \(offset)"
        switch self {
        case .truncated(_, _, let detail):
            return "\(place): the pickle ends early: \(detail)"
        case .unknownOpcode(_, _, let opcode):
            return "\(place): unknown pickle opcode 0x\(String(opcode, radix: 16))"
        case .unsupportedProtocol(_, _, let version):
            return "\(place): pickle protocol \(version) is not supported (0 to 5 are)"
        case .disallowedGlobal(_, _, let module, let name):
            return "\(place): the pickle names the global \(quotedToken(module + "." + name, limit: 200)), which is not an allowed data constructor; refusing to load it"
        case .notCallable(_, _, let what):
            return "\(place): the pickle calls \(escapedForMessage(what, limit: 200)), which is not an allowed data constructor"
        case .malformed(_, _, let detail):
            return "\(place): \(detail)"
        case .limitExceeded(_, _, let limit):
            return "\(place): \(limit)"
        case .unsupported(_, _, let feature):
            return "\(place): \(feature) is not supported"
        }
    }

    public var description: String { "\(file): \(message)" }
}

/// Thrown by an allowed constructor that refuses its arguments; the unpickler adds the file,
/// offset and global's name.
public struct PickleArgumentError: Error, Equatable, Sendable {
    /// What is wrong with the arguments.
    public let message: String

    /// An error with this message.
    public init(_ message: String) { self.message = message }
}
