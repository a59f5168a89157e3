import PerceptNN
import PerceptTensor

/// YOLOv8's SPPF and PAN-FPN neck (rows 9–21 of `yolov8.yaml`) as a module of its own, for
/// backbones that are not Ultralytics' rows: SPPF on the stride-32 map; top-down, each map
/// upsampled ×2 (nearest), joined to the finer backbone map and mixed by a ``C2f``; bottom-up,
/// each output taken down by a 3×3 stride-2 ``YOLOConv``, joined to the top-down map of that
/// stride and mixed again. The outputs are the maps at strides 8, 16 and 32 a head reads.
public final class YOLOv8Neck: Module {
    /// SPPF on the stride-32 backbone map (row 9).
    public let sppf: SPPF
    /// Top-down C2f at stride 16 (row 12).
    public let topDown16: C2f
    /// Top-down C2f at stride 8, the stride-8 output (row 15).
    public let topDown8: C2f
    /// 3×3 stride-2 block from stride 8 to 16 (row 16).
    public let down8: YOLOConv
    /// Bottom-up C2f at stride 16, the stride-16 output (row 18).
    public let bottomUp16: C2f
    /// 3×3 stride-2 block from stride 16 to 32 (row 19).
    public let down16: YOLOConv
    /// Bottom-up C2f at stride 32, the stride-32 output (row 21).
    public let bottomUp32: C2f
    /// The channels of the three outputs (strides 8, 16, 32).
    public let outputChannels: [Int]

    /// A neck over backbone maps of `inputChannels` (strides 8, 16, 32) giving maps of `widths`,
    /// every C2f with `repeats` bottlenecks.
    public init(inputChannels: [Int], widths: [Int], repeats: Int) throws {
        guard inputChannels.count == 3, widths.count == 3 else {
            throw TensorError.invalidArgument(operation: "YOLOv8Neck", message: "a neck joins three maps (strides 8, 16, 32); got inputs \(inputChannels) and widths \(widths)")
        }
        let (c3, c4, c5) = (inputChannels[0], inputChannels[1], inputChannels[2]), (p3, p4, p5) = (widths[0], widths[1], widths[2])
        sppf = try SPPF(c5, p5, kernelSize: 5)
        topDown16 = try C2f(p5 + c4, p4, repeats: repeats, shortcut: false)
        topDown8 = try C2f(p4 + c3, p3, repeats: repeats, shortcut: false)
        down8 = try YOLOConv(p3, p3, kernelSize: 3, stride: 2)
        bottomUp16 = try C2f(p3 + p4, p4, repeats: repeats, shortcut: false)
        down16 = try YOLOConv(p4, p4, kernelSize: 3, stride: 2)
        bottomUp32 = try C2f(p4 + p5, p5, repeats: repeats, shortcut: false)
        outputChannels = widths
        super.init()
    }

    /// The maps at strides 8, 16 and 32 of backbone maps at those strides.
    public func outputs(c3: Tensor, c4: Tensor, c5: Tensor) throws -> [Tensor] {
        func up(_ x: Tensor) throws -> Tensor { try x.upsample2d(scaleFactors: 2, mode: .nearest) }
        let p5 = try sppf(c5)
        let p4 = try topDown16(Tensor.concatenate([up(p5), c4], axis: 1))
        let out8 = try topDown8(Tensor.concatenate([up(p4), c3], axis: 1))
        let out16 = try bottomUp16(Tensor.concatenate([down8(out8), p4], axis: 1))
        let out32 = try bottomUp32(Tensor.concatenate([down16(out16), p5], axis: 1))
        return [out8, out16, out32]
    }
}
