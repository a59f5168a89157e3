import PerceptData
import PerceptImage
import PerceptTensor

/// Images side by side in one picture, for sample grids and reconstructions.
public enum ImageGrid {
    /// `images` `[N, C, H, W]` in `0...1`, `columns` per row, separated by `padding` mid-gray
    /// pixels and enlarged `scale` times (nearest neighbour, so small images stay crisp).
    public static func make(_ images: Tensor, columns: Int, padding: Int = 2, scale: Int = 2) throws -> Image {
        guard images.rank == 4, images.shape[0] > 0, columns > 0, scale > 0, padding >= 0 else {
            throw TensorError.invalidArgument(operation: "image grid", message: "needs [N, C, H, W] images and positive columns, got \(images.shape)")
        }
        let (count, channels, height, width) = (images.shape[0], images.shape[1], images.shape[2], images.shape[3])
        let rows = (count + columns - 1) / columns
        let cellHeight = height * scale + padding, cellWidth = width * scale + padding
        let gridHeight = rows * cellHeight + padding, gridWidth = columns * cellWidth + padding
        let source = images.contiguous().toArray()
        var values = [Float](repeating: 0.5, count: channels * gridHeight * gridWidth)
        for image in 0..<count {
            let top = padding + (image / columns) * cellHeight, left = padding + (image % columns) * cellWidth
            for channel in 0..<channels {
                let sourceBase = (image * channels + channel) * height * width, targetBase = channel * gridHeight * gridWidth
                for y in 0..<(height * scale) {
                    for x in 0..<(width * scale) {
                        values[targetBase + (top + y) * gridWidth + left + x] = source[sourceBase + (y / scale) * width + x / scale]
                    }
                }
            }
        }
        return try Image(tensor: Tensor(values, shape: [channels, gridHeight, gridWidth]))
    }
}
