import Foundation
import PerceptImage

/// A white RGB picture to draw charts on with PerceptImage's lines and 5×7 font.
struct PlotCanvas {
    var image: Image

    /// Pixels per font pixel for body text; a character is `6 × textScale` wide.
    static let textScale = 2

    init(width: Int, height: Int) {
        image = (try? Image(width: width, height: height, channels: 3, samples: .uint8([UInt8](repeating: 255, count: width * height * 3))))
            ?? Image(width: width, height: height, channels: 3)
    }

    /// Fills the rectangle with its top-left corner at `x, y`.
    mutating func fill(x: Int, y: Int, width: Int, height: Int, color: DrawColor) {
        for row in y..<y + max(height, 0) {
            image.drawLine(from: Point(x: Double(x), y: Double(row)), to: Point(x: Double(x + width - 1), y: Double(row)), color: color, thickness: 1)
        }
    }

    mutating func line(_ start: Point, _ end: Point, color: DrawColor, thickness: Int = 1) {
        image.drawLine(from: start, to: end, color: color, thickness: thickness)
    }

    /// Writes `text` with its top-left corner at `x, y`.
    mutating func text(_ text: String, x: Int, y: Int, color: DrawColor = .black, scale: Int = textScale) {
        image.drawText(text, at: Point(x: Double(x), y: Double(y)), color: color, scale: scale)
    }

    /// Writes `text` centred on `x`.
    mutating func centeredText(_ text: String, x: Int, y: Int, color: DrawColor = .black, scale: Int = textScale) {
        self.text(text, x: x - PlotCanvas.width(of: text, scale: scale) / 2, y: y, color: color, scale: scale)
    }

    /// The width `text` takes in pixels.
    static func width(of text: String, scale: Int = textScale) -> Int { (text.count * 6 + 1) * scale }

    /// Text shortened to `characters`, ending in "." when cut.
    static func shortened(_ text: String, to characters: Int) -> String {
        text.count <= characters ? text : String(text.prefix(max(characters - 1, 1))) + "."
    }

    /// `digits` digits after the point (two by default: 0.53; none: 12).
    static func decimal(_ value: Double, digits: Int = 2) -> String {
        guard value.isFinite else { return "-" }
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        let scaled = Int((abs(value) * scale).rounded())
        let whole = scaled / Int(scale), fraction = String(scaled % Int(scale))
        guard digits > 0 else { return (value < 0 && whole > 0 ? "-" : "") + "\(whole)" }
        return (value < 0 ? "-" : "") + "\(whole)." + String(repeating: "0", count: digits - fraction.count) + fraction
    }
}

/// A range of x and y values (the unit square unless given) mapped onto a rectangle of the
/// canvas, with a frame, grid and tick labels.
struct PlotFrame {
    var left: Int, top: Int, width: Int, height: Int
    var xRange: ClosedRange<Double> = 0...1, yRange: ClosedRange<Double> = 0...1

    func point(x: Double, y: Double) -> Point {
        let u = Self.fraction(x, xRange), v = Self.fraction(y, yRange)
        return Point(x: Double(left) + u * Double(width - 1), y: Double(top) + (1 - v) * Double(height - 1))
    }

    /// Where `value` lies in `range`, clamped to 0…1.
    static func fraction(_ value: Double, _ range: ClosedRange<Double>) -> Double {
        let span = range.upperBound - range.lowerBound
        return span > 0 ? min(max((value - range.lowerBound) / span, 0), 1) : 0.5
    }

    /// Frame, light grid every 0.2 (or at `xTicks` along x), tick labels and axis titles.
    func draw(on canvas: inout PlotCanvas, xTitle: String, yTitle: String, xTicks: [Double]? = nil) {
        let grid = DrawColor(red: 0.88, green: 0.88, blue: 0.88), ink = DrawColor(red: 0.2, green: 0.2, blue: 0.2)
        let (x0, x1, y0, y1) = (xRange.lowerBound, xRange.upperBound, yRange.lowerBound, yRange.upperBound)
        let shares = (0...5).map { Double($0) / 5 }
        for x in xTicks ?? shares.map({ x0 + $0 * (x1 - x0) }) {
            canvas.line(point(x: x, y: y0), point(x: x, y: y1), color: grid)
            canvas.centeredText(Self.tick(x, span: xTicks == nil ? x1 - x0 : 10), x: Int(point(x: x, y: y0).x), y: top + height + 6)
        }
        for y in shares.map({ y0 + $0 * (y1 - y0) }) {
            canvas.line(point(x: x0, y: y), point(x: x1, y: y), color: grid)
            let label = Self.tick(y, span: y1 - y0)
            canvas.text(label, x: left - PlotCanvas.width(of: label) - 6, y: Int(point(x: x0, y: y).y) - 8)
        }
        canvas.line(point(x: x0, y: y0), point(x: x1, y: y0), color: ink, thickness: 2)
        canvas.line(point(x: x0, y: y0), point(x: x0, y: y1), color: ink, thickness: 2)
        canvas.line(point(x: x1, y: y0), point(x: x1, y: y1), color: ink)
        canvas.line(point(x: x0, y: y1), point(x: x1, y: y1), color: ink)
        canvas.centeredText(xTitle, x: left + width / 2, y: top + height + 30)
        canvas.text(yTitle, x: max(left - 60, 4), y: top - 24)
    }

    /// A tick label with as many digits as the axis' span needs.
    static func tick(_ value: Double, span: Double) -> String {
        // Below a span of 0.1, one more digit per decade, so ticks 0.0002 apart still differ.
        let fine = span > 0 ? Int((-log10(span / 5)).rounded(.up)) : 3
        return PlotCanvas.decimal(value, digits: span >= 10 ? 0 : span >= 1 ? 1 : span >= 0.1 ? 2 : min(max(fine, 3), 8))
    }

    /// A polyline through `values` (y) at evenly spaced x from 0 to 1.
    func curve(_ values: [Double], xs: [Double], on canvas: inout PlotCanvas, color: DrawColor, thickness: Int) {
        for index in 1..<max(values.count, 1) {
            canvas.line(point(x: xs[index - 1], y: values[index - 1]), point(x: xs[index], y: values[index]), color: color, thickness: thickness)
        }
    }
}
