import CPixelKernels
import PerceptImage

/// A separable filter with reflect-101 borders, summing in Float: each source row is filtered
/// horizontally once into a ring of `vertical.count` rows, and each output row sums the ring.
/// 8-bit images go through `pk_separable_filter_u8` (AVX2 where the CPU has it); other sample
/// types run here, eight samples at a time with the taps added in kernel order.
struct SeparableFilter {
    /// Horizontal taps (odd count).
    let horizontal: [Float]
    /// Vertical taps (odd count).
    let vertical: [Float]

    private typealias Lanes = SIMD8<Float>

    /// `samples` (interleaved `channels`) filtered.
    func filtered<Value: ImageSample>(_ samples: [Value], width: Int, height: Int, channels: Int) -> [Value] {
        if Value.self == UInt8.self, let bytes = filteredBytes(samples, width: width, height: height, channels: channels) {
            return bytes
        }
        let radiusX = horizontal.count / 2, radiusY = vertical.count / 2, rowLength = width * channels
        // Rows rounded up to whole lanes; the extra samples are computed and never stored.
        let laneRow = (rowLength + Lanes.scalarCount - 1) / Lanes.scalarCount * Lanes.scalarCount
        let paddedLength = laneRow + 2 * radiusX * channels
        let sourceColumns = (0..<width + 2 * radiusX).map { reflect101($0 - radiusX, length: width) }
        var padded = [Float](repeating: 0, count: paddedLength)
        var ring = [Float](repeating: 0, count: vertical.count * laneRow)
        var sum = [Float](repeating: 0, count: laneRow)
        return [Value](unsafeUninitializedCapacity: samples.count) { output, initialized in
            samples.withUnsafeBufferPointer { source in
                padded.withUnsafeMutableBufferPointer { padded in
                    ring.withUnsafeMutableBufferPointer { ring in
                        sum.withUnsafeMutableBufferPointer { sum in
                            // Padded row `p` is source row `p - radiusY`; output row y needs padded rows y...y + 2·radiusY.
                            var nextPadded = 0
                            for y in 0..<height {
                                while nextPadded <= y + 2 * radiusY {
                                    let sourceRow = source.baseAddress! + reflect101(nextPadded - radiusY, length: height) * rowLength
                                    for (column, sourceColumn) in sourceColumns.enumerated() {
                                        for channel in 0..<channels {
                                            padded[column * channels + channel] = sourceRow[sourceColumn * channels + channel].floatValue
                                        }
                                    }
                                    let slot = ring.baseAddress! + (nextPadded % vertical.count) * laneRow
                                    horizontalPass(UnsafePointer(padded.baseAddress!), into: slot, length: laneRow, step: channels)
                                    nextPadded += 1
                                }
                                verticalPass(UnsafePointer(ring.baseAddress!), firstRow: y, into: sum.baseAddress!, length: laneRow)
                                let target = output.baseAddress! + y * rowLength
                                for index in 0..<rowLength { (target + index).initialize(to: Value(roundingClamped: sum[index])) }
                            }
                        }
                    }
                }
            }
            initialized = samples.count
        }
    }

    /// The C kernel's result for 8-bit `samples` (`Value` is `UInt8`), or nil when it could
    /// not get its scratch memory.
    private func filteredBytes<Value: ImageSample>(_ samples: [Value], width: Int, height: Int, channels: Int) -> [Value]? {
        var succeeded = false
        let output = [Value](unsafeUninitializedCapacity: samples.count) { output, initialized in
            samples.withUnsafeBytes { source in
                let target = UnsafeMutableRawBufferPointer(output)
                succeeded = pk_separable_filter_u8(source.bindMemory(to: UInt8.self).baseAddress, target.bindMemory(to: UInt8.self).baseAddress,
                                                   width, height, channels, horizontal, horizontal.count, vertical, vertical.count) == 0
            }
            initialized = succeeded ? samples.count : 0
        }
        return succeeded ? output : nil
    }

    private func horizontalPass(_ padded: UnsafePointer<Float>, into target: UnsafeMutablePointer<Float>, length: Int, step: Int) {
        horizontal.withUnsafeBufferPointer { taps in
            for start in stride(from: 0, to: length, by: Lanes.scalarCount) {
                var total = Lanes(repeating: 0)
                for tap in taps.indices {
                    total = total + Lanes(repeating: taps[tap]) * load(padded + start + tap * step)
                }
                UnsafeMutableRawPointer(target + start).storeBytes(of: total, as: Lanes.self)
            }
        }
    }

    private func verticalPass(_ ring: UnsafePointer<Float>, firstRow: Int, into target: UnsafeMutablePointer<Float>, length: Int) {
        let taps = vertical.count
        withUnsafeTemporaryAllocation(of: (UnsafePointer<Float>, Lanes).self, capacity: taps) { rows in
            for tap in 0..<taps {
                rows.initializeElement(at: tap, to: (ring + ((firstRow + tap) % taps) * length, Lanes(repeating: vertical[tap])))
            }
            for start in stride(from: 0, to: length, by: Lanes.scalarCount) {
                var total = Lanes(repeating: 0)
                for (row, weight) in rows { total = total + weight * load(row + start) }
                UnsafeMutableRawPointer(target + start).storeBytes(of: total, as: Lanes.self)
            }
        }
    }

    @inline(__always)
    private func load(_ pointer: UnsafePointer<Float>) -> Lanes {
        UnsafeRawPointer(pointer).loadUnaligned(as: Lanes.self)
    }
}
