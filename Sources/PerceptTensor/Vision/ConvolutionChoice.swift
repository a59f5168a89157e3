/// The kernels a convolution's pass can run on.
enum ConvolutionBackend: Sendable {
    /// oneDNN's primitive, falling back to `im2col` for a case oneDNN refuses.
    case dnnl
    /// The engine's im2col + sgemm kernels.
    case im2col
}

/// The kernels of each pass of one convolution (a transposed convolution's passes are these
/// same three, taken in another order).
struct ConvolutionKernels: Equatable, Sendable {
    var forward: ConvolutionBackend
    var backwardData: ConvolutionBackend
    var backwardWeights: ConvolutionBackend

    /// Every pass on `backend`.
    static func all(_ backend: ConvolutionBackend) -> ConvolutionKernels {
        ConvolutionKernels(forward: backend, backwardData: backend, backwardWeights: backend)
    }
}

/// Which kernels run each pass of a convolution: oneDNN's primitive or the engine's im2col +
/// sgemm, chosen per geometry from measurements (`Tools/measure-conv-choice`, README "Convolution
/// per geometry"). `Convolution` and `ConvolutionTranspose` ask here; nothing else decides.
enum ConvolutionChoice {
    /// The kernels for a convolution of geometry `g` when oneDNN is
    /// available (a pure rule of the shape). oneDNN everywhere, except where
    /// `Tools/measure-conv-choice` timed im2col + OpenBLAS faster on one thread (AMD EPYC, AVX2,
    /// 2026-12-07, under load; the blocked inputs' reorders to NCHW and the result's back counted):
    /// - **backward-weights on small maps**: an ungrouped k×k kernel (k > 1) over 128 or more
    ///   channels with an output of at most 16 positions (4×4). oneDNN 2.6 takes its generic
    ///   `gemm:jit` kernel or a direct kernel at a fraction of sgemm's rate there: ResNet-18's
    ///   512→512 layer at 2×2, batch 16, 0.35–0.44× the time on im2col, 0.05× at batch 2;
    ///   256→256 at 4×4 0.53–0.65×, 256→512 stride 2 0.42–0.54×. With 64 channels oneDNN
    ///   led at 4×4 (1.6×) and tied at 2×2.
    /// - **forward on the smallest maps**: as above, over 256 or more channels, with an output
    ///   of at most 4 positions (2×2) and at least 64 columns (batch × positions) for the sgemm:
    ///   512→512 at 2×2, batch 16, 0.78–0.99×; at batch 2 oneDNN led (1.6×); at 4×4 the two tied.
    /// - **backward passes of thin images** (ungrouped, fewer than 4 input channels): oneDNN 2.6's
    ///   backward kernels there run 5–14× slower than its forward pass (the VAE's 1→32
    ///   convolution: 0.55–0.86× on im2col for backward-weights, 0.59–0.64× for backward-data).
    /// Backward-data stays on oneDNN elsewhere: im2col tied it on the smallest maps and lost
    /// above them. 1×1 kernels stay on oneDNN (its `jit_1x1` kernels led everywhere).
    static func kernels(for g: ConvolutionGeometry) -> ConvolutionKernels {
        var kernels = ConvolutionKernels.all(.dnnl)
        if g.groups == 1, g.channels < 4 {
            kernels.backwardData = .im2col
            kernels.backwardWeights = .im2col
        }
        let spatial = g.groups == 1 && g.kernelArea > 1
        if spatial, g.channels >= 128, g.outputPlane <= 16 { kernels.backwardWeights = .im2col }
        if spatial, g.channels >= 256, g.outputPlane <= 4, g.columns >= 64 { kernels.forward = .im2col }
        return kernels
    }

    /// The kernels a convolution of geometry `g` runs on here and now: `kernels(for:)` when
    /// oneDNN is enabled, else im2col for every pass.
    static func preferred(for g: ConvolutionGeometry) -> ConvolutionKernels {
        DNNL.isEnabled ? kernels(for: g) : .all(.im2col)
    }
}
