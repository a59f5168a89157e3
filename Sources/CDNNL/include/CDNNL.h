// Percept's door to oneDNN (Debian's libdnnl2), loaded with dlopen at first use so programs
// that never convolve pay nothing and a machine without the library falls back to the
// engine's own kernels. No oneDNN type crosses this header: Swift sees plain shapes and
// pointers to contiguous NCHW data (weights in PyTorch's [O, C/groups, kH, kW] order).
#ifndef PERCEPT_CDNNL_H
#define PERCEPT_CDNNL_H

#include <stddef.h>
#include <stdint.h>

/// The geometry of one 2-D convolution, padding the same before and after.
typedef struct {
    int batch, channels, height, width;
    int output_channels, groups, kernel_height, kernel_width;
    int stride_height, stride_width, padding_height, padding_width;
    int dilation_height, dilation_width;
    int output_height, output_width;
} percept_dnnl_convolution;

/// A layout oneDNN chose for a tensor (a blocked one such as nChw16c), interned for the life
/// of the process, so equal layouts are equal pointers; opaque to Swift.
typedef struct percept_dnnl_layout percept_dnnl_layout;

/// A tensor's values as a primitive reads them: `data` in `layout`, or plain row-major
/// (NCHW) when `layout` is NULL.
typedef struct {
    const percept_dnnl_layout *layout;
    const float *data;
} percept_dnnl_value;

/// Where a primitive writes a tensor: `data` in `layout` (one the primitive reported), or
/// plain row-major when `layout` is NULL.
typedef struct {
    const percept_dnnl_layout *layout;
    float *data;
} percept_dnnl_output;

/// Bytes a tensor occupies in `layout` (more than its plain size when channels are padded to
/// the block).
size_t percept_dnnl_layout_bytes(const percept_dnnl_layout *layout);

/// Whether `layout` holds float32 values of exactly the shape `dims` (of `rank` axes).
int percept_dnnl_layout_matches(const percept_dnnl_layout *layout, int rank, const int64_t *dims);

/// Whether `layout` is plain row-major (no blocking).
int percept_dnnl_layout_is_plain(const percept_dnnl_layout *layout);

/// Copies row-major `plain` into `data` in `layout`; 0 on success.
int percept_dnnl_layout_from_plain(const percept_dnnl_layout *layout, const float *plain, float *data);

/// Copies `data`, in `layout`, into `plain` in row-major order; 0 on success.
int percept_dnnl_layout_to_plain(const percept_dnnl_layout *layout, const float *data, float *plain);

/// Writes the per-channel sums of 4-D `data` (a bias gradient) into `sums` when `layout` blocks
/// the channels by one inner block (nChw16c, nChw8c), adding runs in float and their totals in
/// double; 1 when it did, 0 for any other layout (the caller then sums the plain values).
int percept_dnnl_channel_sums(const percept_dnnl_layout *layout, const float *data, float *sums);

/// Adds bias[c] to every value of channel c of 4-D `data` in place when `layout` blocks the
/// channels by one inner block (nChw16c, nChw8c); 1 when it did, 0 for any other layout (the
/// caller then adds to the plain values). oneDNN 2.6's binary primitive has only its reference
/// kernel for a plain bias broadcast over a blocked tensor, 300x slower than this loop.
int percept_dnnl_add_channel_bias(const percept_dnnl_layout *layout, float *data, const float *bias);

/// Loads libdnnl.so.2 once and creates its CPU engine; 0 on success. PERCEPT_NO_DNNL=1
/// refuses, so the fallback kernels run.
int percept_dnnl_load(void);

/// Why loading failed ("" when it did not).
const char *percept_dnnl_error(void);

/// oneDNN's version as "major.minor.patch", or "" when it is not loaded.
const char *percept_dnnl_version(void);

/// Sets the OpenMP threads oneDNN's primitives use (omp_set_num_threads of the libgomp it loads).
void percept_dnnl_set_threads(int threads);

/// Installs `observer`, called on the calling thread before every oneDNN primitive and sgemm
/// runs (the engine counts calls made from inside its parallel loops); NULL removes it.
void percept_dnnl_set_call_observer(void (*observer)(void));

/// Row-major C = alpha · op(A) · op(B) + beta · C through oneDNN's dnnl_sgemm (`transpose_a`,
/// `transpose_b`: 'N' or 'T'); 0 on success, non-zero when oneDNN is not loaded or refuses.
int percept_dnnl_sgemm(char transpose_a, char transpose_b, int64_t m, int64_t n, int64_t k, float alpha, const float *a,
                       int64_t lda, const float *b, int64_t ldb, float beta, float *c, int64_t ldc);

/// dst = softmax of plain row-major `src` along axis 1 of [outer, length, inner], or
/// log-softmax when `logarithm`. 0 on success.
int percept_dnnl_softmax_forward(int logarithm, int64_t outer, int64_t length, int64_t inner, const float *src,
                                 float *dst);

/// diff_src of the softmax (log-softmax when `logarithm`) whose output was `dst`, from
/// diff_dst; all plain [outer, length, inner]. 0 on success.
int percept_dnnl_softmax_backward(int logarithm, int64_t outer, int64_t length, int64_t inner, const float *dst,
                                  const float *diff_dst, float *diff_src);

/// dst = layer norm of each row of plain [rows, length] `src` (biased variance, eps inside the
/// square root), times `scale` and plus `shift` ([length] each, NULL: none); writes each row's
/// `mean` and `variance` ([rows]) for the backward pass. 0 on success.
int percept_dnnl_layer_norm_forward(int64_t rows, int64_t length, const float *src, const float *scale, const float *shift,
                                    float eps, float *mean, float *variance, float *dst);

/// The gradients of layer norm: of the input (plain [rows, length]) and, where `scale` and
/// `shift` are given, of them (`diff_scale`, `diff_shift`: NULL exactly when those are), from the
/// forward pass's `mean` and `variance`. 0 on success.
int percept_dnnl_layer_norm_backward(int64_t rows, int64_t length, const float *src, const float *diff_dst, const float *mean,
                                     const float *variance, const float *scale, const float *shift, float eps, float *diff_src,
                                     float *diff_scale, float *diff_shift);

/// The layout the convolution's forward pass writes its output in (or NULL when oneDNN refuses
/// the shape); `has_bias` as the forward call will have it.
const percept_dnnl_layout *percept_dnnl_convolution_output_layout(const percept_dnnl_convolution *shape, int has_bias);

/// The layout the convolution's forward pass reads its input in (NULL when oneDNN refuses the
/// shape); the backward-weights pass reads it in the same one.
const percept_dnnl_layout *percept_dnnl_convolution_input_layout(const percept_dnnl_convolution *shape, int has_bias);

/// The layout the backward-data pass writes the input gradient in (NULL when refused).
const percept_dnnl_layout *percept_dnnl_convolution_input_gradient_layout(const percept_dnnl_convolution *shape);

/// The layout the backward-data pass reads the output gradient in (NULL when refused); the
/// backward-weights pass reads it in the same one.
const percept_dnnl_layout *percept_dnnl_convolution_output_gradient_layout(const percept_dnnl_convolution *shape);

/// dst = conv(src, weights) + bias (bias may be NULL); 0 on success, non-zero when oneDNN
/// refuses the case (the caller then uses its own kernels). `dst` is plain or in the layout
/// `percept_dnnl_convolution_output_layout` reported. A non-zero `weights_generation` says
/// `weights` is a whole storage whose content that number identifies for the life of the
/// process (any write gives it a new one): its copy in the primitive's layout is then kept and
/// reused instead of reordering the weights on every call.
int percept_dnnl_convolution_forward(const percept_dnnl_convolution *shape, percept_dnnl_value src, const float *weights,
                                     uint64_t weights_generation, const float *bias, percept_dnnl_output dst);

/// diff_src = the gradient of the input from diff_dst; 0 on success. `diff_src` is plain or in
/// the layout `percept_dnnl_convolution_input_gradient_layout` reported; `weights_generation`
/// as for the forward pass.
int percept_dnnl_convolution_backward_data(const percept_dnnl_convolution *shape, percept_dnnl_value diff_dst,
                                           const float *weights, uint64_t weights_generation, percept_dnnl_output diff_src);

/// diff_weights = the gradient of the weights (plain) from src and diff_dst; 0 on success.
int percept_dnnl_convolution_backward_weights(const percept_dnnl_convolution *shape, percept_dnnl_value src,
                                              percept_dnnl_value diff_dst, float *diff_weights);

/// What an inference convolution applies to its output inside its own primitive (oneDNN
/// post-ops), in order: an activation, or ADD, which adds the residual tensor passed with the call.
typedef enum {
    PERCEPT_DNNL_POST_ADD, PERCEPT_DNNL_POST_RELU, PERCEPT_DNNL_POST_CLIP, PERCEPT_DNNL_POST_SILU,
    PERCEPT_DNNL_POST_SIGMOID, PERCEPT_DNNL_POST_TANH
} percept_dnnl_post_op_kind;

/// The most post-ops one convolution takes.
#define PERCEPT_DNNL_MAX_POST_OPS 4

/// A convolution's post-ops: `count` steps, step i of kind `kinds[i]` with parameters
/// `alphas[i]` (RELU: the negative slope; CLIP: the lower bound) and `betas[i]` (CLIP: the upper
/// bound). Unused entries must be zero (the struct is a cache key).
typedef struct {
    int count;
    int kinds[PERCEPT_DNNL_MAX_POST_OPS];
    float alphas[PERCEPT_DNNL_MAX_POST_OPS];
    float betas[PERCEPT_DNNL_MAX_POST_OPS];
} percept_dnnl_post_ops;

/// The layout an inference convolution with `post_ops` writes its output in; NULL when oneDNN
/// refuses the shape or the post-ops.
const percept_dnnl_layout *percept_dnnl_fused_convolution_output_layout(const percept_dnnl_convolution *shape, int has_bias,
                                                                        const percept_dnnl_post_ops *post_ops);

/// dst = post_ops(conv(src, weights) + bias) as one inference primitive; an ADD step adds
/// `residual` (of dst's shape, any layout; its data may be NULL when there is no ADD step).
/// `dst` is plain or in the layout percept_dnnl_fused_convolution_output_layout reported;
/// `weights_generation` as for percept_dnnl_convolution_forward. 0 on success.
int percept_dnnl_fused_convolution_forward(const percept_dnnl_convolution *shape, percept_dnnl_value src, const float *weights,
                                           uint64_t weights_generation, const float *bias,
                                           const percept_dnnl_post_ops *post_ops, percept_dnnl_value residual,
                                           percept_dnnl_output dst);

/// y = batch norm of src per channel (axis 1 of `dims`), scaled and shifted, then with `relu`
/// clamped at 0 in the same pass. Training writes the batch's `mean` and biased `variance`;
/// inference reads them. Training with `relu` fills `workspace`
/// (percept_dnnl_batch_norm_workspace_bytes) for the backward pass. `dst` is in `src`'s layout
/// (plain when src is). 0 on success.
int percept_dnnl_batch_norm_forward(int rank, const int64_t *dims, percept_dnnl_value src, const float *scale,
                                    const float *shift, float *mean, float *variance, int training, float eps,
                                    int relu, void *workspace, percept_dnnl_output dst);

/// The bytes of the workspace training-mode batch norm with ReLU keeps for its backward pass;
/// 0 when oneDNN refuses the shape.
size_t percept_dnnl_batch_norm_workspace_bytes(int rank, const int64_t *dims, percept_dnnl_value src, float eps);

/// The gradients of training-mode batch norm: of the input (in `src`'s layout), of the scale
/// and of the shift, from the forward pass's batch mean and biased variance; with `relu`,
/// `diff_dst` is the gradient after the fused ReLU and `workspace` the forward pass's. 0 on success.
int percept_dnnl_batch_norm_backward(int rank, const int64_t *dims, percept_dnnl_value src, percept_dnnl_value diff_dst,
                                     const float *mean, const float *variance, const float *scale, const float *shift, float eps,
                                     int relu, const void *workspace, float *diff_scale, float *diff_shift,
                                     percept_dnnl_output diff_src);

/// The element-wise activations oneDNN runs (alpha: unused by these four; SiLU is swish, alpha 1).
typedef enum { PERCEPT_DNNL_RELU, PERCEPT_DNNL_SIGMOID, PERCEPT_DNNL_TANH, PERCEPT_DNNL_SILU } percept_dnnl_activation;

/// dst = activation(src), in `src`'s layout. 0 on success.
int percept_dnnl_activation_forward(percept_dnnl_activation activation, float alpha, int rank, const int64_t *dims,
                                    percept_dnnl_value src, percept_dnnl_output dst);

/// diff_src = activation'(src) · diff_dst, in `src`'s layout. 0 on success.
int percept_dnnl_activation_backward(percept_dnnl_activation activation, float alpha, int rank, const int64_t *dims,
                                     percept_dnnl_value src, percept_dnnl_value diff_dst, percept_dnnl_output diff_src);

/// Max pooling, or average pooling counting the padding in the divisor or not.
typedef enum {
    PERCEPT_DNNL_MAX_POOLING, PERCEPT_DNNL_AVERAGE_POOLING_WITH_PADDING, PERCEPT_DNNL_AVERAGE_POOLING_WITHOUT_PADDING
} percept_dnnl_pooling_algorithm;

/// The geometry of one 2-D pooling; the padding after may differ from the padding before
/// (ceil mode), dilation 1 means none.
typedef struct {
    int algorithm;
    int batch, channels, height, width, output_height, output_width;
    int kernel_height, kernel_width, stride_height, stride_width;
    int padding_top, padding_left, padding_bottom, padding_right;
    int dilation_height, dilation_width;
} percept_dnnl_pooling;

/// The layout pooling `src` writes its output in, and the workspace bytes a training-mode max
/// pooling keeps for its backward pass (0 for none); NULL when oneDNN refuses.
const percept_dnnl_layout *percept_dnnl_pooling_output_layout(const percept_dnnl_pooling *shape, percept_dnnl_value src,
                                                              int training, size_t *workspace_bytes);

/// dst = pooling of src (`workspace` filled for training-mode max pooling). 0 on success.
int percept_dnnl_pooling_forward(const percept_dnnl_pooling *shape, percept_dnnl_value src, int training, void *workspace,
                                 percept_dnnl_output dst);

/// The layout pooling's backward pass writes the input gradient in, for an input in `src_layout`
/// (NULL: plain); NULL when refused.
const percept_dnnl_layout *percept_dnnl_pooling_input_gradient_layout(const percept_dnnl_pooling *shape,
                                                                      const percept_dnnl_layout *src_layout);

/// diff_src of a training-mode pooling whose input was in `src_layout`, from diff_dst and the
/// forward pass's workspace. 0 on success.
int percept_dnnl_pooling_backward(const percept_dnnl_pooling *shape, const percept_dnnl_layout *src_layout,
                                  percept_dnnl_value diff_dst, const void *workspace, percept_dnnl_output diff_src);

/// sum = a + b (same shape), in `a`'s layout (`b` may be in another). 0 on success.
int percept_dnnl_add(int rank, const int64_t *dims, percept_dnnl_value a, percept_dnnl_value b, percept_dnnl_output sum);

/// The most tensors one oneDNN concatenation joins (more are joined by the engine's kernels).
#define PERCEPT_DNNL_MAX_CONCAT 8

/// The layout a concatenation of `count` float32 tensors of `rank` axes along `axis` writes
/// (their shapes row by row in `dims`, their layouts in `layouts`, NULL: plain): the first
/// blocked input's. NULL when oneDNN refuses (a blocked input whose size along `axis` is not a
/// whole number of blocks, more than PERCEPT_DNNL_MAX_CONCAT inputs).
const percept_dnnl_layout *percept_dnnl_concat_output_layout(int count, int rank, int axis, const int64_t *dims,
                                                             const percept_dnnl_layout *const *layouts);

/// dst = the inputs joined along `axis`, written in the layout percept_dnnl_concat_output_layout
/// reported for them. 0 on success.
int percept_dnnl_concat(int count, int rank, int axis, const int64_t *dims, const percept_dnnl_value *inputs,
                        percept_dnnl_output dst);

/// dst = the window [start, start + length) along `axis` of `src` (of `rank` axes, `dims`),
/// written in `dst.layout` (plain when NULL). Refused (non-zero) when `src` is blocked along
/// `axis` and the window does not start on a block boundary, or end on one before the end.
int percept_dnnl_slice(int rank, const int64_t *dims, percept_dnnl_value src, int axis, int64_t start, int64_t length,
                       percept_dnnl_output dst);

/// The layout of the window of `length` along `axis` of a 4-D tensor in `layout`: the same
/// blocked format (nChw16c, nChw8c, nChw4c, NHWC) over the window's shape, so the window can be
/// copied out without leaving the format. NULL for another layout.
const percept_dnnl_layout *percept_dnnl_window_layout(const percept_dnnl_layout *layout, int axis, int64_t length);

/// Writes `src` (shaped as the window, any layout) into the window [start, start + length) along
/// `axis` of `dst` (of `rank` axes, `dims`; plain when its layout is NULL), leaving the rest of
/// `dst` as it is. Refused (non-zero) as percept_dnnl_slice is. 0 on success.
int percept_dnnl_place(int rank, const int64_t *dims, percept_dnnl_output dst, int axis, int64_t start, int64_t length,
                       percept_dnnl_value src);

/// The layout nearest-neighbour upsampling of a 4-D tensor of `dims` in `src_layout` (NULL:
/// plain) to `out_height` × `out_width` writes; NULL when oneDNN refuses.
const percept_dnnl_layout *percept_dnnl_upsample_output_layout(const int64_t *dims, const percept_dnnl_layout *src_layout,
                                                               int64_t out_height, int64_t out_width);

/// The layout the backward pass of that upsampling writes the input gradient in; NULL when refused.
const percept_dnnl_layout *percept_dnnl_upsample_input_gradient_layout(const int64_t *dims, const percept_dnnl_layout *src_layout,
                                                                       int64_t out_height, int64_t out_width);

/// dst = `src` upsampled (nearest) to `out_height` × `out_width`, written in the layout
/// percept_dnnl_upsample_output_layout reported. oneDNN reads input floor(o / f) for a whole
/// factor f, PyTorch's `nearest`. 0 on success.
int percept_dnnl_upsample_forward(const int64_t *dims, percept_dnnl_value src, int64_t out_height, int64_t out_width,
                                  percept_dnnl_output dst);

/// diff_src (each input pixel: the sum of the output gradients that read it) of that
/// upsampling of an input in `src_layout`, written in the layout
/// percept_dnnl_upsample_input_gradient_layout reported. 0 on success.
int percept_dnnl_upsample_backward(const int64_t *dims, const percept_dnnl_layout *src_layout, percept_dnnl_value diff_dst,
                                   int64_t out_height, int64_t out_width, percept_dnnl_output diff_src);


#endif
