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

    /// Two digits after the point: 0.53.
    static func decimal(_ value: Double, digits: Int = 2) -> String {
        guard value.isFinite else { return "-" }
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        let scaled = Int((abs(value) * scale).rounded())
        let whole = scaled / Int(scale), fraction = String(scaled % Int(scale))
        return (value < 0 ? "-" : "") + "\(whole)." + String(repeating: "0", count: digits - fraction.count) + fraction
    }
}

/// A unit square (x and y in 0…1) mapped onto a rectangle of the canvas, with a frame, grid
/// and tick labels.
struct PlotFrame {
    var left: Int, top: Int, width: Int, height: Int

    func point(x: Double, y: Double) -> Point {
        Point(x: Double(left) + min(max(x, 0), 1) * Double(width - 1), y: Double(top) + (1 - min(max(y, 0), 1)) * Double(height - 1))
    }

    /// Frame, light grid every 0.2, tick labels and axis titles.
    func draw(on canvas: inout PlotCanvas, xTitle: String, yTitle: String) {
        let grid = DrawColor(red: 0.88, green: 0.88, blue: 0.88), ink = DrawColor(red: 0.2, green: 0.2, blue: 0.2)
        for step in 0...5 {
            let value = Double(step) / 5
            canvas.line(point(x: value, y: 0), point(x: value, y: 1), color: grid)
            canvas.line(point(x: 0, y: value), point(x: 1, y: value), color: grid)
            let label = PlotCanvas.decimal(value, digits: 1)
            let xTick = point(x: value, y: 0), yTick = point(x: 0, y: value)
            canvas.centeredText(label, x: Int(xTick.x), y: top + height + 6)
            canvas.text(label, x: left - PlotCanvas.width(of: label) - 6, y: Int(yTick.y) - 8)
        }
        canvas.line(point(x: 0, y: 0), point(x: 1, y: 0), color: ink, thickness: 2)
        canvas.line(point(x: 0, y: 0), point(x: 0, y: 1), color: ink, thickness: 2)
        canvas.line(point(x: 1, y: 0), point(x: 1, y: 1), color: ink)
        canvas.line(point(x: 0, y: 1), point(x: 1, y: 1), color: ink)
        canvas.centeredText(xTitle, x: left + width / 2, y: top + height + 30)
        canvas.text(yTitle, x: max(left - 60, 4), y: top - 24)
    }

    /// A polyline through `values` (y) at evenly spaced x from 0 to 1.
    func curve(_ values: [Double], xs: [Double], on canvas: inout PlotCanvas, color: DrawColor, thickness: Int) {
        for index in 1..<max(values.count, 1) {
            canvas.line(point(x: xs[index - 1], y: values[index - 1]), point(x: xs[index], y: values[index]), color: color, thickness: thickness)
        }
    }
}
