import PerceptLabels

/// The JSON the HTTP API speaks: the store's values as `JSONValue`, and request bodies
/// checked field by field into the store's values.
enum APICoding {
    static func json(_ image: ImageRecord) -> JSONValue {
        .object([
            ("id", .number(Double(image.id))), ("path", .string(image.path)),
            ("width", .number(Double(image.width))), ("height", .number(Double(image.height))),
            ("status", .string(image.status.rawValue)), ("comment", .string(image.comment)),
            ("version", .number(Double(image.version))), ("shapes", .number(Double(image.userShapeCount))),
            ("predictions", .number(Double(image.predictionCount))),
        ])
    }

    static func json(_ state: ImageState) -> JSONValue {
        .object([("image", json(state.image)), ("version", .number(Double(state.image.version))),
                 ("shapes", .array(state.shapes.map(json)))])
    }

    static func json(_ shape: LabelShape) -> JSONValue {
        var members: [(key: String, value: JSONValue)] = [
            ("kind", .string(shape.kind.rawValue)), ("class", .number(Double(shape.classID))),
            ("points", .array(shape.coordinates.map { .number($0) })), ("attributes", shape.attributes),
            ("source", .string(shape.source.rawValue)),
        ]
        if let score = shape.score { members.append(("score", .number(score))) }
        return .object(members)
    }

    static func json(_ classes: [LabelClass]) -> JSONValue {
        .object([("classes", .array(classes.map { .object([("id", .number(Double($0.id))), ("name", .string($0.name)), ("color", .string($0.color))]) }))])
    }

    static func json(_ summary: ImportSummary) -> JSONValue {
        .object([("images", .number(Double(summary.images))), ("shapes", .number(Double(summary.shapes))),
                 ("warnings", .array(summary.warnings.map { .string($0) }))])
    }

    /// Parses a request body into a JSON object.
    static func object(_ bytes: [UInt8]) throws -> JSONValue {
        let value: JSONValue
        do {
            value = try JSONParser.parse(bytes, file: "request body")
        } catch {
            throw AnnotatorError.invalid(place: "request body", detail: "not valid JSON: \(error)")
        }
        guard case .object = value else {
            throw AnnotatorError.invalid(place: "request body", detail: "expected a JSON object, found \(value.kindName)")
        }
        return value
    }

    static func integer(_ value: JSONValue?, place: String) throws -> Int {
        guard let value, let integer = value.integer else {
            throw AnnotatorError.invalid(place: place, detail: "expected an integer, found \(value?.kindName ?? "nothing")")
        }
        return integer
    }

    static func string(_ value: JSONValue?, place: String) throws -> String {
        guard let text = value?.string else {
            throw AnnotatorError.invalid(place: place, detail: "expected a string, found \(value?.kindName ?? "nothing")")
        }
        return text
    }

    static func list(_ value: JSONValue?, place: String) throws -> [JSONValue] {
        guard let list = value?.array else {
            throw AnnotatorError.invalid(place: place, detail: "expected a list, found \(value?.kindName ?? "nothing")")
        }
        return list
    }

    /// A shape from `{kind, class, points, attributes?, score?, source?}`; the store checks
    /// coordinates against the image and the class against the class list.
    static func shape(_ value: JSONValue, place: String) throws -> LabelShape {
        let kindName = try string(value["kind"], place: "\(place).kind")
        guard let kind = ShapeKind(rawValue: kindName) else {
            throw AnnotatorError.invalid(place: "\(place).kind", detail: "expected rect, polygon or point, found '\(kindName)'")
        }
        let points = try list(value["points"], place: "\(place).points")
        let coordinates = try points.enumerated().map { index, number in
            guard let number = number.number else {
                throw AnnotatorError.invalid(place: "\(place).points[\(index)]", detail: "expected a number, found \(number.kindName)")
            }
            return number
        }
        let sourceName = value["source"]?.string ?? ShapeSource.user.rawValue
        guard let source = ShapeSource(rawValue: sourceName) else {
            throw AnnotatorError.invalid(place: "\(place).source", detail: "expected user or prediction, found '\(sourceName)'")
        }
        var score: Double?
        if let scoreValue = value["score"], scoreValue != .null {
            guard let number = scoreValue.number else {
                throw AnnotatorError.invalid(place: "\(place).score", detail: "expected a number, found \(scoreValue.kindName)")
            }
            score = number
        }
        return LabelShape(kind: kind, classID: try integer(value["class"], place: "\(place).class"), coordinates: coordinates,
                     attributes: value["attributes"] ?? .object([]), score: score, source: source)
    }
}
