import CPixelKernels

/// A serial bilinear affine warp for 8-bit images, the hot path of augmentation pipelines.
/// Source positions advance along each row in 32.32 fixed point, and the blend uses 11-bit
/// weights in integers (as OpenCV's fixed-point warp does, with finer steps), so results stay
/// within one level of the Float bilinear warp of `warped`. Pixels whose four taps lie inside
/// the image skip the border logic, and under a constant border pixels with no tap inside are
/// the fill.
extension Image {
    /// The image moved by `transform` onto a `width × height` canvas with bilinear sampling
    /// (same conventions as `warped`, within one level), without splitting the work across
    /// cores, so callers that already run one image per core do not oversubscribe. With
    /// `mirrored`, the image is flipped left-right first: the same bytes as
    /// `flipped(.horizontal).affineWarped(…)`, without writing the flipped image.
    public func affineWarped(by transform: ProjectiveTransform, width outputWidth: Int, height outputHeight: Int,
                             border: BorderMode = .zero, mirrored: Bool = false) throws -> Image {
        let m = transform.matrix
        guard sampleType == .uint8, m[6] == 0, m[7] == 0, m[8] == 1, case .uint8(let source) = samples else {
            return try (mirrored ? flipped(.horizontal) : self)
                .warped(by: transform, width: outputWidth, height: outputHeight, interpolation: .bilinear, border: border)
        }
        guard outputWidth > 0, outputHeight > 0, width > 0, height > 0 else {
            throw ImageError.invalidArgument("warp sizes must be positive, found \(width)x\(height) to \(outputWidth)x\(outputHeight)")
        }
        guard let inverse = transform.inverted()?.matrix else {
            throw ImageError.invalidArgument("the transform \(m) is singular and cannot be inverted")
        }
        guard let rows = FixedPointRows(inverse: inverse, width: outputWidth, height: outputHeight) else {
            // Positions too far out for fixed point: only absurd maps get here.
            return try (mirrored ? flipped(.horizontal) : self)
                .warped(by: transform, width: outputWidth, height: outputHeight, interpolation: .bilinear, border: border)
        }
        let warp = FixedPointWarp(sourceWidth: width, sourceHeight: height, channels: channels, border: border, mirrored: mirrored)
        let count = outputWidth * outputHeight * channels
        var edges = [Int32](repeating: 0, count: outputWidth)
        let output = [UInt8](unsafeUninitializedCapacity: count) { target, initialized in
            source.withUnsafeBufferPointer { pixels in
                edges.withUnsafeMutableBufferPointer { edges in
                    for y in 0..<outputHeight {
                        let (startX, startY) = rows.start(row: y)
                        warp.row(pixels, into: target.baseAddress! + y * outputWidth * channels, count: outputWidth,
                                 x: startX, y: startY, stepX: rows.stepX, stepY: rows.stepY, edges: edges.baseAddress!)
                    }
                }
            }
            initialized = count
        }
        return Image(uncheckedWidth: outputWidth, height: outputHeight, channels: channels, samples: .uint8(output))
    }
}

/// Fixed-point (32 fraction bits) source positions of each output row's first pixel and the
/// per-pixel step; nil when any position could leave ±2³⁰ pixels.
private struct FixedPointRows {
    static let one = Double(1 << 32)
    let inverse: [Double]
    let stepX: Int, stepY: Int

    init?(inverse: [Double], width: Int, height: Int) {
        let corners = [(0.0, 0.0), (Double(width), 0), (0, Double(height)), (Double(width), Double(height))]
        for (x, y) in corners {
            let sourceX = inverse[0] * x + inverse[1] * y + inverse[2], sourceY = inverse[3] * x + inverse[4] * y + inverse[5]
            guard abs(sourceX) < Double(1 << 30), abs(sourceY) < Double(1 << 30) else { return nil }
        }
        self.inverse = inverse
        stepX = Int((inverse[0] * Self.one).rounded())
        stepY = Int((inverse[3] * Self.one).rounded())
    }

    @inline(__always)
    func start(row: Int) -> (Int, Int) {
        (Int(((inverse[1] * Double(row) + inverse[2]) * Self.one).rounded()),
         Int(((inverse[4] * Double(row) + inverse[5]) * Self.one).rounded()))
    }
}

/// Blends four taps with 11-bit weights: two horizontal lerps, then a vertical one (at most
/// 255·2²² before the shift, so Int32 holds every step).
private struct FixedPointWarp {
    static let fractionBits = 11
    let sourceWidth: Int, sourceHeight: Int, channels: Int
    let border: BorderMode
    /// Whether the source is read flipped left-right.
    let mirrored: Bool
    let fill: [UInt8]
    /// With a constant border, a pixel whose taps all lie outside is just the fill.
    let constantOutside: Bool

    init(sourceWidth: Int, sourceHeight: Int, channels: Int, border: BorderMode, mirrored: Bool) {
        self.sourceWidth = sourceWidth
        self.sourceHeight = sourceHeight
        self.channels = channels
        self.border = border
        self.mirrored = mirrored
        fill = border.fill(channels: channels).map { UInt8(roundingClamped: $0) }
        constantOutside = if case .constant = border { true } else { false }
    }

    @inline(__always)
    static func blend(_ a: Int32, _ b: Int32, _ c: Int32, _ d: Int32, _ fractionX: Int32, _ fractionY: Int32) -> UInt8 {
        let upper = (a &<< Int32(fractionBits)) &+ (b &- a) &* fractionX
        let lower = (c &<< Int32(fractionBits)) &+ (d &- c) &* fractionX
        let value = ((upper &<< Int32(fractionBits)) &+ (lower &- upper) &* fractionY &+ Int32(1 << (2 * fractionBits - 1))) &>> Int32(2 * fractionBits)
        return UInt8(truncatingIfNeeded: value)
    }

    /// Writes `count` pixels starting at source position `(x, y)` (fixed point), advancing by
    /// `(stepX, stepY)` per pixel: `pk_warp_row_u8` does the pixels inside the source (and the
    /// constant fill), the border rule the rest. `edges` has room for `count` indices.
    func row(_ pixels: UnsafeBufferPointer<UInt8>, into target: UnsafeMutablePointer<UInt8>, count: Int,
             x: Int, y: Int, stepX: Int, stepY: Int, edges: UnsafeMutablePointer<Int32>) {
        let source = pixels.baseAddress!
        let edgeCount = fill.withUnsafeBufferPointer { fill in
            pk_warp_row_u8(source, sourceWidth, sourceHeight, channels, mirrored ? 1 : 0, target, count, Int64(x), Int64(y), Int64(stepX), Int64(stepY),
                           constantOutside ? fill.baseAddress : nil, edges)
        }
        let shift = 32 - Self.fractionBits, mask = (1 << Self.fractionBits) - 1
        for edge in 0..<edgeCount {
            let index = Int(edges[edge])
            let positionX = x &+ index &* stepX, positionY = y &+ index &* stepY
            edgePixel(source, into: target + index * channels, left: positionX >> 32, top: positionY >> 32,
                      fractionX: Int32(truncatingIfNeeded: (positionX >> shift) & mask),
                      fractionY: Int32(truncatingIfNeeded: (positionY >> shift) & mask))
        }
    }

    /// One pixel through the border rule, channel by channel (also every 1- and 2-channel pixel);
    /// the rule applies to the (possibly mirrored) columns the warp sees.
    private func edgePixel(_ source: UnsafePointer<UInt8>, into out: UnsafeMutablePointer<UInt8>, left: Int, top: Int,
                           fractionX: Int32, fractionY: Int32) {
        let realColumn = { (column: Int?) in column.map { mirrored ? sourceWidth - 1 - $0 : $0 } }
        let column0 = realColumn(border.sourceIndex(left, length: sourceWidth)), column1 = realColumn(border.sourceIndex(left + 1, length: sourceWidth))
        let row0 = border.sourceIndex(top, length: sourceHeight), row1 = border.sourceIndex(top + 1, length: sourceHeight)
        for channel in 0..<channels {
            func tap(_ row: Int?, _ column: Int?) -> Int32 {
                guard let row, let column else { return Int32(fill[channel]) }
                return Int32(source[(row * sourceWidth + column) * channels + channel])
            }
            out[channel] = Self.blend(tap(row0, column0), tap(row0, column1), tap(row1, column0), tap(row1, column1), fractionX, fractionY)
        }
    }
}
