/// Writes `JSONValue`s as UTF-8 text. Whole numbers are written without a fraction and other
/// numbers in the shortest form that reads back to the same Double, so output is stable.
public enum JSONWriter {
    /// The document as bytes: compact, or indented by two spaces with arrays of plain values
    /// kept on one line (polygons and boxes stay readable).
    public static func encode(_ value: JSONValue, pretty: Bool = true) -> [UInt8] {
        var output = ""
        write(value, into: &output, indent: pretty ? 0 : nil)
        if pretty { output += "\n" }
        return Array(output.utf8)
    }

    /// A number as JSON text; non-finite values become `null`, which JSON cannot carry otherwise.
    public static func format(_ number: Double) -> String {
        guard number.isFinite else { return "null" }
        if number.rounded() == number, abs(number) < 1e15 { return String(Int(number)) }
        return "\(number)"
    }

    private static func write(_ value: JSONValue, into output: inout String, indent: Int?) {
        switch value {
        case .null: output += "null"
        case .bool(let flag): output += flag ? "true" : "false"
        case .number(let number): output += format(number)
        case .string(let text): writeString(text, into: &output)
        case .array(let elements):
            let isFlat = elements.allSatisfy { if case .array = $0 { false } else if case .object = $0 { false } else { true } }
            writeContainer(open: "[", close: "]", count: elements.count, indent: isFlat ? nil : indent, into: &output) { index, inner, output in
                write(elements[index], into: &output, indent: inner)
            }
        case .object(let members):
            writeContainer(open: "{", close: "}", count: members.count, indent: indent, into: &output) { index, inner, output in
                writeString(members[index].key, into: &output)
                output += inner == nil ? ":" : ": "
                write(members[index].value, into: &output, indent: inner)
            }
        }
    }

    private static func writeContainer(open: String, close: String, count: Int, indent: Int?, into output: inout String,
                                       element: (Int, Int?, inout String) -> Void) {
        output += open
        guard count > 0 else { output += close; return }
        for index in 0..<count {
            if index > 0 { output += indent == nil ? "," : ",\n" }
            if let indent {
                if index == 0 { output += "\n" }
                output += String(repeating: " ", count: indent + 2)
                element(index, indent + 2, &output)
            } else {
                element(index, nil, &output)
            }
        }
        if let indent { output += "\n" + String(repeating: " ", count: indent) }
        output += close
    }

    private static func writeString(_ text: String, into output: inout String) {
        output += "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": output += "\\\""
            case "\\": output += "\\\\"
            case "\n": output += "\\n"
            case "\r": output += "\\r"
            case "\t": output += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                output += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: output.unicodeScalars.append(scalar)
            }
        }
        output += "\""
    }
}
