/// A serial bilinear affine warp for 8-bit images, the hot path of augmentation pipelines:
/// source positions advance incrementally along each row and pixels whose four taps lie
/// inside the image skip the border logic. Other images and projective maps use `warped`.
extension Image {
    /// The image moved by `transform` onto a `width × height` canvas with bilinear sampling
    /// (same conventions as `warped`), without splitting the work across cores, so callers
    /// that already run one image per core do not oversubscribe.
    public func affineWarped(by transform: ProjectiveTransform, width outputWidth: Int, height outputHeight: Int,
                             border: BorderMode = .zero) throws -> Image {
        let m = transform.matrix
        guard sampleType == .uint8, m[6] == 0, m[7] == 0, m[8] == 1, case .uint8(let source) = samples else {
            return try warped(by: transform, width: outputWidth, height: outputHeight, interpolation: .bilinear, border: border)
        }
        guard outputWidth > 0, outputHeight > 0, width > 0, height > 0 else {
            throw ImageError.invalidArgument("warp sizes must be positive, found \(width)x\(height) to \(outputWidth)x\(outputHeight)")
        }
        guard let inverse = transform.inverted()?.matrix else {
            throw ImageError.invalidArgument("the transform \(m) is singular and cannot be inverted")
        }
        let channels = self.channels, sourceWidth = width, sourceHeight = height
        let fill = border.fill(channels: channels)
        let count = outputWidth * outputHeight * channels
        let output = [UInt8](unsafeUninitializedCapacity: count) { target, initialized in
            source.withUnsafeBufferPointer { pixels in
                for y in 0..<outputHeight {
                    var sourceX = inverse[1] * Double(y) + inverse[2], sourceY = inverse[4] * Double(y) + inverse[5]
                    for x in 0..<outputWidth {
                        let to = (y * outputWidth + x) * channels
                        guard abs(sourceX) < 1e9, abs(sourceY) < 1e9 else {
                            for channel in 0..<channels { target.initializeElement(at: to + channel, to: UInt8(roundingClamped: fill[channel])) }
                            sourceX += inverse[0]
                            sourceY += inverse[3]
                            continue
                        }
                        // Floor without a libm call: truncate, then step down for negatives.
                        let truncatedX = Int(sourceX), truncatedY = Int(sourceY)
                        let left = sourceX < Double(truncatedX) ? truncatedX - 1 : truncatedX
                        let top = sourceY < Double(truncatedY) ? truncatedY - 1 : truncatedY
                        let fractionX = Float(sourceX - Double(left)), fractionY = Float(sourceY - Double(top))
                        if left >= 0, top >= 0, left + 1 < sourceWidth, top + 1 < sourceHeight {
                            let upperRow = (top * sourceWidth + left) * channels, lowerRow = upperRow + sourceWidth * channels
                            for channel in 0..<channels {
                                let a = Float(pixels[upperRow + channel]), b = Float(pixels[upperRow + channels + channel])
                                let c = Float(pixels[lowerRow + channel]), d = Float(pixels[lowerRow + channels + channel])
                                let upper = a + fractionX * (b - a), lower = c + fractionX * (d - c)
                                target.initializeElement(at: to + channel, to: UInt8(roundingClamped: upper + fractionY * (lower - upper)))
                            }
                        } else {
                            let column0 = border.sourceIndex(left, length: sourceWidth), column1 = border.sourceIndex(left + 1, length: sourceWidth)
                            let row0 = border.sourceIndex(top, length: sourceHeight), row1 = border.sourceIndex(top + 1, length: sourceHeight)
                            for channel in 0..<channels {
                                func tap(_ row: Int?, _ column: Int?) -> Float {
                                    guard let row, let column else { return fill[channel] }
                                    return Float(pixels[(row * sourceWidth + column) * channels + channel])
                                }
                                let upper = tap(row0, column0) + fractionX * (tap(row0, column1) - tap(row0, column0))
                                let lower = tap(row1, column0) + fractionX * (tap(row1, column1) - tap(row1, column0))
                                target.initializeElement(at: to + channel, to: UInt8(roundingClamped: upper + fractionY * (lower - upper)))
                            }
                        }
                        sourceX += inverse[0]
                        sourceY += inverse[3]
                    }
                }
            }
            initialized = count
        }
        return Image(uncheckedWidth: outputWidth, height: outputHeight, channels: channels, samples: .uint8(output))
    }
}
