import PerceptImage

/// Precision-recall charts of a COCO evaluation, drawn from its interpolated precision at the
/// 101 recall points (all areas, the largest detection limit), as pycocotools' arrays hold it.
public enum PrecisionRecallPlot {
    /// Every category's curve at IoU 0.50 and their mean (thick, blue), with AP50 in the legend.
    public static func overall(_ result: COCOEvaluationResult) -> Image {
        var canvas = PlotCanvas(width: 1000, height: 660)
        let frame = PlotFrame(left: 80, top: 80, width: 560, height: 490)
        canvas.text("PRECISION-RECALL, \(overlapName(result)) 0.50", x: frame.left, y: 10, scale: 3)
        frame.draw(on: &canvas, xTitle: "RECALL", yTitle: "PRECISION")
        let recalls = result.parameters.recallThresholds
        var curves: [[Double]] = [], legend: [(String, DrawColor)] = []
        for category in result.categoryIDs.indices {
            guard let curve = result.precisionCurve(threshold: 0, category: category) else { continue }
            let color = DrawColor.category(category)
            frame.curve(curve, xs: recalls, on: &canvas, color: color, thickness: 1)
            curves.append(curve)
            legend.append(("\(PlotCanvas.shortened(result.categoryNames[category], to: 16)) \(PlotCanvas.decimal(mean(curve), digits: 3))", color))
        }
        if !curves.isEmpty {
            let average = recalls.indices.map { point in curves.reduce(0) { $0 + $1[point] } / Double(curves.count) }
            frame.curve(average, xs: recalls, on: &canvas, color: .blue, thickness: 4)
            legend.insert(("ALL \(PlotCanvas.decimal(mean(average), digits: 3)) AP50", .blue), at: 0)
        } else {
            canvas.centeredText("NO CATEGORY HAS GROUND TRUTH", x: frame.left + frame.width / 2, y: frame.top + frame.height / 2)
        }
        drawLegend(legend, on: &canvas, x: frame.left + frame.width + 30, y: frame.top, height: frame.height)
        return canvas.image
    }

    /// One category's curves at every IoU threshold, with its best-F1 point marked.
    public static func category(_ result: COCOEvaluationResult, at category: Int) -> Image {
        var canvas = PlotCanvas(width: 1000, height: 660)
        let frame = PlotFrame(left: 80, top: 80, width: 560, height: 490)
        canvas.text(PlotCanvas.shortened(result.categoryNames[category].uppercased(), to: 30) + ": PRECISION-RECALL", x: frame.left, y: 10, scale: 3)
        frame.draw(on: &canvas, xTitle: "RECALL", yTitle: "PRECISION")
        let recalls = result.parameters.recallThresholds, thresholds = result.parameters.iouThresholds
        var legend: [(String, DrawColor)] = []
        for threshold in thresholds.indices.reversed() {
            guard let curve = result.precisionCurve(threshold: threshold, category: category) else { continue }
            // Strict thresholds fade from dark blue to light teal.
            let shade = Double(threshold) / Double(max(thresholds.count - 1, 1))
            let color = DrawColor(red: 0.1 + 0.5 * shade, green: 0.2 + 0.6 * shade, blue: 0.75 - 0.05 * shade)
            frame.curve(curve, xs: recalls, on: &canvas, color: color, thickness: threshold == 0 ? 3 : 1)
            legend.insert(("\(overlapName(result)) \(PlotCanvas.decimal(thresholds[threshold])) AP \(PlotCanvas.decimal(mean(curve), digits: 3))", color), at: 0)
        }
        if legend.isEmpty {
            canvas.centeredText("NO GROUND TRUTH", x: frame.left + frame.width / 2, y: frame.top + frame.height / 2)
        }
        if let point = result.operatingPoints[category] {
            let location = frame.point(x: point.recall, y: point.precision)
            canvas.image.drawPoint(location, color: .red, radius: 6)
            legend.append(("", .white))
            legend.append(("BEST F1 \(PlotCanvas.decimal(point.f1))", .red))
            legend.append(("  AT SCORE \(PlotCanvas.decimal(point.scoreThreshold, digits: 3))", .red))
            legend.append(("  P \(PlotCanvas.decimal(point.precision)) R \(PlotCanvas.decimal(point.recall))", .red))
        }
        drawLegend(legend, on: &canvas, x: frame.left + frame.width + 30, y: frame.top, height: frame.height)
        return canvas.image
    }

    /// What the thresholds apply to: IoU, or OKS for keypoints.
    private static func overlapName(_ result: COCOEvaluationResult) -> String {
        result.parameters.iouType == .keypoints ? "OKS" : "IOU"
    }

    private static func mean(_ values: [Double]) -> Double { values.isEmpty ? 0 : values.reduce(0, +) / Double(values.count) }

    /// Colour swatches and labels in a column; entries that do not fit are summarised.
    private static func drawLegend(_ entries: [(String, DrawColor)], on canvas: inout PlotCanvas, x: Int, y: Int, height: Int) {
        let rowHeight = 22, rows = height / rowHeight
        for (index, entry) in entries.enumerated() {
            let top = y + index * rowHeight
            if index == rows - 1 && entries.count > rows {
                canvas.text("+\(entries.count - index) MORE", x: x, y: top)
                break
            }
            if !entry.0.isEmpty && !entry.0.hasPrefix(" ") { canvas.fill(x: x, y: top + 4, width: 18, height: 10, color: entry.1) }
            canvas.text(entry.0, x: x + 26, y: top, color: entry.1 == .white ? .black : DrawColor(red: 0.1, green: 0.1, blue: 0.1))
        }
    }
}
