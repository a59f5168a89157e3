/// The engine's batch norm over plain `[N, C, …]` data, optionally followed by ReLU in the same
/// pass: eight lanes at a time, one channel per task. Forward reads the input twice for the
/// statistics (the second read mostly from cache) and writes the output once; backward reads
/// input and gradient twice and writes the input's gradient once. Nothing but the input is
/// kept for the backward pass: the normalised values and the ReLU mask are recomputed from it
/// with the same arithmetic, so the mask is exactly the forward one.
enum BatchNormKernels {
    /// One channel's affine map: `(x − mean) · scale + shift`, where `scale` is
    /// `weight / √(variance + eps)`.
    struct ChannelMap {
        let mean: Float, inverseDeviation: Float, scale: Float, shift: Float

        /// The normalised and scaled value before any ReLU.
        @inline(__always) func apply(_ x: SIMD8<Float>) -> SIMD8<Float> { (x - mean) * scale + shift }
        @inline(__always) func apply(_ x: Float) -> Float { (x - mean) * scale + shift }
    }

    /// Per-channel mean and biased variance of contiguous `[batch, channels, plane]` values (two
    /// passes; Float lanes within blocks of `Reductions.sumBlock`, Double across them).
    static func moments(_ values: UnsafePointer<Float>, batch: Int, channels: Int, plane: Int) -> (mean: [Float], variance: [Float]) {
        var mean = [Float](repeating: 0, count: channels), variance = mean
        let count = Double(batch * plane)
        mean.withUnsafeMutableBufferPointer { meanBuffer in
            variance.withUnsafeMutableBufferPointer { varianceBuffer in
                let means = meanBuffer.baseAddress!, variances = varianceBuffer.baseAddress!
                Parallel.forEachRange(channels, costPerItem: batch * plane * 2) { range in
                    for channel in range {
                        var total: Double = 0
                        for sample in 0..<batch {
                            total += Reductions.blockSum(values + (sample * channels + channel) * plane, count: plane)
                        }
                        let centre = Float(total / count)
                        var squares: Double = 0
                        for sample in 0..<batch {
                            squares += squaredDeviations(values + (sample * channels + channel) * plane, count: plane, centre: centre)
                        }
                        means[channel] = centre
                        variances[channel] = Float(squares / count)
                    }
                }
            }
        }
        return (mean, variance)
    }

    /// `Σ (x − centre)²` over `count` contiguous values, in Float lanes within blocks and Double across.
    @inline(__always)
    static func squaredDeviations(_ values: UnsafePointer<Float>, count: Int, centre: Float) -> Double {
        var total: Double = 0, start = 0
        while start < count {
            let end = Swift.min(count, start + Reductions.sumBlock)
            var lanes = SIMD8<Float>(), index = start
            while index + 8 <= end {
                let d = load(values + index) - centre
                lanes += d * d
                index += 8
            }
            var block = lanes.sum()
            while index < end {
                let d = values[index] - centre
                block += d * d
                index += 1
            }
            total += Double(block)
            start = end
        }
        return total
    }

    /// Normalises contiguous `[batch, channels, plane]` `input` with `mean` and `variance`,
    /// scales and shifts by `weight` and `bias` (optional), applies ReLU when `relu`, and
    /// records the backward pass; the statistics count as functions of the input when
    /// `batchStatistics` (training).
    static func normalize(_ input: Tensor, mean: [Float], variance: [Float], weight: Tensor?, bias: Tensor?, eps: Float,
                          relu: Bool, batchStatistics: Bool) -> Tensor {
        let x = input.contiguousValues()
        let batch = input.shape[0], channels = input.shape[1], plane = input.shape.dropFirst(2).reduce(1, *)
        let scales = weight?.contiguousValues().toArray() ?? [Float](repeating: 1, count: channels)
        let shifts = bias?.contiguousValues().toArray() ?? [Float](repeating: 0, count: channels)
        let maps = (0..<channels).map { channel in
            let inverse = 1 / (variance[channel] + eps).squareRoot()
            return ChannelMap(mean: mean[channel], inverseDeviation: inverse, scale: scales[channel] * inverse, shift: shifts[channel])
        }
        var result = Tensor(uninitializedShape: input.shape)
        let output = result.floats
        withExtendedLifetime(x) {
            let source = x.floats
            Parallel.forEachRange(channels, costPerItem: batch * plane) { range in
                for channel in range {
                    let map = maps[channel]
                    for sample in 0..<batch {
                        let offset = (sample * channels + channel) * plane
                        forwardRow(source + offset, output + offset, count: plane, map: map, relu: relu)
                    }
                }
            }
        }
        let inputs = [input] + [weight, bias].compactMap { $0 }
        let wantsInput = input.requiresGrad, hasWeight = weight != nil, hasBias = bias != nil
        Autograd.record(relu ? "batch_norm_relu" : "batch_norm", output: &result, inputs: inputs) { grad in
            let g = grad.contiguousValues()
            defer { withExtendedLifetime((x, g)) {} }
            let source = x.floats
            let gradInput = wantsInput ? Tensor(uninitializedShape: input.shape) : nil
            var gradScale = [Float](repeating: 0, count: channels), gradShift = gradScale
            let upstream = g.floats, dx = gradInput?.floats
            gradScale.withUnsafeMutableBufferPointer { scaleBuffer in
                gradShift.withUnsafeMutableBufferPointer { shiftBuffer in
                    let scaleOut = scaleBuffer.baseAddress!, shiftOut = shiftBuffer.baseAddress!
                    Parallel.forEachRange(channels, costPerItem: batch * plane * 2) { range in
                        for channel in range {
                            let map = maps[channel]
                            var sums = (gradient: 0.0, projection: 0.0)
                            for sample in 0..<batch {
                                let offset = (sample * channels + channel) * plane
                                let row = gradientSums(upstream + offset, source + offset, count: plane, map: map, relu: relu)
                                sums.gradient += row.gradient
                                sums.projection += row.projection
                            }
                            shiftOut[channel] = Float(sums.gradient)
                            scaleOut[channel] = Float(sums.projection)
                            guard let dx else { continue }
                            let count = Double(batch * plane)
                            let centring = batchStatistics
                                ? (gradient: Float(sums.gradient / count), projection: Float(sums.projection / count))
                                : (gradient: Float(0), projection: Float(0))
                            for sample in 0..<batch {
                                let offset = (sample * channels + channel) * plane
                                backwardRow(upstream + offset, source + offset, dx + offset, count: plane, map: map, relu: relu,
                                            meanGradient: centring.gradient, meanProjection: centring.projection,
                                            factor: scales[channel] * map.inverseDeviation)
                            }
                        }
                    }
                }
            }
            return [gradInput] + (hasWeight ? [Tensor(gradScale)] : []) + (hasBias ? [Tensor(gradShift)] : [])
        }
        return result
    }

    @inline(__always)
    static func load(_ pointer: UnsafePointer<Float>) -> SIMD8<Float> {
        UnsafeRawPointer(pointer).loadUnaligned(as: SIMD8<Float>.self)
    }

    @inline(__always)
    static func store(_ value: SIMD8<Float>, _ pointer: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(pointer).storeBytes(of: value, as: SIMD8<Float>.self)
    }

    /// One row of the forward pass.
    @inline(__always)
    static func forwardRow(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, count: Int, map: ChannelMap, relu: Bool) {
        var index = 0
        while index + 8 <= count {
            let value = map.apply(load(x + index))
            store(relu ? value.replacing(with: 0, where: .!(value .> 0)) : value, y + index)
            index += 8
        }
        while index < count {
            let value = map.apply(x[index])
            y[index] = relu && !(value > 0) ? 0 : value
            index += 1
        }
    }

    /// `Σ g` and `Σ g · x̂` over one row, with `g` zeroed where the forward ReLU was off.
    @inline(__always)
    static func gradientSums(_ g: UnsafePointer<Float>, _ x: UnsafePointer<Float>, count: Int, map: ChannelMap,
                             relu: Bool) -> (gradient: Double, projection: Double) {
        var totals = (gradient: 0.0, projection: 0.0), start = 0
        while start < count {
            let end = Swift.min(count, start + Reductions.sumBlock)
            var gradientLanes = SIMD8<Float>(), projectionLanes = SIMD8<Float>(), index = start
            while index + 8 <= end {
                let input = load(x + index)
                var gradient = load(g + index)
                if relu { gradient.replace(with: 0, where: .!(map.apply(input) .> 0)) }
                gradientLanes += gradient
                projectionLanes += gradient * ((input - map.mean) * map.inverseDeviation)
                index += 8
            }
            var gradientBlock = gradientLanes.sum(), projectionBlock = projectionLanes.sum()
            while index < end {
                let gradient = relu && !(map.apply(x[index]) > 0) ? 0 : g[index]
                gradientBlock += gradient
                projectionBlock += gradient * ((x[index] - map.mean) * map.inverseDeviation)
                index += 1
            }
            totals.gradient += Double(gradientBlock)
            totals.projection += Double(projectionBlock)
            start = end
        }
        return totals
    }

    /// One row of the input's gradient: `factor · (g − meanGradient − x̂ · meanProjection)`.
    @inline(__always)
    static func backwardRow(_ g: UnsafePointer<Float>, _ x: UnsafePointer<Float>, _ dx: UnsafeMutablePointer<Float>, count: Int,
                            map: ChannelMap, relu: Bool, meanGradient: Float, meanProjection: Float, factor: Float) {
        var index = 0
        while index + 8 <= count {
            let input = load(x + index)
            var gradient = load(g + index)
            if relu { gradient.replace(with: 0, where: .!(map.apply(input) .> 0)) }
            let normalized = (input - map.mean) * map.inverseDeviation
            store(factor * (gradient - meanGradient - normalized * meanProjection), dx + index)
            index += 8
        }
        while index < count {
            let gradient = relu && !(map.apply(x[index]) > 0) ? 0 : g[index]
            let normalized = (x[index] - map.mean) * map.inverseDeviation
            dx[index] = factor * (gradient - meanGradient - normalized * meanProjection)
            index += 1
        }
    }
}
