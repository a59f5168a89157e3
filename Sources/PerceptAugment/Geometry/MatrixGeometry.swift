import Foundation
import PerceptImage

/// How a rotated box becomes an axis-aligned box again.
public enum BoxRotationRule: String, Sendable, Codable, CaseIterable {
    /// The box around the four moved corners (never loses any of the object; loose).
    case largestBox = "largest_box"
    /// The box around the moved ellipse inscribed in the box (tighter for round objects).
    case ellipse
}

/// A projective map in pixel-edge coordinates (the coordinates of boxes and keypoints) plus
/// the canvas it maps onto; the recorded parameters of every warp-like transform.
public struct WarpParameters: TransformParameters, Equatable {
    /// Row-major 3×3 matrix mapping input to output, pixel-edge coordinates.
    public var matrix: [Double]
    /// Output width.
    public var width: Int
    /// Output height.
    public var height: Int

    /// Parameters from a transform and an output size.
    public init(_ transform: ProjectiveTransform, width: Int, height: Int) {
        matrix = transform.matrix
        self.width = width
        self.height = height
    }

    /// The matrix as a transform.
    var transform: ProjectiveTransform {
        // Nine entries by construction.
        (try? ProjectiveTransform(matrix)) ?? .identity
    }

    /// The same map in pixel-centre coordinates, as `Image.warped` expects.
    var centreTransform: ProjectiveTransform {
        ProjectiveTransform.translation(x: -0.5, y: -0.5).concatenating(transform).concatenating(.translation(x: 0.5, y: 0.5))
    }
}

extension ProjectiveTransform {
    /// The boxes moved by this map (pixel-edge coordinates) under `rule`.
    func moveBoxes(_ boxes: [BoundingBox], rule: BoxRotationRule = .largestBox) -> [BoundingBox] {
        boxes.map { box in
            switch rule {
            case .largestBox: apply(box)
            case .ellipse: ellipseBox(box)
            }
        }
    }

    /// The keypoints moved by this map (pixel-edge coordinates).
    func moveKeypoints(_ keypoints: [Keypoint]) -> [Keypoint] {
        keypoints.map { keypoint in
            let point = apply(keypoint.point)
            return Keypoint(x: point.x, y: point.y, visibility: keypoint.visibility)
        }
    }

    /// The bounding box of the moved ellipse inscribed in `box`. Exact for affine maps (the
    /// extent of an ellipse under a linear map); projective maps sample 64 points.
    func ellipseBox(_ box: BoundingBox) -> BoundingBox {
        let m = matrix
        let radiusX = box.width / 2, radiusY = box.height / 2
        let centre = apply(box.center)
        if m[6] == 0, m[7] == 0, m[8] == 1 {
            let extentX = ((m[0] * radiusX) * (m[0] * radiusX) + (m[1] * radiusY) * (m[1] * radiusY)).squareRoot()
            let extentY = ((m[3] * radiusX) * (m[3] * radiusX) + (m[4] * radiusY) * (m[4] * radiusY)).squareRoot()
            return BoundingBox(minX: centre.x - extentX, minY: centre.y - extentY, maxX: centre.x + extentX, maxY: centre.y + extentY)
        }
        let points = (0..<64).map { step -> Point in
            let angle = Double(step) * 2 * .pi / 64
            return apply(Point(x: box.center.x + radiusX * cos(angle), y: box.center.y + radiusY * sin(angle)))
        }
        return BoundingBox(enclosing: points) ?? box
    }
}

/// A warp-style transform: image, masks, boxes and keypoints all follow from one
/// `WarpParameters`.
public protocol WarpTransform: SpatialTransform where Parameters == WarpParameters {
    /// How pixels are sampled.
    var interpolation: Interpolation { get }
    /// What fills the area outside the source.
    var border: BorderMode { get }
    /// How boxes are rebuilt after the warp.
    var boxRule: BoxRotationRule { get }
    /// The label value outside the source for masks.
    var maskFill: Double { get }
}

extension WarpTransform {
    public func image(_ image: Image, parameters: WarpParameters) throws -> Image {
        try self.image(image, parameters: parameters, mirrored: false)
    }

    /// The moved image; with `mirrored`, of the image flipped left-right first (bilinear warps
    /// read the source mirrored instead of writing the flipped image).
    func image(_ image: Image, parameters: WarpParameters, mirrored: Bool) throws -> Image {
        if interpolation == .bilinear {
            return try image.affineWarped(by: parameters.centreTransform, width: parameters.width, height: parameters.height,
                                          border: border, mirrored: mirrored)
        }
        return try (mirrored ? image.flipped(.horizontal) : image)
            .warped(by: parameters.centreTransform, width: parameters.width, height: parameters.height, interpolation: interpolation, border: border)
    }

    public func mask(_ mask: Image, parameters: WarpParameters) throws -> Image {
        let maskBorder: BorderMode = if case .constant = border { .constant([maskFill]) } else { border }
        return try mask.warped(by: parameters.centreTransform, width: parameters.width, height: parameters.height,
                               interpolation: .nearest, border: maskBorder)
    }

    public func boxes(_ boxes: [BoundingBox], parameters: WarpParameters, imageSize: ImageSize) throws -> [BoundingBox] {
        parameters.transform.moveBoxes(boxes, rule: boxRule)
    }

    public func keypoints(_ keypoints: [Keypoint], parameters: WarpParameters, imageSize: ImageSize) throws -> [Keypoint] {
        parameters.transform.moveKeypoints(keypoints)
    }
}

/// The homography taking the four `source` points to the four `target` points, or nil when
/// three of them are collinear.
func homography(from source: [Point], to target: [Point]) -> ProjectiveTransform? {
    guard source.count == 4, target.count == 4 else { return nil }
    var system = [[Double]]()
    for (from, to) in zip(source, target) {
        system.append([from.x, from.y, 1, 0, 0, 0, -to.x * from.x, -to.x * from.y, to.x])
        system.append([0, 0, 0, from.x, from.y, 1, -to.y * from.x, -to.y * from.y, to.y])
    }
    // Gaussian elimination with partial pivoting on the 8×9 augmented system.
    for column in 0..<8 {
        guard let pivot = (column..<8).max(by: { abs(system[$0][column]) < abs(system[$1][column]) }),
              abs(system[pivot][column]) > 1e-12 else { return nil }
        system.swapAt(column, pivot)
        for row in 0..<8 where row != column {
            let factor = system[row][column] / system[column][column]
            if factor != 0 { for entry in column..<9 { system[row][entry] -= factor * system[column][entry] } }
        }
    }
    let solution = (0..<8).map { system[$0][8] / system[$0][$0] }
    return try? ProjectiveTransform(solution + [1])
}
