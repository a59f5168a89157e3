/// Fused loops shared by the normalisation layers. Layer, group and instance norm all
/// normalise contiguous rows of a tensor and then apply a per-parameter affine map, where
/// element `e` uses parameter `(e / parameterRun) % parameterCount`.
enum NormalizationKernels {
    /// Per-parameter `Σ grad` and `Σ grad · normalized` over a `[batch, channels, plane]`
    /// layout: the bias and weight gradients of every normalisation.
    static func channelSums(_ grad: Tensor, _ normalized: Tensor, batch: Int, channels: Int, plane: Int) -> ([Float], [Float]) {
        var sums = [Float](repeating: 0, count: channels), projections = sums
        let g = grad.floats, xhat = normalized.floats
        sums.withUnsafeMutableBufferPointer { sumBuffer in
            projections.withUnsafeMutableBufferPointer { projectionBuffer in
                let sumOut = sumBuffer.baseAddress!, projectionOut = projectionBuffer.baseAddress!
                Parallel.forEachRange(channels, costPerItem: batch * plane * 2) { range in
                    for channel in range {
                        var total: Double = 0, projection: Double = 0
                        for sample in 0..<batch {
                            let offset = (sample * channels + channel) * plane
                            // Float within blocks, Double across them (as `Reductions.blockSum`).
                            for blockStart in stride(from: offset, to: offset + plane, by: Reductions.sumBlock) {
                                var partialTotal: Float = 0, partialProjection: Float = 0
                                for i in blockStart..<Swift.min(blockStart + Reductions.sumBlock, offset + plane) {
                                    partialTotal += g[i]
                                    partialProjection += g[i] * xhat[i]
                                }
                                total += Double(partialTotal)
                                projection += Double(partialProjection)
                            }
                        }
                        sumOut[channel] = Float(total)
                        projectionOut[channel] = Float(projection)
                    }
                }
            }
        }
        return (sums, projections)
    }

    /// Normalises each of the `rows` contiguous rows of `input` (biased variance, `eps` inside
    /// the square root), then applies `weight`/`bias` (each `parameterCount` long, optional)
    /// with element `e` using parameter `(e / parameterRun) % parameterCount`.
    static func normalizeRows(_ input: Tensor, rows: Int, weight: Tensor?, bias: Tensor?, parameterCount: Int,
                              parameterRun: Int, eps: Float, name: String) -> Tensor {
        let x = input.contiguousValues(), length = rows > 0 ? input.count / rows : 0
        let scales = weight?.contiguousValues().toArray(), shifts = bias?.contiguousValues().toArray()
        let normalized = Tensor(uninitializedShape: input.shape)
        var result = Tensor(uninitializedShape: input.shape)
        var inverseDeviations = [Float](repeating: 0, count: rows)
        let source = x.floats, xhat = normalized.floats, y = result.floats
        inverseDeviations.withUnsafeMutableBufferPointer { buffer in
            let deviations = buffer.baseAddress!
            Parallel.forEachRange(rows, costPerItem: length * 3) { range in
                for row in range {
                    let offset = row * length
                    var total: Double = 0
                    for i in offset..<offset + length { total += Double(source[i]) }
                    let mean = Float(total / Double(length))
                    var squares: Double = 0
                    for i in offset..<offset + length { let d = source[i] - mean; squares += Double(d * d) }
                    let factor = 1 / (Float(squares / Double(length)) + eps).squareRoot()
                    deviations[row] = factor
                    for i in offset..<offset + length {
                        let value = (source[i] - mean) * factor
                        xhat[i] = value
                        let parameter = (i / parameterRun) % parameterCount
                        y[i] = value * (scales?[parameter] ?? 1) + (shifts?[parameter] ?? 0)
                    }
                }
            }
        }
        let inputs = [input] + [weight, bias].compactMap { $0 }
        let wantsInput = input.requiresGrad, hasWeight = weight != nil, hasBias = bias != nil, shape = input.shape
        let weightShape = weight?.shape ?? [], biasShape = bias?.shape ?? []
        let outer = parameterCount * parameterRun > 0 ? input.count / (parameterCount * parameterRun) : 0
        Autograd.record(name, output: &result, inputs: inputs) { grad in
            let g = grad.contiguousValues()
            var gradients: [Tensor?] = [nil]
            if wantsInput {
                let gradInput = Tensor(uninitializedShape: shape)
                let upstream = g.floats, dx = gradInput.floats
                Parallel.forEachRange(rows, costPerItem: length * 3) { range in
                    for row in range {
                        let offset = row * length
                        var total: Float = 0, projection: Float = 0
                        for i in offset..<offset + length {
                            let scaled = upstream[i] * (scales?[(i / parameterRun) % parameterCount] ?? 1)
                            total += scaled
                            projection += scaled * xhat[i]
                        }
                        let meanGrad = total / Float(length), meanProjection = projection / Float(length)
                        let factor = inverseDeviations[row]
                        for i in offset..<offset + length {
                            let scaled = upstream[i] * (scales?[(i / parameterRun) % parameterCount] ?? 1)
                            dx[i] = factor * (scaled - meanGrad - xhat[i] * meanProjection)
                        }
                    }
                }
                gradients[0] = gradInput
            }
            if hasWeight || hasBias {
                let (sums, projections) = channelSums(g, normalized, batch: outer, channels: parameterCount, plane: parameterRun)
                if hasWeight { gradients.append(Tensor(projections).reshapedView(weightShape)) }
                if hasBias { gradients.append(Tensor(sums).reshapedView(biasShape)) }
            }
            return gradients
        }
        return result
    }
}
