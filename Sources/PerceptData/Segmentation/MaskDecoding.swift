import PerceptImage

/// Class-id masks from label images: a gray image's values are the class ids; a colour image
/// (a palette PNG decodes to RGB) is read through the Pascal VOC colour map, where class `i`
/// has VOC's colour `i` and (224, 224, 192), VOC's border colour, is the ignore value.
public enum MaskDecoding {
    /// The mask's class id per pixel, row-major; `file` names it in errors. Colours outside the
    /// VOC colour map throw, naming the first such pixel.
    public static func classIDs(_ image: Image, ignoreIndex: Int, file: String) throws -> [UInt8] {
        guard case .uint8(let samples) = image.samples else {
            throw DataError.malformed(file: file, place: "mask", detail: "expected an 8-bit label image, found \(image.sampleType.rawValue) samples")
        }
        let channels = image.channels
        switch channels {
        case 1: return samples
        case 2: return stride(from: 0, to: samples.count, by: 2).map { samples[$0] }
        default:
            let lookup = colourLookup(ignoreIndex: ignoreIndex)
            var ids = [UInt8](repeating: 0, count: image.width * image.height)
            for pixel in ids.indices {
                let base = pixel * channels
                let key = Int(samples[base]) << 16 | Int(samples[base + 1]) << 8 | Int(samples[base + 2])
                guard let id = lookup[key] else {
                    throw DataError.malformed(file: file, place: "pixel (\(pixel % image.width), \(pixel / image.width))",
                                              detail: "colour (\(samples[base]), \(samples[base + 1]), \(samples[base + 2])) is not in the VOC colour map; write class ids as a gray PNG instead")
                }
                ids[pixel] = id
            }
            return ids
        }
    }

    /// VOC's colour of class `index`: the bits of the index spread over red, green and blue,
    /// most significant first.
    public static func vocColour(_ index: Int) -> (red: UInt8, green: UInt8, blue: UInt8) {
        var red = 0, green = 0, blue = 0, value = index
        for shift in stride(from: 7, through: 0, by: -1) {
            red |= (value & 1) << shift
            green |= ((value >> 1) & 1) << shift
            blue |= ((value >> 2) & 1) << shift
            value >>= 3
        }
        return (UInt8(red), UInt8(green), UInt8(blue))
    }

    private static func colourLookup(ignoreIndex: Int) -> [Int: UInt8] {
        var lookup: [Int: UInt8] = [:]
        for index in 0..<256 {
            let colour = vocColour(index)
            lookup[Int(colour.red) << 16 | Int(colour.green) << 8 | Int(colour.blue)] = UInt8(index)
        }
        if (0..<256).contains(ignoreIndex) { lookup[224 << 16 | 224 << 8 | 192] = UInt8(ignoreIndex) }
        return lookup
    }
}
