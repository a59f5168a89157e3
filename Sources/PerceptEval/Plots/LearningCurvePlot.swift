import PerceptImage

/// Learning curves as Ultralytics' `results.png` shows them: one small panel per series
/// (training loss, validation loss, each metric, the learning rate) against the epoch.
///
/// ```swift
/// let image = LearningCurvePlot.draw(epochs: [1, 2, 3], series: [("train/loss", [0.9, 0.5, 0.4])])
/// ```
public enum LearningCurvePlot {
    /// Panels in rows of three; each panel's y axis spans its own values.
    public static func draw(epochs: [Double], series: [(title: String, values: [Double])]) -> Image {
        let columns = 3, panelWidth = 420, panelHeight = 300
        let rows = max((series.count + columns - 1) / columns, 1)
        var canvas = PlotCanvas(width: columns * panelWidth + 20, height: rows * panelHeight + 20)
        let xRange = epochs.isEmpty ? 0...1 : (epochs.min() ?? 0)...max(epochs.max() ?? 1, (epochs.min() ?? 0) + 1)
        for (index, entry) in series.enumerated() {
            let left = 20 + (index % columns) * panelWidth + 70, top = 20 + (index / columns) * panelHeight + 40
            let finite = entry.values.filter(\.isFinite)
            var low = finite.min() ?? 0, high = finite.max() ?? 1
            if high - low < 1e-9 { (low, high) = (low - 0.5, high + 0.5) }
            let padding = (high - low) * 0.05
            let frame = PlotFrame(left: left, top: top, width: panelWidth - 100, height: panelHeight - 100,
                                  xRange: xRange, yRange: (low - padding)...(high + padding))
            canvas.text(PlotCanvas.shortened(entry.title.uppercased(), to: 28), x: left, y: top - 30)
            frame.draw(on: &canvas, xTitle: "EPOCH", yTitle: "")
            let points = zip(epochs, entry.values).filter { $0.1.isFinite }
            frame.curve(points.map(\.1), xs: points.map(\.0), on: &canvas, color: .blue, thickness: 3)
            for point in points { canvas.image.drawPoint(frame.point(x: point.0, y: point.1), color: .blue, radius: 4) }
        }
        return canvas.image
    }
}
