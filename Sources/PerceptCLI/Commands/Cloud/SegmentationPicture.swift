import Foundation
import Percept

/// The picture `percept cloud predict --render` writes for a segmented scan: the scan from above
/// coloured by predicted class and, when the scan carries labels, the same view coloured by its
/// ground truth beside it, each under a title, over a legend of the classes in their colours.
struct SegmentationPicture {
    /// Each class's name and the raw label id whose colour it is drawn in.
    var classes: [(name: String, rawID: UInt32)]
    /// The side of each square view in pixels.
    var side = 800

    private static let titleHeight = 40, gap = 8, legendRow = 30, margin = 10, background: UInt8 = 18

    /// `cloud` drawn with the `predicted` raw ids and, when given, beside it with the `truth` raw
    /// ids (one per point of `cloud` each): the same framing, so the views match point for point.
    func render(_ cloud: PointCloud, predicted: [UInt32], truth: [UInt32]?) throws -> Image {
        let panels = [("prediction", predicted)] + (truth.map { [("ground truth", $0)] } ?? [])
        var legend = classes
        if let truth, truth.contains(0), !legend.contains(where: { $0.rawID == 0 }) { legend.append(("unlabelled", 0)) }
        let width = panels.count * side + (panels.count - 1) * Self.gap
        let placed = Self.layOut(legend.map(\.name), width: width)
        let legendTop = Self.titleHeight + side + Self.margin
        let height = legendTop + (placed.last.map { $0.row + 1 } ?? 0) * Self.legendRow + Self.margin
        var pixels = [UInt8](repeating: Self.background, count: width * height * 3)
        let renderer = CloudRenderer(view: .bev, coloring: .label, width: side, height: side)
        for (index, panel) in panels.enumerated() {
            var labelled = cloud
            labelled.labels = panel.1
            let view = try renderer.render(labelled), left = index * (side + Self.gap)
            for row in 0..<side {
                let target = ((Self.titleHeight + row) * width + left) * 3
                pixels.replaceSubrange(target..<target + side * 3, with: view[row * side * 3..<(row + 1) * side * 3])
            }
        }
        var picture = try Image(width: width, height: height, channels: 3, samples: .uint8(pixels))
        for (index, panel) in panels.enumerated() {
            picture.drawText(panel.0, at: Point(x: Double(index * (side + Self.gap) + Self.margin), y: 8), color: .white, scale: 3)
        }
        for (entry, place) in zip(legend, placed) {
            let top = Double(legendTop + place.row * Self.legendRow), left = Double(place.x)
            let (red, green, blue) = CloudRenderer.labelColor(entry.rawID)
            let colour = DrawColor(red: Double(red) / 255, green: Double(green) / 255, blue: Double(blue) / 255)
            picture.drawRectangle(BoundingBox(minX: left, minY: top, maxX: left + 20, maxY: top + 20), color: colour, thickness: 10)
            picture.drawText(entry.name, at: Point(x: left + 26, y: top + 2), color: .white, scale: 2)
        }
        return picture
    }

    /// Where each legend entry starts: rows of swatch-and-name entries that wrap at `width`.
    private static func layOut(_ names: [String], width: Int) -> [(x: Int, row: Int)] {
        var x = margin, row = 0, places: [(x: Int, row: Int)] = []
        for name in names {
            let entryWidth = 26 + (name.count * 6 + 1) * 2 + 24
            if x > margin && x + entryWidth > width { x = margin; row += 1 }
            places.append((x, row))
            x += entryWidth
        }
        return places
    }
}
