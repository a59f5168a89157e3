import Testing
@testable import PerceptImage

/// A small image whose samples are 0, 1, 2, … so every move is visible.
func countingImage(width: Int, height: Int, channels: Int) -> Image {
    let count = width * height * channels
    return Image(uncheckedWidth: width, height: height, channels: channels, samples: .uint8((0..<count).map { UInt8($0 % 256) }))
}

@Suite("geometric operations")
struct GeometricOpsTests {
    let image = countingImage(width: 5, height: 3, channels: 3)

    @Test("flipping twice is the identity, and a flip moves pixels to the mirror place")
    func flips() {
        for direction in FlipDirection.allCases {
            #expect(image.flipped(direction).flipped(direction) == image)
        }
        #expect(image.flipped(.horizontal)[x: 0, y: 1, channel: 2] == image[x: 4, y: 1, channel: 2])
        #expect(image.flipped(.vertical)[x: 3, y: 0, channel: 1] == image[x: 3, y: 2, channel: 1])
    }

    @Test("four quarter turns are the identity; one turn is clockwise")
    func rotations() {
        var turned = image
        for _ in 0..<4 { turned = turned.rotated90() }
        #expect(turned == image)
        let once = image.rotated90()
        #expect(once.width == 3 && once.height == 5)
        // Clockwise: the bottom-left pixel becomes the top-left one.
        #expect(once[x: 0, y: 0, channel: 0] == image[x: 0, y: 2, channel: 0])
        #expect(image.rotated90(quarterTurns: -1) == image.rotated90(quarterTurns: 3))
    }

    @Test("EXIF orientations 5 and 7 are the transpose and the anti-transpose")
    func exifOrientations() {
        #expect(image.applyingEXIFOrientation(5) == image.transposed())
        let transverse = image.applyingEXIFOrientation(7)
        #expect(transverse[x: 0, y: 0, channel: 0] == image[x: 4, y: 2, channel: 0])
        #expect(image.applyingEXIFOrientation(1) == image)
    }

    @Test("resizing a constant image keeps it constant, for every interpolation", arguments: Interpolation.allCases)
    func constantResize(interpolation: Interpolation) throws {
        var constant = Image(width: 17, height: 11, channels: 3)
        for y in 0..<11 { for x in 0..<17 { for c in 0..<3 { constant[x: x, y: y, channel: c] = Double(50 + 60 * c) } } }
        for (width, height) in [(5, 4), (40, 23), (17, 30), (1, 1)] {
            let resized = try constant.resized(width: width, height: height, interpolation: interpolation)
            #expect(resized.width == width && resized.height == height && resized.channels == 3)
            #expect(Set(resized.intSamples.enumerated().map { $0.element - 60 * ($0.offset % 3) }) == [50])
        }
    }

    @Test("8-bit resizing (the C kernel) equals the Float path rounded, for every interpolation", arguments: Interpolation.allCases)
    func byteResizeMatchesFloat(interpolation: Interpolation) throws {
        let values = (0..<23 * 13 * 3).map { UInt8(truncatingIfNeeded: $0 &* 7919 >> 3) }
        let bytes = try Image(width: 23, height: 13, channels: 3, samples: .uint8(values))
        let floats = try Image(width: 23, height: 13, channels: 3, samples: .float32(values.map(Float.init)))
        for (width, height) in [(9, 5), (40, 29), (23, 7)] {
            guard case .uint8(let resized) = try bytes.resized(width: width, height: height, interpolation: interpolation).samples,
                  case .float32(let reference) = try floats.resized(width: width, height: height, interpolation: interpolation).samples else {
                Issue.record("sample types changed")
                return
            }
            #expect(resized == reference.map { UInt8(roundingClamped: $0) }, "\(width)x\(height)")
        }
    }

    @Test("area shrinking by 2 averages each 2×2 block; nearest enlarging by 2 repeats pixels")
    func areaAndNearest() throws {
        let source = try Image(width: 4, height: 2, channels: 1, samples: .float32([0, 2, 4, 8, 2, 4, 8, 16]))
        let shrunk = try source.resized(width: 2, height: 1, interpolation: .area)
        #expect(shrunk.samples == .float32([2, 9]))
        let grown = try source.resized(width: 8, height: 4, interpolation: .nearest)
        #expect(grown[x: 6, y: 3, channel: 0] == 16 && grown[x: 1, y: 0, channel: 0] == 0 && grown[x: 2, y: 1, channel: 0] == 2)
    }

    @Test("bilinear reproduces a linear ramp; bicubic (a = -0.75) follows it closely and its weights sum to 1")
    func rampResize() throws {
        let ramp = try Image(width: 8, height: 1, channels: 1, samples: .float32((0..<8).map { Float($0) * 10 }))
        // Output pixel 5 of 16 has its centre at source position 2.25.
        let bilinear = try ramp.resized(width: 16, height: 1, interpolation: .bilinear)
        #expect(abs(bilinear[x: 5, y: 0, channel: 0] - 22.5) < 1e-4)
        let bicubic = try ramp.resized(width: 16, height: 1, interpolation: .bicubic)
        #expect(abs(bicubic[x: 5, y: 0, channel: 0] - 22.5) < 1)
        let taps = ResampleTaps(source: 8, destination: 13, interpolation: .bicubic)
        for output in 0..<13 {
            #expect(abs(taps.weights[output * 4..<output * 4 + 4].reduce(0, +) - 1) < 1e-5)
        }
        #expect(throws: ImageError.self) { try ramp.resized(width: 0, height: 3) }
    }

    @Test("crop takes the named window and refuses one outside")
    func crop() throws {
        let cropped = try image.cropped(x: 1, y: 1, width: 3, height: 2)
        #expect(cropped.width == 3 && cropped.height == 2)
        #expect(cropped[x: 0, y: 0, channel: 0] == image[x: 1, y: 1, channel: 0])
        #expect(cropped[x: 2, y: 1, channel: 2] == image[x: 3, y: 2, channel: 2])
        #expect(throws: ImageError.self) { try image.cropped(x: 3, y: 0, width: 3, height: 1) }
    }

    @Test("padding modes fill as their names say")
    func pad() throws {
        let row = try Image(width: 4, height: 1, channels: 1, samples: .uint8([1, 2, 3, 4]))
        func padded(_ mode: BorderMode) throws -> [Int] {
            try row.padded(top: 0, bottom: 0, left: 3, right: 2, mode: mode).intSamples
        }
        #expect(try padded(.reflect) == [4, 3, 2, 1, 2, 3, 4, 3, 2])
        #expect(try padded(.replicate) == [1, 1, 1, 1, 2, 3, 4, 4, 4])
        #expect(try padded(.constant([9])) == [9, 9, 9, 1, 2, 3, 4, 9, 9])
        let tall = try row.padded(top: 1, bottom: 2, left: 0, right: 0, mode: .replicate)
        #expect(tall.height == 4 && tall.intSamples.suffix(4) == [1, 2, 3, 4])
        #expect(throws: ImageError.self) { try row.padded(top: -1, bottom: 0, left: 0, right: 0) }
    }

    @Test("warping by the identity changes nothing; a whole-pixel shift moves pixels and fills the border")
    func warp() throws {
        let picture = naturalImage(width: 12, height: 9, channels: 3)
        #expect(try picture.warped(by: .identity, width: 12, height: 9) == picture)
        let shifted = try picture.warped(by: .translation(x: 2, y: 1), width: 12, height: 9, border: .constant([7, 7, 7]))
        #expect(shifted[x: 5, y: 4, channel: 1] == picture[x: 3, y: 3, channel: 1])
        #expect(shifted[x: 0, y: 0, channel: 0] == 7)
        let nearest = try picture.warped(by: .translation(x: -1, y: 0), width: 12, height: 9, interpolation: .nearest, border: .replicate)
        #expect(nearest[x: 11, y: 2, channel: 0] == picture[x: 11, y: 2, channel: 0])
        let singular = try ProjectiveTransform([0, 0, 0, 0, 0, 0])
        #expect(throws: ImageError.self) { try picture.warped(by: singular, width: 4, height: 4) }
    }

    @Test("warping by a 90° rotation about the centre equals an anticlockwise quarter turn")
    func warpRotation() throws {
        let square = naturalImage(width: 9, height: 9, channels: 3)
        let rotation = ProjectiveTransform.rotation(degrees: 90, center: Point(x: 4, y: 4))
        for interpolation in [Interpolation.bilinear, .nearest] {
            let warped = try square.warped(by: rotation, width: 9, height: 9, interpolation: interpolation)
            #expect(warped == square.rotated90(quarterTurns: -1))
        }
    }

    @Test("a perspective warp and its inverse bring a point back; boxes move with their corners")
    func transforms() throws {
        let perspective = try ProjectiveTransform([1.1, 0.1, 3, -0.05, 0.9, 2, 0.001, 0.002, 1])
        let point = Point(x: 40, y: 25)
        let back = try #require(perspective.inverted()).apply(perspective.apply(point))
        #expect(abs(back.x - point.x) < 1e-9 && abs(back.y - point.y) < 1e-9)
        let box = BoundingBox(minX: 0, minY: 0, maxX: 10, maxY: 4)
        #expect(ProjectiveTransform.translation(x: 5, y: 1).apply(box) == BoundingBox(minX: 5, minY: 1, maxX: 15, maxY: 5))
        let turned = ProjectiveTransform.rotation(degrees: 90, center: Point(x: 0, y: 0)).apply(Point(x: 1, y: 0))
        #expect(abs(turned.x) < 1e-12 && abs(turned.y + 1) < 1e-12)
    }
}

@Suite("colour operations")
struct ColourOpsTests {
    @Test("gray uses BT.601 weights and keeps alpha; gray to RGB copies")
    func gray() throws {
        let pixel = try Image(width: 1, height: 1, channels: 4, samples: .uint8([255, 0, 0, 128]))
        #expect(pixel.grayscale().samples == .uint8([76, 128]))
        #expect(pixel.grayscale().rgb().samples == .uint8([76, 76, 76, 128]))
        #expect(pixel.removingAlpha().samples == .uint8([255, 0, 0]))
    }

    @Test("HSV of primaries, and RGB → HSV → RGB is exact for 8-bit images")
    func hsv() throws {
        let primaries = try Image(width: 3, height: 1, channels: 3, samples: .uint8([255, 0, 0, 0, 255, 0, 0, 0, 128]))
        let hsv = try primaries.hsv()
        #expect(hsv.samples == .float32([0, 1, 1, 120, 1, 1, 240, 1, Float(128) / 255]))
        let picture = naturalImage(width: 16, height: 8, channels: 3)
        #expect(try Image.fromHSV(try picture.hsv()) == picture)
        #expect(throws: ImageError.self) { try Image(width: 2, height: 2, channels: 1).hsv() }
    }

    @Test("sample type conversion keeps full scale and round-trips 8 → 16 → 8 bits")
    func conversion() {
        let picture = naturalImage(width: 8, height: 4, channels: 3)
        let deep = picture.converted(to: .uint16)
        #expect(deep[x: 0, y: 0, channel: 0] == picture[x: 0, y: 0, channel: 0] * 257)
        #expect(deep.converted(to: .uint8) == picture)
        #expect(picture.converted(to: .float32).converted(to: .uint8) == picture)
    }
}

@Suite("drawing previews")
struct DrawingTests {
    @Test("a rectangle outlines the box and leaves the inside alone")
    func rectangle() {
        var canvas = Image(width: 20, height: 20, channels: 3)
        canvas.drawRectangle(BoundingBox(minX: 2, minY: 3, maxX: 12, maxY: 15), color: .red, thickness: 1)
        #expect(canvas[x: 2, y: 3, channel: 0] == 255 && canvas[x: 11, y: 14, channel: 0] == 255)
        #expect(canvas[x: 6, y: 8, channel: 0] == 0 && canvas[x: 2, y: 3, channel: 1] == 0)
        #expect(canvas[x: 12, y: 15, channel: 0] == 0)
    }

    @Test("text, lines, polygons and points draw inside the image and clip outside it")
    func marks() throws {
        var canvas = Image(width: 40, height: 20, channels: 1)
        canvas.drawText("A1", at: Point(x: 1, y: 1), color: .white, scale: 1)
        // 'A' top row is .XXX. at font row 1 (one row of margin above).
        #expect(canvas[x: 3, y: 2, channel: 0] == 255 && canvas[x: 2, y: 2, channel: 0] == 0)
        canvas.drawLine(from: Point(x: 0, y: 19), to: Point(x: 39, y: 19), color: .white, thickness: 1)
        #expect(canvas[x: 20, y: 19, channel: 0] == 255)
        canvas.drawPolygon(try Polygon(flat: [30, 2, 60, 2, 30, 40]), color: .white)
        canvas.drawPoint(Point(x: -5, y: -5), color: .white, radius: 2)
        canvas.drawText("offscreen?", at: Point(x: 35, y: 15), color: .white, background: .black)
        #expect(canvas.width == 40)
    }
}
