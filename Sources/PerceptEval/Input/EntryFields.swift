import PerceptImage
import PerceptLabels

/// Typed access to one JSON record of a ground-truth or results file; every error names the
/// file, the record's path (`annotations[3].bbox`, `[17].score`) and what was expected.
struct EntryFields {
    let value: JSONValue
    let file: String
    let place: String

    init(_ value: JSONValue, file: String, place: String) throws {
        self.value = value
        self.file = file
        self.place = place
        guard value.members != nil else { throw invalid(nil, "expected an object, found \(value.kindName)") }
    }

    func has(_ key: String) -> Bool { value[key].map { $0 != .null } ?? false }

    func invalid(_ key: String?, _ detail: String) -> LabelError {
        .invalid(file: file, place: key.map { "\(place).\($0)" } ?? place, detail: detail)
    }

    func integer(_ key: String) throws -> Int {
        guard let field = value[key] else { throw invalid(key, "missing (expected an integer)") }
        guard let number = field.integer else { throw invalid(key, "expected an integer, found \(describe(field))") }
        return number
    }

    func finiteNumber(_ key: String) throws -> Double {
        guard let field = value[key] else { throw invalid(key, "missing (expected a number)") }
        guard let number = field.number else { throw invalid(key, "expected a number, found \(describe(field))") }
        guard number.isFinite else { throw invalid(key, "\(describe(field)) is not a finite number") }
        return number
    }

    /// A list of finite numbers whose length `count` accepts (a description of it for errors).
    func numbers(_ key: String, expected: String, count accepts: (Int) -> Bool) throws -> [Double] {
        guard let field = value[key] else { throw invalid(key, "missing (expected \(expected))") }
        guard let elements = field.array else { throw invalid(key, "expected \(expected), found \(describe(field))") }
        var numbers: [Double] = []
        numbers.reserveCapacity(elements.count)
        for (index, element) in elements.enumerated() {
            guard let number = element.number, number.isFinite else {
                throw invalid("\(key)[\(index)]", "expected a finite number, found \(describe(element))")
            }
            numbers.append(number)
        }
        guard accepts(numbers.count) else { throw invalid(key, "expected \(expected), found \(numbers.count) numbers") }
        return numbers
    }

    /// COCO `[x, y, width, height]`; a negative width or height is an error.
    func box(_ key: String = "bbox") throws -> [Double] {
        let box = try numbers(key, expected: "4 numbers [x, y, width, height]") { $0 == 4 }
        guard box[2] >= 0, box[3] >= 0 else {
            throw invalid(key, "width and height must not be negative, found [\(box.map(describe).joined(separator: ", "))]")
        }
        return box
    }

    /// COCO `iscrowd` (0, 1, true or false); absent means 0.
    func crowdFlag() throws -> Bool {
        guard let field = value["iscrowd"], field != .null else { return false }
        if let flag = field.bool { return flag }
        guard let number = field.integer, number == 0 || number == 1 else { throw invalid("iscrowd", "expected 0 or 1, found \(describe(field))") }
        return number == 1
    }

    /// The `segmentation` as a mask of `image`'s size: polygons are rasterised and merged as
    /// pycocotools' `annToRLE` does; an RLE must have the image's size.
    func mask(in image: COCOEvaluationImage) throws -> RunLengthEncoding {
        guard let field = value["segmentation"], field != .null else { throw invalid("segmentation", "missing (expected polygons or an RLE object)") }
        if let rings = field.array {
            return try polygonMask(rings, image: image)
        }
        guard field.members != nil else { throw invalid("segmentation", "expected polygons or an RLE object, found \(field.kindName)") }
        let size = field["size"]?.array?.compactMap(\.integer) ?? []
        guard size.count == 2 else { throw invalid("segmentation.size", "expected [height, width]") }
        guard size[0] == image.height, size[1] == image.width else {
            throw invalid("segmentation.size", "the mask is \(size[0])x\(size[1]) (height x width) but image \(image.id) is \(image.height)x\(image.width)")
        }
        let mask: RunLengthEncoding
        do {
            if let text = field["counts"]?.string {
                mask = try RunLengthEncoding(compressed: text, height: image.height, width: image.width)
            } else if let list = field["counts"]?.array {
                let counts = list.compactMap { $0.integer.flatMap(UInt32.init(exactly:)) }
                guard counts.count == list.count else { throw invalid("segmentation.counts", "expected non-negative integers") }
                mask = RunLengthEncoding(height: image.height, width: image.width, counts: counts)
            } else {
                throw invalid("segmentation.counts", "expected a compressed string or a list of run lengths")
            }
        } catch LabelError.invalidArgument(let detail) {
            throw invalid("segmentation.counts", detail)
        }
        let total = mask.counts.reduce(0) { $0 + Int($1) }
        guard total == image.height * image.width else {
            throw invalid("segmentation.counts", "runs add up to \(total) pixels, expected \(image.height)x\(image.width) = \(image.height * image.width)")
        }
        return mask
    }

    private func polygonMask(_ rings: [JSONValue], image: COCOEvaluationImage) throws -> RunLengthEncoding {
        // pycocotools takes a first ring of 4 numbers for a box list and rejects shorter ones.
        guard let first = rings.first?.array, first.count > 4 else {
            throw invalid("segmentation", "expected polygons of at least 3 points [x1, y1, x2, y2, x3, y3, ...]")
        }
        var masks: [RunLengthEncoding] = []
        for (index, ring) in rings.enumerated() {
            let numbers = ring.array?.compactMap(\.number) ?? []
            guard let elements = ring.array, numbers.count == elements.count, numbers.allSatisfy(\.isFinite) else {
                throw invalid("segmentation[\(index)]", "expected a flat list of x, y numbers")
            }
            // An odd last number is dropped, as pycocotools reads whole pairs only.
            let points = stride(from: 0, to: numbers.count - 1, by: 2).map { Point(x: numbers[$0], y: numbers[$0 + 1]) }
            do {
                masks.append(try RunLengthEncoding(polygon: Polygon(points: points), height: image.height, width: image.width))
            } catch LabelError.invalidArgument(let detail) {
                throw invalid("segmentation[\(index)]", detail)
            }
        }
        return try RunLengthEncoding.merged(masks)
    }

    func describe(_ field: JSONValue) -> String {
        switch field {
        case .number(let number): number.isNaN ? "NaN" : number.isInfinite ? (number < 0 ? "-Infinity" : "Infinity") : JSONWriter.format(number)
        case .string(let text): "\"\(text)\""
        default: field.kindName
        }
    }

    func describe(_ number: Double) -> String { describe(.number(number)) }
}
