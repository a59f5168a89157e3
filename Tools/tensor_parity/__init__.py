"""The ops of PerceptTensor's PyTorch parity fixtures, and what their parameters mean."""
from . import elementwise, reductions, shapes, vision  # noqa: F401  (importing registers the ops)
from .catalogue import OPS

# Every keyword argument a case may carry; the generator refuses a case whose key is missing here.
PARAMETER_MEANINGS = {
    "exponent": "pow: a scalar exponent used instead of a second input tensor",
    "negative_slope": "leaky_relu: slope for negative inputs",
    "alpha": "elu: output tends to -alpha for very negative inputs",
    "approximate": "gelu: `none` = exact x * Phi(x) with erf; `tanh` = the tanh approximation",
    "min": "clamp: lower bound (absent = unbounded)",
    "max": "clamp: upper bound (absent = unbounded)",
    "min_val": "hardtanh: lower bound",
    "max_val": "hardtanh: upper bound",
    "beta": "softplus: log(1 + exp(beta * x)) / beta",
    "threshold": "softplus: where beta * x > threshold the output is x (linear)",
    "dim": "axis (int) or axes (list of ints); negative counts from the end. sum/mean/var/std/"
           "logsumexp take a list; max/min/argmax/argmin/softmax/log_softmax/squeeze/unsqueeze/"
           "cat/stack/split/chunk/index_select/gather/scatter_add/slice take an int. "
           "Absent on a reduction: reduce every axis",
    "keepdim": "reductions: keep reduced axes as size 1 (absent = false)",
    "correction": "var/std: divide by N - correction (1 = unbiased, 0 = population)",
    "shape": "reshape: new shape, one entry may be -1 (inferred)",
    "start_dim": "flatten: first axis merged",
    "end_dim": "flatten: last axis merged (inclusive; negative counts from the end)",
    "dims": "permute: output axis i is input axis dims[i] (negative counts from the end)",
    "dim0": "transpose: first axis swapped",
    "dim1": "transpose: second axis swapped",
    "size": "expand: target shape (-1 keeps the axis; extra leading axes are new); "
            "upsample: output [H, W]",
    "split_size_or_sections": "split: an int = size of every piece (last may be shorter); a list = piece sizes",
    "chunks": "chunk: number of pieces; each has ceil(n / chunks) along dim, the last may be shorter",
    "pad": "pad: (before, after) pairs, last axis first: [left, right] or [left, right, top, bottom]",
    "mode": "pad: `constant`, `reflect` (mirror without repeating the edge) or `replicate` (repeat the edge); "
            "upsample: `nearest` or `bilinear`",
    "value": "pad: fill value for constant mode; masked_fill: fill value where the mask is true",
    "repeats": "repeat: tile count per axis; more entries than input axes add leading axes",
    "start": "slice: first index (negative counts from the end)",
    "end": "slice: one past the last index (clamped to the axis length)",
    "step": "slice: stride, positive",
    "stride": "conv/pool: step of the window per spatial axis (list, one entry per spatial axis)",
    "padding": "conv/pool: implicit padding on both sides per spatial axis (zeros for conv and avg pool, "
               "-infinity for max pool); conv_transpose2d: removed from both sides of the output",
    "dilation": "conv/max pool: spacing between kernel taps per spatial axis",
    "groups": "conv: input and output channels split into this many independent groups",
    "output_padding": "conv_transpose2d: extra rows/columns added on the bottom/right of the output",
    "kernel_size": "pool: window size per spatial axis",
    "ceil_mode": "pool: always false here (output size rounds down)",
    "return_indices": "max pools: also return the int64 argmax indices as output1",
    "count_include_pad": "avg pool: true divides by the full window, false by the taps inside the input",
    "output_size": "adaptive pools: output [H, W]",
    "scale_factor": "upsample: output size = floor(input size * factor) per axis, [H factor, W factor]",
    "align_corners": "bilinear upsample: true aligns corner pixel centres, false uses half-pixel centres",
    "training": "batch_norm: true normalises with batch statistics and updates the running ones; "
                "false uses the running statistics",
    "momentum": "batch_norm: weight of the batch statistic in the running-statistics update",
    "eps": "batch_norm/layer_norm: added to the variance inside the square root",
    "normalized_shape": "layer_norm: the trailing axes normalised together (and the shape of weight/bias)",
    "reduction": "cross_entropy: `mean` over the batch, `sum`, or `none` (per-sample losses)",
}

__all__ = ["OPS", "PARAMETER_MEANINGS"]
