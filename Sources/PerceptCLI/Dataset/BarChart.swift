import Foundation
import Percept

/// A horizontal bar chart drawn with PerceptImage: a title, then one row per bar with its
/// label on the left, the bar, and the count at its end. Used for `percept stats --plots`.
struct BarChart {
    var title: String
    var bars: [(label: String, value: Int)]

    private let rowHeight = 18, margin = 10, textScale = 2, barAreaWidth = 420

    /// The chart as an 8-bit RGB image.
    func render() throws -> Image {
        let glyph = 6 * textScale
        let labelWidth = (bars.map(\.label.count).max() ?? 1) * glyph + margin
        let countWidth = (String(bars.map(\.value).max() ?? 0).count + 1) * glyph
        let width = max(margin * 2 + labelWidth + barAreaWidth + countWidth, (title.count + 2) * glyph)
        let height = margin * 3 + 8 * textScale + max(bars.count, 1) * rowHeight
        var image = try Image(width: width, height: height, channels: 3, samples: .uint8([UInt8](repeating: 255, count: width * height * 3)))
        image.drawText(title, at: Point(x: Double(margin), y: Double(margin)), color: .black, scale: textScale)
        let largest = Double(max(bars.map(\.value).max() ?? 1, 1))
        for (row, bar) in bars.enumerated() {
            let top = Double(margin * 2 + 8 * textScale + row * rowHeight)
            let labelLeft = Double(margin + labelWidth - margin - bar.label.count * glyph)
            image.drawText(bar.label, at: Point(x: labelLeft, y: top), color: .black, scale: textScale)
            let barLeft = Double(margin + labelWidth)
            let length = (Double(bar.value) / largest * Double(barAreaWidth)).rounded()
            if length >= 1 {
                image.drawRectangle(BoundingBox(x: barLeft, y: top + 2, width: length, height: Double(rowHeight - 4)),
                                    color: .category(row), thickness: rowHeight / 2)
            }
            image.drawText(String(bar.value), at: Point(x: barLeft + length + 4, y: top), color: .black, scale: textScale)
        }
        return image
    }
}
