import PerceptImage

/// A heat map of a detection confusion matrix: predicted category down, true category across,
/// background last on both; each column is normalised (the share of a true category's
/// objects that went to each prediction) and cells show the counts.
public enum ConfusionMatrixPlot {
    /// The chart of `matrix`.
    public static func draw(_ matrix: DetectionConfusionMatrix) -> Image {
        draw(labels: matrix.categoryNames + ["background"], counts: matrix.counts,
             notes: ["MATCHED AT IOU \(PlotCanvas.decimal(matrix.iouThreshold)) OR MORE, SCORES FROM \(PlotCanvas.decimal(matrix.scoreThreshold)),",
                     "COLOUR: SHARE OF EACH TRUE COLUMN"])
    }

    /// A heat map of `counts[predicted][true]` over `labels`, each true column normalised,
    /// with up to two lines of `notes` under the title (a classifier's matrix, for example).
    public static func draw(labels: [String], counts: [[Int]], notes: [String]) -> Image {
        let size = labels.count
        let cell = max(14, min(64, 720 / max(size, 1)))
        let labelWidth = PlotCanvas.width(of: String(repeating: "M", count: 12)) + 12
        let left = labelWidth + 30, top = 110
        let width = left + cell * size + 40, height = top + cell * size + labelWidth + 60
        var canvas = PlotCanvas(width: max(width, 760), height: height)
        canvas.text("CONFUSION MATRIX", x: 20, y: 14, scale: 3)
        for (index, note) in notes.prefix(2).enumerated() { canvas.text(note, x: 20, y: 48 + 20 * index) }
        // A ragged or short matrix reads as zeros rather than trapping.
        func cellCount(_ row: Int, _ column: Int) -> Int { counts.indices.contains(row) && counts[row].indices.contains(column) ? counts[row][column] : 0 }
        let totals = (0..<size).map { column in (0..<size).reduce(0) { $0 + cellCount($1, column) } }
        for row in 0..<size {
            for column in 0..<size {
                let count = cellCount(row, column)
                let share = totals[column] > 0 ? Double(count) / Double(totals[column]) : 0
                let color = blues(share)
                let x = left + column * cell, y = top + row * cell
                canvas.fill(x: x, y: y, width: cell - 1, height: cell - 1, color: color)
                if count > 0 && cell >= 28 {
                    let text = String(count), scale = cell >= 48 ? 2 : 1
                    canvas.centeredText(text, x: x + cell / 2, y: y + cell / 2 - 4 * scale, color: share > 0.5 ? .white : .black, scale: scale)
                }
            }
            // Predicted categories down the left.
            let name = PlotCanvas.shortened(labels[row].uppercased(), to: 12)
            canvas.text(name, x: left - PlotCanvas.width(of: name) - 8, y: top + row * cell + cell / 2 - 8)
        }
        // True categories across the bottom, one letter per line so long names fit narrow columns.
        for column in 0..<size {
            let name = PlotCanvas.shortened(labels[column].uppercased(), to: 12)
            for (index, letter) in name.enumerated() {
                canvas.centeredText(String(letter), x: left + column * cell + cell / 2, y: top + size * cell + 8 + index * 18)
            }
        }
        canvas.text("PREDICTED", x: left - PlotCanvas.width(of: "PREDICTED") - 8, y: top - 22)
        canvas.text("TRUE", x: left + size * cell / 2 - 20, y: height - 30)
        return canvas.image
    }

    /// matplotlib's "Blues" from white to dark blue, linearly between a few of its stops.
    static func blues(_ value: Double) -> DrawColor {
        let stops: [(Double, Double, Double)] = [(247, 251, 255), (198, 219, 239), (107, 174, 214), (33, 113, 181), (8, 48, 107)]
        let position = min(max(value, 0), 1) * Double(stops.count - 1)
        let index = min(Int(position), stops.count - 2), fraction = position - Double(index)
        let (low, high) = (stops[index], stops[index + 1])
        func mix(_ a: Double, _ b: Double) -> Double { (a + (b - a) * fraction) / 255 }
        return DrawColor(red: mix(low.0, high.0), green: mix(low.1, high.1), blue: mix(low.2, high.2))
    }
}
