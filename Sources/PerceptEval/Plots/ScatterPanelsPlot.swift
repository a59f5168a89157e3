import PerceptImage

/// Small scatter panels sharing a y quantity, in rows of three: a search's objective against
/// the trial number and against each parameter (`percept tune`'s `tuning.png`). Points whose
/// `highlighted` flag is set (the best trial) are drawn larger in orange.
///
/// ```swift
/// let image = ScatterPanelsPlot.draw(yTitle: "VAL_ACCURACY", panels: [("TRIAL", [(1, 0.8, false), (2, 0.9, true)])])
/// ```
public enum ScatterPanelsPlot {
    /// One panel: its x title and its points.
    public typealias Panel = (xTitle: String, points: [(x: Double, y: Double, highlighted: Bool)])

    /// The panels; each panel's axes span its own finite points.
    public static func draw(yTitle: String, panels: [Panel]) -> Image {
        let columns = 3, panelWidth = 420, panelHeight = 300
        let rows = max((panels.count + columns - 1) / columns, 1)
        var canvas = PlotCanvas(width: columns * panelWidth + 20, height: rows * panelHeight + 20)
        let orange = DrawColor(red: 0.95, green: 0.5, blue: 0.1)
        for (index, panel) in panels.enumerated() {
            let left = 20 + (index % columns) * panelWidth + 70, top = 20 + (index / columns) * panelHeight + 40
            let points = panel.points.filter { $0.x.isFinite && $0.y.isFinite }
            let frame = PlotFrame(left: left, top: top, width: panelWidth - 100, height: panelHeight - 100,
                                  xRange: range(points.map(\.x)), yRange: range(points.map(\.y)))
            canvas.text(PlotCanvas.shortened("\(yTitle) BY \(panel.xTitle)".uppercased(), to: 28), x: left, y: top - 30)
            frame.draw(on: &canvas, xTitle: panel.xTitle.uppercased(), yTitle: "")
            for point in points where !point.highlighted { canvas.image.drawPoint(frame.point(x: point.x, y: point.y), color: .blue, radius: 4) }
            for point in points where point.highlighted { canvas.image.drawPoint(frame.point(x: point.x, y: point.y), color: orange, radius: 7) }
        }
        return canvas.image
    }

    /// The values' span with 5% margins (a unit span around a single value).
    private static func range(_ values: [Double]) -> ClosedRange<Double> {
        var low = values.min() ?? 0, high = values.max() ?? 1
        if high - low < 1e-12 { (low, high) = (low - 0.5, high + 0.5) }
        let padding = (high - low) * 0.05
        return (low - padding)...(high + padding)
    }
}
