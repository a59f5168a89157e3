import PerceptImage

/// A binary mask as COCO run-length encoding, bit-for-bit as pycocotools stores it: pixels in
/// column-major order (down each column, then the next column), alternating run lengths that
/// start with a run of zeros (possibly empty).
///
///     let rle = RunLengthEncoding(mask: mask)
///     rle.compressedString   // "0h02..." as in a COCO file
///     rle.area               // pixels inside
public struct RunLengthEncoding: Equatable, Hashable, Sendable {
    /// Rows of the mask.
    public var height: Int
    /// Columns of the mask.
    public var width: Int
    /// Alternating run lengths, zeros first.
    public var counts: [UInt32]

    /// An RLE from its parts (uncompressed COCO `counts`).
    public init(height: Int, width: Int, counts: [UInt32]) {
        self.height = height
        self.width = width
        self.counts = counts
    }

    /// Encodes a row-major mask, walking it column by column as pycocotools does with a
    /// Fortran-ordered array.
    public init(mask: Mask) {
        var counts: [UInt32] = []
        var current: UInt8 = 0
        var run: UInt32 = 0
        mask.values.withUnsafeBufferPointer { values in
            for x in 0..<mask.width {
                for y in 0..<mask.height {
                    let value = values[y * mask.width + x]
                    if value != current {
                        counts.append(run)
                        run = 0
                        current = value
                    }
                    run += 1
                }
            }
        }
        counts.append(run)
        self.init(height: mask.height, width: mask.width, counts: counts)
    }

    /// The number of pixels inside: the sum of the odd runs.
    public var area: Int {
        stride(from: 1, to: counts.count, by: 2).reduce(0) { $0 + Int(counts[$1]) }
    }

    /// Decodes to a row-major mask; throws when the runs do not add up to `height * width`.
    public func decoded() throws -> Mask {
        let total = counts.reduce(0) { $0 + Int($1) }
        guard height >= 0, width >= 0, total == height * width else {
            throw LabelError.invalidArgument("RLE runs add up to \(total) pixels, expected \(height)x\(width) = \(height * width)")
        }
        var values = [UInt8](repeating: 0, count: total)
        var position = 0, inside = false
        for count in counts {
            if inside {
                for index in position..<position + Int(count) {
                    // Column-major position → row-major index.
                    values[(index % height) * width + index / height] = 1
                }
            }
            position += Int(count)
            inside.toggle()
        }
        return try Mask(width: width, height: height, values: values)
    }

    /// The box around the inside pixels as COCO `[x, y, width, height]`, computed from the runs
    /// exactly as pycocotools' `toBbox` (a run crossing a column boundary spans the full height).
    public var cocoBox: [Double] {
        let pairs = (counts.count / 2) * 2
        guard pairs > 0, height > 0 else { return [0, 0, 0, 0] }
        let rows = UInt32(truncatingIfNeeded: height)
        var startX = UInt32(truncatingIfNeeded: width), startY = rows, endX: UInt32 = 0, endY: UInt32 = 0
        var cumulative: UInt32 = 0, previousX: UInt32 = 0
        for index in 0..<pairs {
            cumulative &+= counts[index]
            let position = cumulative &- UInt32(index % 2)
            let y = position % rows, x = (position &- y) / rows
            if index % 2 == 0 {
                previousX = x
            } else if previousX < x {
                startY = 0
                endY = rows &- 1
            }
            startX = min(startX, x)
            endX = max(endX, x)
            startY = min(startY, y)
            endY = max(endY, y)
        }
        return [Double(startX), Double(startY), Double(endX &- startX &+ 1), Double(endY &- startY &+ 1)]
    }

    /// `cocoBox` as a box.
    public var boundingBox: BoundingBox {
        let box = cocoBox
        return BoundingBox(x: box[0], y: box[1], width: box[2], height: box[3])
    }

    /// The union (or with `intersect`, the intersection) of masks of one size, as
    /// pycocotools' `merge`. Throws when the sizes differ; an empty list gives a 0×0 mask.
    public static func merged(_ masks: [RunLengthEncoding], intersect: Bool = false) throws -> RunLengthEncoding {
        guard let first = masks.first else { return RunLengthEncoding(height: 0, width: 0, counts: []) }
        var counts = first.counts
        for other in masks.dropFirst() {
            guard other.height == first.height, other.width == first.width else {
                throw LabelError.invalidArgument(
                    "cannot merge RLE masks of sizes \(first.height)x\(first.width) and \(other.height)x\(other.width)")
            }
            counts = mergeRuns(counts, other.counts, intersect: intersect)
        }
        return RunLengthEncoding(height: first.height, width: first.width, counts: counts)
    }

    /// Emits a run for each stretch where the combined value stays the same.
    private static func mergeRuns(_ left: [UInt32], _ right: [UInt32], intersect: Bool) -> [UInt32] {
        guard !left.isEmpty, !right.isEmpty else { return left.isEmpty ? right : left }
        var result: [UInt32] = []
        var run: UInt32 = 0, current = false
        walkRunPairs(left, right) { step, insideLeft, insideRight in
            let inside = intersect ? insideLeft && insideRight : insideLeft || insideRight
            if inside != current {
                result.append(run)
                run = 0
                current = inside
            }
            run += step
        }
        result.append(run)
        return result
    }

    /// Walks two run lists of one mask size together, calling `body` with each stretch where
    /// neither changes and whether each mask is inside there (pycocotools' merge and IoU loop).
    static func walkRunPairs(_ left: [UInt32], _ right: [UInt32], _ body: (UInt32, Bool, Bool) -> Void) {
        guard let firstLeft = left.first, let firstRight = right.first else { return }
        var remainingLeft = firstLeft, remainingRight = firstRight
        var leftIndex = 1, rightIndex = 1
        var insideLeft = false, insideRight = false
        var more = true
        while more {
            let step = min(remainingLeft, remainingRight)
            body(step, insideLeft, insideRight)
            remainingLeft -= step
            if remainingLeft == 0, leftIndex < left.count {
                remainingLeft = left[leftIndex]
                leftIndex += 1
                insideLeft.toggle()
            }
            remainingRight -= step
            if remainingRight == 0, rightIndex < right.count {
                remainingRight = right[rightIndex]
                rightIndex += 1
                insideRight.toggle()
            }
            more = remainingLeft > 0 || remainingRight > 0
        }
    }
}
