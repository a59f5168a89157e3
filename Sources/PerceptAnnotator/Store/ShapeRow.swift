import GRDB
import PerceptLabels

/// How a `LabelShape` is stored in a row of the `shape` table, and the checks a shape passes
/// before it is stored.
enum ShapeRow {
    static func shape(_ row: Row) -> LabelShape {
        let coordinates = (try? JSONParser.parse(Array((row["coordinates"] as String).utf8), file: "shape"))?.array?
            .compactMap(\.number) ?? []
        let attributes = (try? JSONParser.parse(Array((row["attributes"] as String).utf8), file: "shape")) ?? .object([])
        return LabelShape(kind: ShapeKind(rawValue: row["kind"]) ?? .rect, classID: row["classID"], coordinates: coordinates,
                     attributes: attributes, score: row["score"], source: ShapeSource(rawValue: row["source"]) ?? .user)
    }

    static func insert(_ shapes: [LabelShape], imageID: Int, from position: Int = 0, in db: Database) throws {
        for (offset, shape) in shapes.enumerated() {
            let coordinates = String(decoding: JSONWriter.encode(.array(shape.coordinates.map { .number($0) }), pretty: false), as: UTF8.self)
            let attributes = String(decoding: JSONWriter.encode(shape.attributes, pretty: false), as: UTF8.self)
            try db.execute(sql: """
                INSERT INTO shape (imageID, position, kind, classID, coordinates, attributes, score, source)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [imageID, position + offset, shape.kind.rawValue, shape.classID, coordinates, attributes,
                                 shape.score, shape.source.rawValue])
        }
    }

    /// Throws `invalid` naming `place` unless the shape's coordinates fit its kind, are finite,
    /// lie inside a `width`×`height` image, and its class is one of `classIDs`.
    static func validate(_ shape: LabelShape, place: String, width: Int, height: Int, classIDs: Set<Int>) throws {
        let values = shape.coordinates
        switch shape.kind {
        case .rect:
            guard values.count == 4 else { throw AnnotatorError.invalid(place: place, detail: "a rect needs 4 numbers [minX, minY, maxX, maxY], found \(values.count)") }
        case .polygon:
            guard values.count >= 6, values.count % 2 == 0 else {
                throw AnnotatorError.invalid(place: place, detail: "a polygon needs at least 3 points as [x0, y0, x1, y1, …], found \(values.count) numbers")
            }
        case .point:
            guard values.count == 2 else { throw AnnotatorError.invalid(place: place, detail: "a point needs 2 numbers [x, y], found \(values.count)") }
        }
        for (index, value) in values.enumerated() {
            let limit = Double(index % 2 == 0 ? width : height)
            guard value.isFinite, value >= 0, value <= limit else {
                throw AnnotatorError.invalid(place: "\(place).points[\(index)]",
                                             detail: "expected a finite coordinate in 0...\(Int(limit)), found \(value)")
            }
        }
        if shape.kind == .rect, !(values[0] < values[2] && values[1] < values[3]) {
            throw AnnotatorError.invalid(place: place, detail: "a rect needs minX < maxX and minY < maxY, found \(values)")
        }
        guard classIDs.contains(shape.classID) else {
            throw AnnotatorError.invalid(place: "\(place).class", detail: "unknown class id \(shape.classID); known ids: \(classIDs.sorted())")
        }
        if let score = shape.score, !(score.isFinite && score >= 0 && score <= 1) {
            throw AnnotatorError.invalid(place: "\(place).score", detail: "expected a score in 0...1, found \(score)")
        }
        guard case .object = shape.attributes else {
            throw AnnotatorError.invalid(place: "\(place).attributes", detail: "expected an object, found \(shape.attributes.kindName)")
        }
    }
}
