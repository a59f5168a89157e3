"""Matrix products, convolutions, pooling, resampling, normalisation and the classification loss."""
import torch
import torch.nn.functional as F

from .catalogue import Case, op


@op("matmul", torch.matmul, "torch.matmul(input0, input1)",
    "input0, input1: float32; 1-D operands are vectors, batch axes broadcast.")
def matmul_cases(draw):
    shapes = [
        ("matrix_matrix", (3, 4), (4, 5)),
        ("vector_matrix", (4,), (4, 5)),
        ("matrix_vector", (3, 4), (4,)),
        ("vector_vector", (4,), (4,)),
        ("batched", (2, 3, 4), (2, 4, 5)),
        ("broadcast_batch", (2, 1, 3, 4), (3, 4, 5)),
        ("batched_matrix", (2, 3, 4), (4, 5)),
        ("batched_vector", (2, 3, 4), (4,)),
    ]
    return [Case(name, [draw.normal(*a), draw.normal(*b)]) for name, a, b in shapes]


def convolution_case(draw, name, input_shape, weight_shape, bias, **params):
    inputs = [draw.normal(*input_shape), draw.normal(*weight_shape, scale=0.5)]
    if bias:
        transposed = "output_padding" in params
        output_channels = weight_shape[1] * params["groups"] if transposed else weight_shape[0]
        inputs.append(draw.normal(output_channels))
    return Case(name, inputs, **params)


CONVOLUTION_INPUTS = "input0: float32 input; input1: float32 weight; input2: float32 bias when present."


@op("conv1d", F.conv1d, "F.conv1d(input0, input1, input2, stride, padding, dilation, groups)",
    CONVOLUTION_INPUTS + " Weight [out, in/groups, k].")
def conv1d_cases(draw):
    def case(name, weight, bias=True, stride=1, padding=0, dilation=1, groups=1):
        return convolution_case(draw, name, (2, 4, 9), weight, bias, stride=[stride], padding=[padding],
                                dilation=[dilation], groups=groups)

    return [
        case("basic", (6, 4, 3)),
        case("stride2_padding1", (6, 4, 3), stride=2, padding=1),
        case("dilation2", (6, 4, 3), padding=2, dilation=2),
        case("groups2_no_bias", (6, 2, 3), bias=False, groups=2),
    ]


@op("conv2d", F.conv2d, "F.conv2d(input0, input1, input2, stride, padding, dilation, groups)",
    CONVOLUTION_INPUTS + " Weight [out, in/groups, kH, kW].")
def conv2d_cases(draw):
    def case(name, weight, bias=True, stride=(1, 1), padding=(0, 0), dilation=(1, 1), groups=1):
        return convolution_case(draw, name, (2, 4, 7, 6), weight, bias, stride=list(stride), padding=list(padding),
                                dilation=list(dilation), groups=groups)

    return [
        case("basic", (5, 4, 3, 3)),
        case("stride_2_1_padding_1_2", (5, 4, 3, 3), stride=(2, 1), padding=(1, 2)),
        case("dilation2", (5, 4, 3, 3), padding=(1, 1), dilation=(2, 2)),
        case("groups2_no_bias", (6, 2, 3, 3), bias=False, groups=2),
        case("depthwise_stride2", (4, 1, 3, 3), stride=(2, 2), padding=(1, 1), groups=4),
        case("pointwise", (5, 4, 1, 1)),
        case("rectangular_kernel", (3, 4, 2, 3), padding=(1, 0)),
    ]


@op("conv_transpose2d", F.conv_transpose2d,
    "F.conv_transpose2d(input0, input1, input2, stride, padding, output_padding, groups, dilation)",
    CONVOLUTION_INPUTS + " Weight [in, out/groups, kH, kW].")
def conv_transpose2d_cases(draw):
    def case(name, weight, bias=True, stride=(1, 1), padding=(0, 0), output_padding=(0, 0), groups=1):
        return convolution_case(draw, name, (2, 4, 5, 4), weight, bias, stride=list(stride), padding=list(padding),
                                output_padding=list(output_padding), groups=groups, dilation=[1, 1])

    return [
        case("basic", (4, 3, 3, 3)),
        case("stride2_padding1_output_padding1", (4, 3, 3, 3), stride=(2, 2), padding=(1, 1), output_padding=(1, 1)),
        case("groups2_no_bias", (4, 2, 3, 3), bias=False, stride=(2, 2), groups=2),
        case("uneven", (4, 3, 3, 2), stride=(2, 3), padding=(1, 0), output_padding=(0, 2)),
        case("kernel2_stride2", (4, 2, 2, 2), stride=(2, 2)),
    ]


MAX_POOL_OUTPUTS = ("input0: float32 without ties; output: values; output1: int64 index of each maximum "
                    "within its (n, c) plane of the input, flattened (h * W + w); gradients through values.")


@op("max_pool1d", F.max_pool1d, "F.max_pool1d(input0, kernel_size, stride, padding, dilation, ceil_mode, "
    "return_indices)", MAX_POOL_OUTPUTS)
def max_pool1d_cases(draw):
    def case(name, kernel, stride, padding=0, dilation=1):
        return Case(name, [draw.distinct(2, 3, 10)], kernel_size=[kernel], stride=[stride], padding=[padding],
                    dilation=[dilation], ceil_mode=False, return_indices=True)

    return [case("kernel2_stride2", 2, 2), case("kernel3_stride2_padding1", 3, 2, 1),
            case("dilation2_overlapping", 3, 1, 0, 2)]


@op("max_pool2d", F.max_pool2d, "F.max_pool2d(input0, kernel_size, stride, padding, dilation, ceil_mode, "
    "return_indices)", MAX_POOL_OUTPUTS)
def max_pool2d_cases(draw):
    def case(name, kernel, stride, padding=(0, 0), dilation=(1, 1)):
        return Case(name, [draw.distinct(2, 3, 7, 6)], kernel_size=list(kernel), stride=list(stride),
                    padding=list(padding), dilation=list(dilation), ceil_mode=False, return_indices=True)

    return [
        case("kernel2_stride2", (2, 2), (2, 2)),
        case("kernel3_stride2_padding1", (3, 3), (2, 2), (1, 1)),
        case("rectangular_overlapping", (3, 2), (1, 2), (1, 0)),
        case("dilation_2_1", (2, 2), (1, 1), (0, 0), (2, 1)),
    ]


@op("avg_pool1d", F.avg_pool1d, "F.avg_pool1d(input0, kernel_size, stride, padding, ceil_mode, count_include_pad)",
    "input0: float32.")
def avg_pool1d_cases(draw):
    def case(name, kernel, stride, padding, include):
        return Case(name, [draw.normal(2, 3, 9)], kernel_size=[kernel], stride=[stride], padding=[padding],
                    ceil_mode=False, count_include_pad=include)

    return [case("kernel3_padding1_include_pad", 3, 2, 1, True), case("kernel3_padding1_exclude_pad", 3, 2, 1, False),
            case("kernel2_stride2", 2, 2, 0, True)]


@op("avg_pool2d", F.avg_pool2d, "F.avg_pool2d(input0, kernel_size, stride, padding, ceil_mode, count_include_pad)",
    "input0: float32.")
def avg_pool2d_cases(draw):
    def case(name, kernel, stride, padding, include):
        return Case(name, [draw.normal(2, 3, 7, 6)], kernel_size=list(kernel), stride=list(stride),
                    padding=list(padding), ceil_mode=False, count_include_pad=include)

    return [
        case("kernel2_stride2", (2, 2), (2, 2), (0, 0), True),
        case("kernel3_padding1_include_pad", (3, 3), (2, 2), (1, 1), True),
        case("kernel3_padding1_exclude_pad", (3, 3), (2, 2), (1, 1), False),
        case("rectangular_exclude_pad", (3, 2), (1, 2), (1, 1), False),
    ]


ADAPTIVE_SIZES = [("uneven_windows", [2, 3]), ("global", [1, 1]), ("identity", [5, 7]), ("upsizing_rows", [3, 2])]


@op("adaptive_avg_pool2d", F.adaptive_avg_pool2d, "F.adaptive_avg_pool2d(input0, output_size)",
    "input0: float32 [N, C, 5, 7]; windows from floor(i*H/out) to ceil((i+1)*H/out).")
def adaptive_avg_pool2d_cases(draw):
    return [Case(name, [draw.normal(2, 3, 5, 7)], output_size=size) for name, size in ADAPTIVE_SIZES]


@op("adaptive_max_pool2d", F.adaptive_max_pool2d, "F.adaptive_max_pool2d(input0, output_size, return_indices)",
    MAX_POOL_OUTPUTS)
def adaptive_max_pool2d_cases(draw):
    return [Case(name, [draw.distinct(2, 3, 5, 7)], output_size=size, return_indices=True)
            for name, size in ADAPTIVE_SIZES]


@op("upsample_nearest2d", F.interpolate, "F.interpolate(input0, size | scale_factor, mode='nearest')",
    "input0: float32 [N, C, H, W]; source index floor(dst * in / out) (PyTorch's legacy 'nearest').")
def upsample_nearest2d_cases(draw):
    return [
        Case("size_double", [draw.normal(1, 2, 3, 4)], size=[6, 8], mode="nearest"),
        Case("size_uneven", [draw.normal(1, 2, 3, 4)], size=[5, 7], mode="nearest"),
        Case("size_shrink", [draw.normal(1, 2, 3, 4)], size=[2, 3], mode="nearest"),
        Case("scale_2_3", [draw.normal(2, 1, 3, 2)], scale_factor=[2.0, 3.0], mode="nearest"),
    ]


@op("upsample_bilinear2d", F.interpolate,
    "F.interpolate(input0, size | scale_factor, mode='bilinear', align_corners)",
    "input0: float32 [N, C, H, W]; align_corners true maps corner pixel centres onto each other, "
    "false maps pixel edges (source = (dst + 0.5) * in / out - 0.5, clamped at 0).")
def upsample_bilinear2d_cases(draw):
    cases = []
    for align in (False, True):
        suffix = "align_corners" if align else "half_pixel"
        cases += [
            Case(f"size_uneven_{suffix}", [draw.normal(1, 2, 3, 4)], size=[5, 7], mode="bilinear", align_corners=align),
            Case(f"scale2_{suffix}", [draw.normal(2, 1, 3, 3)], scale_factor=[2.0, 2.0], mode="bilinear",
                 align_corners=align),
            Case(f"size_shrink_{suffix}", [draw.normal(1, 2, 5, 6)], size=[3, 4], mode="bilinear", align_corners=align),
        ]
    return cases


def batch_norm(input, weight, bias, running_mean, running_var, training, momentum, eps):
    """F.batch_norm updates the running statistics in place; return the updated copies too."""
    updated_mean = running_mean.detach().clone()
    updated_var = running_var.detach().clone()
    output = F.batch_norm(input, updated_mean, updated_var, weight, bias, training=training, momentum=momentum, eps=eps)
    return output, updated_mean, updated_var


@op("batch_norm", batch_norm, "F.batch_norm(input0, input3, input4, input1, input2, training, momentum, eps)",
    "input0: float32 [N, C, ...]; input1: weight [C]; input2: bias [C]; input3: running_mean [C]; "
    "input4: running_var [C]. output: normalised input (batch statistics, biased variance, when "
    "training); output1, output2: running_mean and running_var after the update "
    "(new = (1 - momentum) * old + momentum * batch, with the unbiased batch variance). "
    "Gradients flow to input0..input2 only.")
def batch_norm_cases(draw):
    def case(name, shape, training=True):
        channels = shape[1]
        inputs = [draw.normal(*shape, scale=2.0) + 0.5, draw.positive(channels), draw.normal(channels),
                  draw.normal(channels), draw.positive(channels)]
        return Case(name, inputs, training=training, momentum=0.1, eps=1e-5)

    return [case("images", (4, 3, 2, 2)), case("features", (5, 3)), case("sequences", (3, 2, 4)),
            case("eval_mode", (4, 3, 2, 2), training=False)]


def layer_norm(input, weight, bias, normalized_shape, eps):
    return F.layer_norm(input, normalized_shape, weight, bias, eps)


@op("layer_norm", layer_norm, "F.layer_norm(input0, normalized_shape, input1, input2, eps)",
    "input0: float32; input1: weight and input2: bias, both of shape normalized_shape "
    "(the trailing axes normalised together, biased variance).")
def layer_norm_cases(draw):
    def case(name, shape, normalized):
        inputs = [draw.normal(*shape, scale=2.0) + 0.5, draw.positive(*normalized), draw.normal(*normalized)]
        return Case(name, inputs, normalized_shape=list(normalized), eps=1e-5)

    return [case("last_axis", (2, 3, 4), (4,)), case("last_two_axes", (2, 3, 4), (3, 4))]


@op("cross_entropy", F.cross_entropy, "F.cross_entropy(input0, input1, reduction)",
    "input0: float32 logits [N, C]; input1: int64 class indices [N]. "
    "output: 0-d for mean/sum, [N] for none.")
def cross_entropy_cases(draw):
    return [
        Case(reduction, [draw.normal(5, 4, scale=2.0), draw.indices(4, 5)], reduction=reduction)
        for reduction in ("mean", "sum", "none")
    ]
