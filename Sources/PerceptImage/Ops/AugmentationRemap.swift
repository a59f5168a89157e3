/// Remapping by a per-pixel source position, for augmentations whose motion is not one
/// matrix (elastic and grid distortion).
extension Image {
    /// A `width × height` image whose pixel `(x, y)` samples this image at
    /// `(sourceX[i], sourceY[i])`, `i = y * width + x`, in pixel-centre coordinates (as
    /// `warped`); reads outside use `border`.
    public func remapped(sourceX: [Float], sourceY: [Float], width outputWidth: Int, height outputHeight: Int,
                         interpolation: Interpolation = .bilinear, border: BorderMode = .zero) throws -> Image {
        guard outputWidth > 0, outputHeight > 0 else {
            throw ImageError.invalidArgument("remap output size must be positive, found \(outputWidth)x\(outputHeight)")
        }
        guard sourceX.count == outputWidth * outputHeight, sourceY.count == sourceX.count else {
            throw ImageError.invalidArgument(
                "a \(outputWidth)x\(outputHeight) remap needs \(outputWidth * outputHeight) positions per axis, found \(sourceX.count) and \(sourceY.count)")
        }
        guard width > 0, height > 0 else { throw ImageError.invalidArgument("cannot remap an empty image") }
        let kernel = RemapKernel(sourceWidth: width, sourceHeight: height, channels: channels, outputWidth: outputWidth,
                                 outputHeight: outputHeight, sourceX: sourceX, sourceY: sourceY,
                                 nearest: interpolation == .nearest, border: border)
        return applying(kernel, width: outputWidth, height: outputHeight)
    }
}

/// Samples the source at given positions (bilinear or nearest).
private struct RemapKernel: SampleKernel {
    let sourceWidth: Int, sourceHeight: Int, channels: Int, outputWidth: Int, outputHeight: Int
    let sourceX: [Float], sourceY: [Float]
    let nearest: Bool
    let border: BorderMode

    func run<Sample: ImageSample>(_ input: [Sample]) -> [Sample] {
        let fill = border.fill(channels: channels)
        let count = outputWidth * outputHeight * channels
        return [Sample](unsafeUninitializedCapacity: count) { output, initialized in
            input.withUnsafeBufferPointer { source in
                for index in 0..<outputWidth * outputHeight {
                    let x = sourceX[index], y = sourceY[index], target = index * channels
                    guard x.isFinite, y.isFinite, abs(x) < 1e8, abs(y) < 1e8 else {
                        for channel in 0..<channels { output.initializeElement(at: target + channel, to: Sample(roundingClamped: fill[channel])) }
                        continue
                    }
                    if nearest {
                        let column = border.sourceIndex(Int(x.rounded()), length: sourceWidth)
                        let row = border.sourceIndex(Int(y.rounded()), length: sourceHeight)
                        for channel in 0..<channels {
                            let value: Sample = if let row, let column { source[(row * sourceWidth + column) * channels + channel] }
                                else { Sample(roundingClamped: fill[channel]) }
                            output.initializeElement(at: target + channel, to: value)
                        }
                        continue
                    }
                    let left = Int(x.rounded(.down)), top = Int(y.rounded(.down))
                    let fractionX = x - Float(left), fractionY = y - Float(top)
                    let column0 = border.sourceIndex(left, length: sourceWidth), column1 = border.sourceIndex(left + 1, length: sourceWidth)
                    let row0 = border.sourceIndex(top, length: sourceHeight), row1 = border.sourceIndex(top + 1, length: sourceHeight)
                    for channel in 0..<channels {
                        func tap(_ row: Int?, _ column: Int?) -> Float {
                            guard let row, let column else { return fill[channel] }
                            return source[(row * sourceWidth + column) * channels + channel].floatValue
                        }
                        let upper = tap(row0, column0) + fractionX * (tap(row0, column1) - tap(row0, column0))
                        let lower = tap(row1, column0) + fractionX * (tap(row1, column1) - tap(row1, column0))
                        output.initializeElement(at: target + channel, to: Sample(roundingClamped: upper + fractionY * (lower - upper)))
                    }
                }
            }
            initialized = count
        }
    }
}
