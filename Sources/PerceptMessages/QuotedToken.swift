/// Text taken from a file and put into a message for a terminal: quoted, with control and
/// direction-changing characters escaped and the length bounded, so a crafted file cannot send
/// escape sequences or kilobytes of junk to the user's screen.
///
///     quotedToken("cat")                 // 'cat'
///     quotedToken("a\u{1B}[2Jb")         // 'a\u{1B}[2Jb'
///     quotedToken(String(repeating: "x", count: 5000))   // 'xxx…' (80 x's, then an ellipsis)
public func quotedToken(_ token: some StringProtocol, limit: Int = quotedTokenLimit) -> String {
    "'" + escapedForMessage(token, limit: limit) + "'"
}

/// `bytes` read as UTF-8 (invalid sequences become U+FFFD) and quoted as `quotedToken(_:limit:)` does.
public func quotedToken(bytes: some Sequence<UInt8>, limit: Int = quotedTokenLimit) -> String {
    quotedToken(String(decoding: Array(bytes), as: UTF8.self), limit: limit)
}

/// The most characters of a token (after escaping) a message repeats before cutting it with an
/// ellipsis.
public let quotedTokenLimit = 80

/// `token` without quotes: control characters as `\n`, `\t`, `\r`, `\0` or `\u{…}`, cut
/// with `…` where the escaped text would pass `limit` characters. For messages that build their
/// own quoting or none (a path printed as is, a library's own message).
public func escapedForMessage(_ token: some StringProtocol, limit: Int = quotedTokenLimit) -> String {
    var result = ""
    var length = 0
    for scalar in token.unicodeScalars {
        let piece = escaped(scalar)
        guard length + piece.unicodeScalars.count <= limit else {
            result += "…"
            break
        }
        length += piece.unicodeScalars.count
        result += piece
    }
    return result
}

/// One scalar as it may appear on a terminal.
private func escaped(_ scalar: Unicode.Scalar) -> String {
    switch scalar {
    case "\n": return "\\n"
    case "\t": return "\\t"
    case "\r": return "\\r"
    case "\0": return "\\0"
    default:
        return isUnsafeOnTerminal(scalar) ? "\\u{\(String(scalar.value, radix: 16, uppercase: true))}" : String(scalar)
    }
}

/// C0 and C1 controls, DEL, and the bidirectional overrides and isolates that can reorder
/// what a terminal shows.
private func isUnsafeOnTerminal(_ scalar: Unicode.Scalar) -> Bool {
    switch scalar.value {
    case 0x00...0x1F, 0x7F...0x9F, 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069: true
    default: false
    }
}
