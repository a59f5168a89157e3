import PerceptImage

/// A scatter plot of 2-D points coloured by class, with a legend: the picture of an
/// embedding's PCA projection.
public enum ProjectionPlot {
    /// The plot of `points` (x, y pairs) with class indices `labels`, named by `classNames`,
    /// on a white square of `size` pixels.
    public static func draw(points: [Double], labels: [Int], classNames: [String], title: String, size: Int = 640) throws -> Image {
        let legendWidth = 180, margin = 24
        var image = try Image(width: size + legendWidth, height: size, channels: 3,
                              samples: .uint8([UInt8](repeating: 255, count: (size + legendWidth) * size * 3)))
        let xs = stride(from: 0, to: points.count, by: 2).map { points[$0] }
        let ys = stride(from: 1, to: points.count, by: 2).map { points[$0] }
        let (minX, maxX) = (xs.min() ?? 0, xs.max() ?? 1), (minY, maxY) = (ys.min() ?? 0, ys.max() ?? 1)
        let span = Double(size - 2 * margin)
        func place(_ value: Double, _ low: Double, _ high: Double) -> Double { Double(margin) + (value - low) / Swift.max(high - low, 1e-12) * span }
        for (index, label) in labels.enumerated() where index < xs.count {
            let point = Point(x: place(xs[index], minX, maxX), y: Double(size) - place(ys[index], minY, maxY))
            image.drawPoint(point, color: DrawColor.category(label), radius: 2)
        }
        image.drawRectangle(BoundingBox(minX: Double(margin / 2), minY: Double(margin / 2), maxX: Double(size - margin / 2),
                                        maxY: Double(size - margin / 2)), color: .black, thickness: 1)
        image.drawText(title.uppercased(), at: Point(x: Double(margin), y: 4), color: .black, scale: 1)
        for (index, name) in classNames.enumerated() {
            let top = Double(margin + index * 18)
            image.drawPoint(Point(x: Double(size + 12), y: top + 6), color: DrawColor.category(index), radius: 5)
            image.drawText(String(name.uppercased().prefix(24)), at: Point(x: Double(size + 24), y: top), color: .black, scale: 1)
        }
        return image
    }
}
