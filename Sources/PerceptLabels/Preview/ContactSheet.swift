import Foundation
import PerceptImage

/// A grid of a dataset's images with their boxes, polygons and class names drawn on them, so
/// a person can check labels at a glance (before and after augmenting).
///
///     var random = AugmentRandom(seed: 1)
///     let ids = ContactSheet.choose(16, from: dataset, using: &random)
///     let (sheet, problems) = ContactSheet().render(dataset, imageIDs: ids)
public struct ContactSheet: Sendable {
    /// The longest side of each picture, in pixels.
    public var tileSize: Int
    /// Pictures per row; nil for a near-square grid.
    public var columns: Int?

    /// Black space between tiles, and the height of the file name under each.
    private let gap = 4, captionHeight = 12

    /// A sheet with tiles of `tileSize` pixels.
    public init(tileSize: Int = 256, columns: Int? = nil) {
        self.tileSize = max(tileSize, 32)
        self.columns = columns
    }

    /// `count` image ids picked at random (all of them, in order, when there are no more).
    public static func choose(_ count: Int, from dataset: LabelDataset, using random: inout some RandomNumberGenerator) -> [Int] {
        var indices = Array(dataset.images.indices)
        guard count < indices.count else { return dataset.images.map(\.id) }
        DatasetSplitter.shuffle(&indices, using: &random)
        return indices.prefix(max(count, 0)).sorted().map { dataset.images[$0].id }
    }

    /// The sheet of the images with `imageIDs`, in that order, and a problem for each image
    /// that could not be read (its tile stays empty).
    public func render(_ dataset: LabelDataset, imageIDs: [Int]) -> (sheet: Image, problems: [LabelProblem]) {
        let columnCount = max(1, columns ?? Int(Double(imageIDs.count).squareRoot().rounded(.up)))
        let rowCount = max(1, (imageIDs.count + columnCount - 1) / columnCount)
        let cellWidth = tileSize + gap, cellHeight = tileSize + captionHeight + gap
        let sheetWidth = columnCount * cellWidth + gap, sheetHeight = rowCount * cellHeight + gap
        let images = Dictionary(dataset.images.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        let byImage = dataset.annotationsByImage
        let colorIndex = Dictionary(dataset.categories.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { first, _ in first })
        let names = Dictionary(dataset.categories.map { ($0.id, $0.name) }, uniquingKeysWith: { first, _ in first })
        var problems: [LabelProblem] = []
        var pixels = [UInt8](repeating: 0, count: sheetWidth * sheetHeight * 3)
        for (position, id) in imageIDs.enumerated() {
            guard let image = images[id] else { continue }
            let left = gap + (position % columnCount) * cellWidth, top = gap + (position / columnCount) * cellHeight
            do {
                var tile = try picture(of: image)
                let scale = Double(tile.width) / Double(max(image.width, 1))
                for annotation in byImage[id] ?? [] {
                    let color = DrawColor.category(colorIndex[annotation.categoryID] ?? 0)
                    for polygon in annotation.polygons {
                        tile.drawPolygon(polygon.mapped { Point(x: $0.x * scale, y: $0.y * scale) }, color: color, thickness: 1)
                    }
                    guard let box = annotation.effectiveBox else { continue }
                    let scaled = box.scaledBy(x: scale, y: scale)
                    tile.drawRectangle(scaled, color: color, thickness: 2)
                    tile.drawText(names[annotation.categoryID] ?? "\(annotation.categoryID)", at: Point(x: scaled.minX, y: scaled.minY),
                                  color: .black, scale: 1, background: color)
                }
                copy(tile, into: &pixels, sheetWidth: sheetWidth,
                     left: left + (tileSize - tile.width) / 2, top: top + (tileSize - tile.height) / 2)
            } catch {
                problems.append(LabelProblem(file: image.source?.path ?? image.file, severity: .error, message: "cannot draw the image: \(error)"))
            }
            var caption = Image(width: tileSize, height: captionHeight, channels: 3)
            caption.drawText(String(image.file.suffix(tileSize / 6)), at: Point(x: 0, y: 0), color: .white, scale: 1)
            copy(caption, into: &pixels, sheetWidth: sheetWidth, left: left, top: top + tileSize)
        }
        // The buffer has exactly width × height × 3 samples, so this cannot fail.
        let sheet = (try? Image(width: sheetWidth, height: sheetHeight, channels: 3, samples: .uint8(pixels)))
            ?? Image(width: sheetWidth, height: sheetHeight, channels: 3)
        return (sheet, problems)
    }

    /// The image as 8-bit RGB, scaled so its longest side is `tileSize`.
    private func picture(of image: DatasetImage) throws -> Image {
        guard let source = image.source else {
            throw LabelError.unreadable(file: image.file, reason: "the dataset does not say where the image file is")
        }
        let decoded = try Image(contentsOf: source).converted(to: .uint8).removingAlpha().rgb()
        let scale = Double(tileSize) / Double(max(decoded.width, decoded.height, 1))
        let width = max(1, Int((Double(decoded.width) * scale).rounded())), height = max(1, Int((Double(decoded.height) * scale).rounded()))
        return try decoded.resized(width: width, height: height, interpolation: scale < 1 ? .area : .bilinear)
    }

    /// Copies an 8-bit RGB picture into the sheet's pixels with its top-left corner at `left`, `top`.
    private func copy(_ picture: Image, into pixels: inout [UInt8], sheetWidth: Int, left: Int, top: Int) {
        let values = picture.uint8Values
        let rowLength = picture.width * 3
        for row in 0..<picture.height {
            let target = ((top + row) * sheetWidth + left) * 3
            guard target >= 0, target + rowLength <= pixels.count else { continue }
            pixels.replaceSubrange(target..<target + rowLength, with: values[row * rowLength..<(row + 1) * rowLength])
        }
    }
}

extension Image {
    /// The samples of an 8-bit image (converted first when it has another sample type).
    var uint8Values: [UInt8] {
        if case .uint8(let values) = samples { return values }
        if case .uint8(let values) = converted(to: .uint8).samples { return values }
        return []
    }
}
