import Foundation
import PerceptImage

extension RunLengthEncoding {
    /// Rasterises a polygon exactly as pycocotools' `frPyObjects` (its C `rleFrPoly`): the
    /// outline is traced on a grid five times finer, the crossings of pixel-column centres are
    /// kept, and each column is filled between them. Throws for coordinates that are not finite
    /// or beyond ±10^8.
    public init(polygon: Polygon, height: Int, width: Int) throws {
        for point in polygon.points where !(point.x.isFinite && point.y.isFinite && abs(point.x) < 1e8 && abs(point.y) < 1e8) {
            throw LabelError.invalidArgument("polygon vertex (\(point.x), \(point.y)) is not a finite coordinate within ±1e8")
        }
        self.init(height: height, width: width, counts: RunLengthEncoding.columnRuns(of: polygon, height: height, width: width))
    }

    /// The mask of a COCO `[x, y, width, height]` box, as pycocotools' `frBbox` (a
    /// four-corner polygon through the same rasteriser).
    public init(cocoBox box: [Double], height: Int, width: Int) throws {
        guard box.count == 4 else {
            throw LabelError.invalidArgument("a COCO box has 4 numbers, found \(box.count)")
        }
        let (left, top, right, bottom) = (box[0], box[1], box[0] + box[2], box[1] + box[3])
        let corners = [Point(x: left, y: top), Point(x: left, y: bottom), Point(x: right, y: bottom), Point(x: right, y: top)]
        try self.init(polygon: Polygon(points: corners), height: height, width: width)
    }

    private static func columnRuns(of polygon: Polygon, height: Int, width: Int) -> [UInt32] {
        let scale = 5.0
        let vertexCount = polygon.points.count
        // C truncates toward zero here, as Int(_:) does.
        var xs = polygon.points.map { Int(scale * $0.x + 0.5) }
        var ys = polygon.points.map { Int(scale * $0.y + 0.5) }
        if let firstX = xs.first, let firstY = ys.first {
            xs.append(firstX)
            ys.append(firstY)
        }
        // Trace every edge densely on the fine grid, from its start vertex to its end vertex.
        var traceX: [Int] = [], traceY: [Int] = []
        for edge in 0..<vertexCount {
            var startX = xs[edge], endX = xs[edge + 1], startY = ys[edge], endY = ys[edge + 1]
            let deltaX = abs(endX - startX), deltaY = abs(startY - endY)
            let flip = (deltaX >= deltaY && startX > endX) || (deltaX < deltaY && startY > endY)
            if flip {
                swap(&startX, &endX)
                swap(&startY, &endY)
            }
            if deltaX >= deltaY {
                // A zero-length edge yields one point, which the next pass never reads.
                let slope = deltaX == 0 ? 0 : Double(endY - startY) / Double(deltaX)
                for step in 0...deltaX {
                    let t = flip ? deltaX - step : step
                    traceX.append(t + startX)
                    traceY.append(Int(Double(startY) + slope * Double(t) + 0.5))
                }
            } else {
                let slope = Double(endX - startX) / Double(deltaY)
                for step in 0...deltaY {
                    let t = flip ? deltaY - step : step
                    traceY.append(t + startY)
                    traceX.append(Int(Double(startX) + slope * Double(t) + 0.5))
                }
            }
        }
        // Keep the points where the trace crosses a pixel-column centre, back on the pixel grid.
        var positions: [UInt32] = []
        if traceX.count > 1 {
            for index in 1..<traceX.count where traceX[index] != traceX[index - 1] {
                var columnX = Double(traceX[index] < traceX[index - 1] ? traceX[index] : traceX[index] - 1)
                columnX = (columnX + 0.5) / scale - 0.5
                if columnX.rounded(.down) != columnX || columnX < 0 || columnX > Double(width) - 1 { continue }
                var rowY = Double(traceY[index] < traceY[index - 1] ? traceY[index] : traceY[index - 1])
                rowY = (rowY + 0.5) / scale - 0.5
                rowY = (min(max(rowY, 0), Double(height))).rounded(.up)
                positions.append(UInt32(truncatingIfNeeded: Int(columnX) * height + Int(rowY)))
            }
        }
        positions.append(UInt32(truncatingIfNeeded: height * width))
        positions.sort()
        // Crossing positions become run lengths; zero-length runs fold into the next run.
        var previous: UInt32 = 0
        for index in positions.indices {
            let position = positions[index]
            positions[index] = position &- previous
            previous = position
        }
        var runs: [UInt32] = [positions[0]]
        var index = 1
        while index < positions.count {
            if positions[index] > 0 {
                runs.append(positions[index])
                index += 1
            } else {
                index += 1
                if index < positions.count {
                    runs[runs.count - 1] += positions[index]
                    index += 1
                }
            }
        }
        return runs
    }
}
