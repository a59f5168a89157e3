import PerceptNN
import PerceptTensor

/// Ultralytics' `Conv`: a bias-free convolution padded to keep the side ("same" for odd
/// kernels), batch norm with Ultralytics' eps 1e-3 and momentum 0.03, then SiLU (or nothing).
/// State-dict names `conv.weight`, `bn.weight`, `bn.running_mean`, ….
public final class YOLOConv: Module, Layer {
    /// The convolution.
    public let conv: Conv2d
    /// The batch norm.
    public let bn: BatchNorm2d
    /// Whether SiLU follows the norm.
    public let activates: Bool

    /// A block from `inputChannels` to `outputChannels` with a `kernelSize` kernel and `stride`.
    public init(_ inputChannels: Int, _ outputChannels: Int, kernelSize: Int = 1, stride: Int = 1, groups: Int = 1, activates: Bool = true) throws {
        conv = try Conv2d(inputChannels, outputChannels, kernelSize: SpatialPair(kernelSize, kernelSize), stride: SpatialPair(stride, stride),
                          padding: .explicit(SpatialPair(kernelSize / 2, kernelSize / 2)), groups: groups, bias: false)
        bn = try BatchNorm2d(outputChannels, epsilon: 1e-3, momentum: 0.03)
        self.activates = activates
        super.init()
    }

    public func forward(_ input: Tensor) throws -> Tensor {
        if InferenceFusion.applies(to: self) {
            return try InferenceFusion.convolution(conv, norm: bn, input: input, postOps: activates ? [.silu] : [])
        }
        let normalized = try bn(conv(input))
        return activates ? normalized.silu() : normalized
    }
}

/// Ultralytics' `Bottleneck` as C2f uses it: two 3×3 ``YOLOConv``s, plus the input when
/// `shortcut` is set and the widths agree.
public final class YOLOBottleneck: Module, Layer {
    /// First 3×3 block.
    public let cv1: YOLOConv
    /// Second 3×3 block.
    public let cv2: YOLOConv
    /// Whether the input is added back.
    public let adds: Bool

    /// A bottleneck of `channels` channels.
    public init(_ channels: Int, shortcut: Bool) throws {
        cv1 = try YOLOConv(channels, channels, kernelSize: 3)
        cv2 = try YOLOConv(channels, channels, kernelSize: 3)
        adds = shortcut
        super.init()
    }

    public func forward(_ input: Tensor) throws -> Tensor {
        if adds, InferenceFusion.applies(to: self) {
            return try InferenceFusion.convolution(cv2.conv, norm: cv2.bn, input: cv1(input),
                                                   postOps: cv2.activates ? [.silu, .add] : [.add], residual: input)
        }
        let output = try cv2(cv1(input))
        return adds ? try input + output : output
    }
}

/// Ultralytics' `C2f`: a 1×1 block to twice the hidden width, split in two halves; `repeats`
/// bottlenecks run on the second half one after another, and every piece is concatenated and
/// joined by a 1×1 block to `outputChannels`.
public final class C2f: Module, Layer {
    /// The 1×1 block in.
    public let cv1: YOLOConv
    /// The 1×1 block out, over (2 + repeats) hidden widths.
    public let cv2: YOLOConv
    /// The bottlenecks.
    public let m: [YOLOBottleneck]
    private let hidden: Int

    /// A C2f block; the hidden width is half of `outputChannels`.
    public init(_ inputChannels: Int, _ outputChannels: Int, repeats: Int, shortcut: Bool) throws {
        hidden = outputChannels / 2
        cv1 = try YOLOConv(inputChannels, 2 * hidden)
        cv2 = try YOLOConv((2 + repeats) * hidden, outputChannels)
        m = try (0..<repeats).map { _ in try YOLOBottleneck(outputChannels / 2, shortcut: shortcut) }
        super.init()
    }

    public func forward(_ input: Tensor) throws -> Tensor {
        // Ultralytics concatenates both halves of cv1's output and the bottlenecks' outputs: the
        // two halves joined are cv1's output itself, so only the second half is cut out (in
        // oneDNN's blocked layout, which the concatenation and cv2 then read as they are).
        let joined = try cv1(input)
        var pieces = [joined], last = try joined.narrowed(axis: 1, start: hidden, length: hidden)
        for bottleneck in m {
            last = try bottleneck(last)
            pieces.append(last)
        }
        return try cv2(Tensor.concatenate(pieces, axis: 1))
    }
}

/// Ultralytics' `SPPF`: a 1×1 block to half the width, three 5×5 stride-1 max pools one after
/// another, and a 1×1 block over the four maps concatenated (the same as pooling 5, 9 and 13).
public final class SPPF: Module, Layer {
    /// The 1×1 block in (SiLU, as YOLOv8's rows build it).
    public let cv1: YOLOConv
    /// The 1×1 block out.
    public let cv2: YOLOConv
    private let kernelSize: Int

    /// An SPPF block pooling with `kernelSize`.
    public init(_ inputChannels: Int, _ outputChannels: Int, kernelSize: Int = 5) throws {
        cv1 = try YOLOConv(inputChannels, inputChannels / 2)
        cv2 = try YOLOConv(inputChannels / 2 * 4, outputChannels)
        self.kernelSize = kernelSize
        super.init()
    }

    public func forward(_ input: Tensor) throws -> Tensor {
        var maps = [try cv1(input)]
        for _ in 0..<3 {
            maps.append(try maps[maps.count - 1].maxPool2d(kernelSize: SpatialPair(kernelSize, kernelSize), stride: 1,
                                                          padding: SpatialPair(kernelSize / 2, kernelSize / 2)))
        }
        return try cv2(Tensor.concatenate(maps, axis: 1))
    }
}
