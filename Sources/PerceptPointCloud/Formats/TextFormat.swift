/// Plain-text point files: `.xyz` (space separated) and `.csv` (comma separated), with an
/// optional header line naming the columns. Without a header the columns are x y z, then
/// intensity for 4 or 7 columns, then r g b for 6 or 7.
public enum TextFormat {
    /// Reads the text file at `path`.
    public static func read(_ path: String) throws -> PointCloud {
        try decode(FileAccess.read(path), file: path)
    }

    /// Writes `cloud` to `path` atomically, with a header line naming every field.
    public static func write(_ cloud: PointCloud, to path: String) throws {
        try FileAccess.write(encode(cloud, separator: path.lowercased().hasSuffix(".csv") ? "," : " "), to: path)
    }

    /// Decodes text bytes; `file` names the source in errors.
    public static func decode(_ bytes: [UInt8], file: String) throws -> PointCloud {
        let text = bytes.map { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: ";") ? UInt8(ascii: " ") : $0 }
        var probe = TextLines(text)
        var names: [String]?
        var dataLines = 0
        var firstLineIsHeader = false
        while let line = probe.next() {
            let words = line.words
            if words.isEmpty || words[0].hasPrefix("#") { continue }
            if names == nil {
                if Double(words[0]) == nil {
                    firstLineIsHeader = true
                    names = words.map { $0.lowercased() }
                    continue
                }
                names = defaultNames(columns: words.count)
            }
            dataLines += 1
        }
        guard let names, names.contains("x"), names.contains("y"), names.contains("z") else {
            throw PointCloudFileError.badHeader(file: file, line: 1, expected: "columns x, y, z", found: names?.joined(separator: " ") ?? "no data")
        }
        var lines = TextLines(text)
        if firstLineIsHeader {
            while let line = lines.next(), line.words.isEmpty || line.words[0].hasPrefix("#") {}
        }
        let values = try TextRecords.parse(&lines, rows: dataLines, names: names, file: file) { word, _ in Double(word) }
        return try values.withUnsafeBytes { raw in
            try FieldColumns.assemble(TextRecords.columns(names), base: raw.baseAddress!, count: dataLines, bigEndian: false, file: file)
        }
    }

    private static func defaultNames(columns: Int) -> [String] {
        switch columns {
        case 4: return ["x", "y", "z", "intensity"]
        case 6: return ["x", "y", "z", "red", "green", "blue"]
        case 7: return ["x", "y", "z", "intensity", "red", "green", "blue"]
        default: return ["x", "y", "z"] + (0..<max(0, columns - 3)).map { "column\($0 + 4)" }
        }
    }

    /// Encodes `cloud` as text with a header line; colours become red, green, blue columns.
    public static func encode(_ cloud: PointCloud, separator: String) -> [UInt8] {
        var columns: [(String, (Int) -> String)] = [("x", { "\(cloud.x[$0])" }), ("y", { "\(cloud.y[$0])" }), ("z", { "\(cloud.z[$0])" })]
        if let intensity = cloud.intensity { columns.append(("intensity", { "\(intensity[$0])" })) }
        if let colors = cloud.colors {
            columns += [("red", { "\(colors[$0].red)" }), ("green", { "\(colors[$0].green)" }), ("blue", { "\(colors[$0].blue)" })]
        }
        if let normals = cloud.normals {
            columns += (0..<3).map { axis in (["nx", "ny", "nz"][axis], { "\(normals[$0][axis])" }) }
        }
        if let labels = cloud.labels { columns.append(("label", { "\(labels[$0])" })) }
        if let instances = cloud.instances { columns.append(("instance", { "\(instances[$0])" })) }
        var writer = ByteWriter()
        writer.append(columns.map(\.0).joined(separator: separator) + "\n")
        for index in 0..<cloud.count {
            writer.append(columns.map { $0.1(index) }.joined(separator: separator) + "\n")
        }
        return writer.bytes
    }
}
