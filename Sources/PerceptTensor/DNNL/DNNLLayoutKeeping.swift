import CDNNL

/// Two inference steps kept in the blocked layout the convolutions around them write (YOLO's
/// neck and its C2f blocks): nearest-neighbour 2× upsampling through oneDNN's resampling
/// primitive, and channel windows copied into their source's format. Without them each went
/// through NCHW and the convolution or concatenation after it reordered back (oneDNN 2.6 joins
/// plain and blocked inputs with its reference kernel). Each returns nil where the case does not
/// apply (a plain input, a gradient to record, oneDNN off or refusing); the caller then takes the
/// engine's path, which gives the same values.
enum DNNLLayoutKeeping {
    /// Whether `input` qualifies: float32 of `ranks`, in a oneDNN layout, nothing recording it.
    private static func applies(to input: Tensor, ranks: ClosedRange<Int>) -> Bool {
        DNNL.isEnabled && input.dtype == .float32 && ranks.contains(input.rank) && input.hasDNNLLayout
            && !(Autograd.isEnabled && input.requiresGrad) && OperationTrace.recorder == nil
    }

    /// `input` `[N, C, H, W]` resized to `height` × `width` by nearest neighbour, in its layout.
    static func upsampleNearest(_ input: Tensor, height: Int, width: Int) -> Tensor? {
        guard applies(to: input, ranks: 4...4) else { return nil }
        let source = input.dnnlInput, dims = input.dnnlDims
        guard source.value.layout != nil,
              let layout = source.with({ percept_dnnl_upsample_nearest_output_layout($0, dims, Int64(height), Int64(width)) })
        else { return nil }
        let (result, output) = Tensor.dnnlOutput(shape: [input.shape[0], input.shape[1], height, width], layout: layout)
        return source.with({ percept_dnnl_upsample_nearest($0, dims, Int64(height), Int64(width), output) }) == 0 ? result : nil
    }

    /// Consecutive windows of `sizes` channels (axis 1) of `input`, each a copy in `input`'s
    /// blocked format; nil unless every window starts and ends on a whole block.
    static func channelWindows(_ input: Tensor, sizes: [Int]) -> [Tensor]? {
        guard applies(to: input, ranks: 3...5), let whole = input.dnnlInput.value.layout else { return nil }
        var start = 0, pieces: [Tensor] = []
        for size in sizes {
            var dims = input.dnnlDims
            dims[1] = Int64(size)
            guard let layout = percept_dnnl_layout_resized(whole, Int32(dims.count), dims),
                  let piece = DNNLConcatenation.slice(input, axis: 1, start: start, length: size, layout: layout) else { return nil }
            pieces.append(piece)
            start += size
        }
        return pieces
    }
}
