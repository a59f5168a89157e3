import Foundation
import PerceptRandom

/// Anchor boxes for an anchor-based detection head, fitted to a dataset's box sizes: k-means
/// with the distance 1 − IoU of boxes sharing a corner (YOLOv2/YOLOv3), started k-means++
/// style, then YOLOv5's genetic refinement (`kmean_anchors`: each generation multiplies the
/// anchors by random factors and keeps them when the fitness improves).
///
/// The fitness is YOLOv5's: for each box the best anchor's ratio metric
/// `min(w/aw, aw/w, h/ah, ah/h)`, counted only when above `1/ratioThreshold`, averaged over
/// the boxes. The best possible recall (BPR) is the share of boxes with some anchor whose
/// sides are within `ratioThreshold` (4) times of theirs.
///
/// ```swift
/// let fit = AnchorFitting.fit(sizes, count: 9, seed: 0)   // anchors sorted by area, BPR, mean best IoU
/// ```
public enum AnchorFitting {
    /// A box or anchor size in input pixels.
    public struct Size: Equatable, Sendable {
        /// Width.
        public var width: Double
        /// Height.
        public var height: Double
        /// A size.
        public init(width: Double, height: Double) {
            self.width = width
            self.height = height
        }
        /// Width times height.
        public var area: Double { width * height }
    }

    /// Fitted anchors and how well they cover the boxes.
    public struct Result: Equatable, Sendable {
        /// The anchors, smallest area first.
        public var anchors: [Size]
        /// The share of boxes that some anchor can match (YOLOv5's BPR at the ratio threshold).
        public var bestPossibleRecall: Double
        /// The mean over boxes of the best anchor's IoU (boxes sharing a corner).
        public var meanBestIoU: Double
        /// YOLOv5's fitness of the anchors (see the type's documentation).
        public var fitness: Double
        /// The k-means fitness before the genetic refinement.
        public var kMeansFitness: Double
    }

    /// YOLOv5's largest side ratio between a box and an anchor that may match it.
    public static let ratioThreshold = 4.0

    /// The box sizes of `dataset` in the pixels of a `imageSize` input (each image scaled so
    /// its longer side is `imageSize`), without boxes under 2 px on both sides (as YOLOv5).
    public static func sizes(of dataset: DetectionDataset, imageSize: Int) -> [Size] {
        dataset.records.flatMap { record -> [Size] in
            let scale = Double(imageSize) / Double(max(record.size.width, record.size.height, 1))
            return record.boxes.map { Size(width: ($0.maxX - $0.minX) * scale, height: ($0.maxY - $0.minY) * scale) }
                .filter { $0.width >= 2 || $0.height >= 2 }
        }
    }

    /// `count` anchors for `sizes`: k-means on 1 − IoU from a seeded k-means++ start, then
    /// `generations` rounds of mutation (probability 0.9, sigma 0.1, factors kept in 0.3…3 and
    /// sizes at least 2 px, as YOLOv5). Throws when there are fewer sizes than anchors.
    public static func fit(_ sizes: [Size], count: Int, generations: Int = 1000, seed: UInt64 = 0) throws -> Result {
        guard count >= 1 else { throw DataError.invalidArgument("the anchor count must be at least 1, got \(count)") }
        guard sizes.count >= count else {
            throw DataError.invalidArgument("\(sizes.count) boxes are too few for \(count) anchors")
        }
        var random = Xoshiro256StarStar(seed: seed)
        var anchors = kMeans(sizes, count: count, random: &random)
        let kMeansFitness = fitness(anchors, sizes)
        var best = kMeansFitness
        for _ in 0..<max(0, generations) {
            var factors = [Double](repeating: 1, count: count * 2)
            while factors.allSatisfy({ $0 == 1 }) {
                factors = factors.map { _ in
                    guard uniform(&random) < 0.9 else { return 1 }
                    return min(max(uniform(&random) * normal(&random) * 0.1 + 1, 0.3), 3)
                }
            }
            let mutated = anchors.enumerated().map { index, anchor in
                Size(width: max(anchor.width * factors[2 * index], 2), height: max(anchor.height * factors[2 * index + 1], 2))
            }
            let candidate = fitness(mutated, sizes)
            if candidate > best { (best, anchors) = (candidate, mutated) }
        }
        anchors.sort { $0.area < $1.area }
        return Result(anchors: anchors, bestPossibleRecall: bestPossibleRecall(anchors, sizes),
                      meanBestIoU: sizes.reduce(0) { $0 + bestIoU($1, anchors) } / Double(sizes.count),
                      fitness: best, kMeansFitness: kMeansFitness)
    }

    /// Lloyd's k-means with the distance 1 − IoU, centres the mean of their members, started
    /// from k-means++ (each next centre drawn with probability proportional to its distance).
    static func kMeans(_ sizes: [Size], count: Int, random: inout Xoshiro256StarStar, iterations: Int = 300) -> [Size] {
        var centres = [sizes[Int(random.next() % UInt64(sizes.count))]]
        while centres.count < count {
            let distances = sizes.map { 1 - bestIoU($0, centres) }
            let total = distances.reduce(0, +)
            guard total > 0 else { centres.append(sizes[Int(random.next() % UInt64(sizes.count))]); continue }
            var target = uniform(&random) * total
            var chosen = sizes.count - 1
            for (index, distance) in distances.enumerated() {
                target -= distance
                if target < 0 { chosen = index; break }
            }
            centres.append(sizes[chosen])
        }
        var assignment = [Int](repeating: -1, count: sizes.count)
        for _ in 0..<iterations {
            let next = sizes.map { size in centres.indices.max { iou(size, centres[$0]) < iou(size, centres[$1]) } ?? 0 }
            if next == assignment { break }
            assignment = next
            for cluster in centres.indices {
                let members = sizes.indices.filter { assignment[$0] == cluster }
                guard !members.isEmpty else { continue }
                centres[cluster] = Size(width: members.reduce(0) { $0 + sizes[$1].width } / Double(members.count),
                                        height: members.reduce(0) { $0 + sizes[$1].height } / Double(members.count))
            }
        }
        return centres
    }

    /// The IoU of two boxes that share their top-left corner.
    static func iou(_ first: Size, _ second: Size) -> Double {
        let inter = min(first.width, second.width) * min(first.height, second.height)
        let union = first.area + second.area - inter
        return union > 0 ? inter / union : 0
    }

    /// The best IoU of `size` with any of `anchors`.
    static func bestIoU(_ size: Size, _ anchors: [Size]) -> Double {
        anchors.reduce(0) { max($0, iou(size, $1)) }
    }

    /// YOLOv5's ratio metric of the best anchor for `size`: the worst side ratio, best over anchors.
    static func bestRatio(_ size: Size, _ anchors: [Size]) -> Double {
        anchors.reduce(0) { best, anchor in
            let width = size.width / anchor.width, height = size.height / anchor.height
            return max(best, min(width, 1 / width, height, 1 / height))
        }
    }

    /// YOLOv5's anchor fitness: the mean best ratio metric, boxes below `1/ratioThreshold` counting 0.
    static func fitness(_ anchors: [Size], _ sizes: [Size]) -> Double {
        sizes.reduce(0) { total, size in
            let best = bestRatio(size, anchors)
            return total + (best > 1 / ratioThreshold ? best : 0)
        } / Double(sizes.count)
    }

    /// The share of boxes whose best ratio metric passes `1/ratioThreshold`.
    static func bestPossibleRecall(_ anchors: [Size], _ sizes: [Size]) -> Double {
        Double(sizes.filter { bestRatio($0, anchors) > 1 / ratioThreshold }.count) / Double(sizes.count)
    }

    /// A uniform draw in `0..<1`.
    private static func uniform(_ random: inout Xoshiro256StarStar) -> Double { Double(random.next() >> 11) * 0x1p-53 }

    /// A standard normal draw (Box–Muller).
    private static func normal(_ random: inout Xoshiro256StarStar) -> Double {
        let first = max(uniform(&random), .leastNonzeroMagnitude)
        return sqrt(-2 * log(first)) * cos(2 * .pi * uniform(&random))
    }
}
