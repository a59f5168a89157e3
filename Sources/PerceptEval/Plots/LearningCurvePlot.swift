import PerceptImage

/// Learning curves as Ultralytics' `results.png` shows them: one small panel per series
/// (training loss, validation loss, each metric, the learning rate) against the epoch.
///
/// ```swift
/// let image = LearningCurvePlot.draw(epochs: [1, 2, 3], series: [("train/loss", [0.9, 0.5, 0.4])])
/// ```
public enum LearningCurvePlot {
    /// Panels in rows of three; each panel's y axis spans its own values. The x axis is marked
    /// at whole epochs; a single epoch sits in the middle of its panel, and a flat series gets
    /// a range around its value small enough to read it.
    public static func draw(epochs: [Double], series: [(title: String, values: [Double])]) -> Image {
        let columns = 3, panelWidth = 420, panelHeight = 300
        let rows = max((series.count + columns - 1) / columns, 1)
        var canvas = PlotCanvas(width: columns * panelWidth + 20, height: rows * panelHeight + 20)
        let first = epochs.min() ?? 1, last = epochs.max() ?? 1
        let xRange = last > first ? first...last : (first - 0.5)...(first + 0.5)
        let step = max(((last - first) / 8).rounded(.up), 1)
        let xTicks = stride(from: first, through: last, by: step).map { $0 }
        for (index, entry) in series.enumerated() {
            let left = 20 + (index % columns) * panelWidth + 70, top = 20 + (index / columns) * panelHeight + 40
            let frame = PlotFrame(left: left, top: top, width: panelWidth - 100, height: panelHeight - 100,
                                  xRange: xRange, yRange: valueRange(entry.values))
            canvas.text(PlotCanvas.shortened(entry.title.uppercased(), to: 28), x: left, y: top - 30)
            frame.draw(on: &canvas, xTitle: "EPOCH", yTitle: "", xTicks: xTicks)
            let points = zip(epochs, entry.values).filter { $0.1.isFinite }
            frame.curve(points.map(\.1), xs: points.map(\.0), on: &canvas, color: .blue, thickness: 3)
            for point in points { canvas.image.drawPoint(frame.point(x: point.0, y: point.1), color: .blue, radius: points.count == 1 ? 6 : 4) }
        }
        return canvas.image
    }

    /// The y range of a panel: its finite values with 5 % to spare on each side, a flat series
    /// widened around its value, and never below 0 for a series that never is (a learning rate
    /// that ends at 0 keeps its axis at 0, not at a negative rate).
    static func valueRange(_ values: [Double]) -> ClosedRange<Double> {
        let finite = values.filter(\.isFinite)
        var low = finite.min() ?? 0, high = finite.max() ?? 1
        if high - low < 1e-12 {
            let half = max(abs(low) * 0.1, 1e-6)
            (low, high) = (low - half, high + half)
        }
        let padding = (high - low) * 0.05
        let floor = finite.allSatisfy { $0 >= 0 } ? max(low - padding, 0) : low - padding
        return floor...(high + padding)
    }
}
