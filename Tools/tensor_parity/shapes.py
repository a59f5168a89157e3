"""Shape ops: views, joining and splitting, padding, indexing."""
import torch
import torch.nn.functional as F

from .catalogue import Case, op


def reshape(input, shape):
    return input.reshape(shape)


def expand(input, size):
    return input.expand(size)


def repeat(input, repeats):
    return input.repeat(repeats)


def cat(*tensors, dim):
    return torch.cat(tensors, dim=dim)


def stack(*tensors, dim):
    return torch.stack(tensors, dim=dim)


def index_select(input, index, dim):
    return torch.index_select(input, dim, index)


def gather(input, index, dim):
    return torch.gather(input, dim, index)


def scatter_add(input, index, source, dim):
    return torch.scatter_add(input, dim, index, source)


def masked_fill(input, mask, value):
    return input.masked_fill(mask, value)


def slice_along(input, dim, start, end, step):
    """Python's input[..., start:end:step, ...] on axis `dim`."""
    axis = dim % input.dim()
    return input[(slice(None),) * axis + (slice(start, end, step),)]


@op("reshape", reshape, "input0.reshape(shape)", "input0: float32; one -1 in `shape` is inferred.")
def reshape_cases(draw):
    return [
        Case("to_matrix", [draw.normal(2, 3, 4)], shape=[4, 6]),
        Case("inferred", [draw.normal(2, 3, 4)], shape=[-1, 3]),
        Case("add_axes", [draw.normal(6, 4)], shape=[2, 1, 3, 4]),
    ]


@op("flatten", torch.flatten, "torch.flatten(input0, start_dim, end_dim)", "input0: float32.")
def flatten_cases(draw):
    return [
        Case("after_batch", [draw.normal(2, 3, 2, 2)], start_dim=1, end_dim=-1),
        Case("first_two", [draw.normal(2, 3, 4)], start_dim=0, end_dim=1),
        Case("everything", [draw.normal(2, 3, 4)], start_dim=0, end_dim=-1),
    ]


@op("squeeze", torch.squeeze, "torch.squeeze(input0, dim)", "input0: float32; no `dim` removes every size-1 axis.")
def squeeze_cases(draw):
    return [
        Case("dim1", [draw.normal(2, 1, 3, 1)], dim=1),
        Case("last_dim", [draw.normal(2, 1, 3, 1)], dim=-1),
        Case("all", [draw.normal(2, 1, 3, 1)]),
    ]


@op("unsqueeze", torch.unsqueeze, "torch.unsqueeze(input0, dim)", "input0: float32.")
def unsqueeze_cases(draw):
    return [
        Case("front", [draw.normal(3, 4)], dim=0),
        Case("middle", [draw.normal(3, 4)], dim=1),
        Case("end_negative", [draw.normal(3, 4)], dim=-1),
    ]


@op("permute", torch.permute, "torch.permute(input0, dims)", "input0: float32.")
def permute_cases(draw):
    return [
        Case("rotate", [draw.normal(2, 3, 4)], dims=[2, 0, 1]),
        Case("nchw_to_nhwc", [draw.normal(2, 3, 2, 4)], dims=[0, 2, 3, 1]),
        Case("negative", [draw.normal(2, 3, 4)], dims=[-1, 0, -2]),
    ]


@op("transpose", torch.transpose, "torch.transpose(input0, dim0, dim1)", "input0: float32.")
def transpose_cases(draw):
    return [
        Case("matrix", [draw.normal(3, 4)], dim0=0, dim1=1),
        Case("negative", [draw.normal(2, 3, 4)], dim0=-1, dim1=1),
    ]


@op("expand", expand, "input0.expand(size)", "input0: float32; -1 in `size` keeps that axis.")
def expand_cases(draw):
    return [
        Case("rows", [draw.normal(1, 4)], size=[3, 4]),
        Case("new_leading_axis", [draw.normal(3, 1)], size=[2, 3, 4]),
        Case("keep_axis", [draw.normal(2, 1, 4)], size=[2, 3, -1]),
    ]


@op("cat", cat, "torch.cat([input0, input1, ...], dim)", "input0, input1, ...: float32.")
def cat_cases(draw):
    return [
        Case("rows", [draw.normal(2, 3), draw.normal(4, 3)], dim=0),
        Case("three_last_dim", [draw.normal(2, 3, 1), draw.normal(2, 3, 4), draw.normal(2, 3, 2)], dim=-1),
        Case("middle", [draw.normal(2, 1, 3), draw.normal(2, 2, 3)], dim=1),
    ]


@op("stack", stack, "torch.stack([input0, input1, ...], dim)", "input0, input1, ...: float32 of one shape.")
def stack_cases(draw):
    return [
        Case("front", [draw.normal(2, 3), draw.normal(2, 3)], dim=0),
        Case("middle_three", [draw.normal(2, 3), draw.normal(2, 3), draw.normal(2, 3)], dim=1),
        Case("end_negative", [draw.normal(2, 3), draw.normal(2, 3)], dim=-1),
    ]


@op("split", torch.split, "torch.split(input0, split_size_or_sections, dim)",
    "input0: float32; outputs output, output1, ... (the last piece may be shorter).")
def split_cases(draw):
    return [
        Case("size_2_uneven", [draw.normal(5, 3)], split_size_or_sections=2, dim=0),
        Case("sections_last_dim", [draw.normal(2, 3, 4)], split_size_or_sections=[1, 3], dim=-1),
    ]


@op("chunk", torch.chunk, "torch.chunk(input0, chunks, dim)", "input0: float32; outputs output, output1, ...")
def chunk_cases(draw):
    return [
        Case("three_even", [draw.normal(2, 6)], chunks=3, dim=1),
        Case("two_uneven_last_dim", [draw.normal(2, 3, 5)], chunks=2, dim=-1),
    ]


@op("pad", F.pad, "F.pad(input0, pad, mode, value)",
    "input0: float32; `pad` lists (before, after) pairs starting from the last axis.")
def pad_cases(draw):
    return [
        Case("constant_1d", [draw.normal(2, 3, 4)], pad=[1, 2], mode="constant", value=0.5),
        Case("constant_2d_asymmetric", [draw.normal(1, 2, 3, 4)], pad=[2, 0, 1, 3], mode="constant", value=0.0),
        Case("reflect_1d", [draw.normal(2, 2, 5)], pad=[2, 3], mode="reflect"),
        Case("reflect_2d", [draw.normal(1, 2, 4, 5)], pad=[1, 2, 3, 1], mode="reflect"),
        Case("replicate_1d", [draw.normal(2, 2, 4)], pad=[3, 1], mode="replicate"),
        Case("replicate_2d", [draw.normal(1, 2, 3, 4)], pad=[2, 1, 0, 2], mode="replicate"),
    ]


@op("index_select", index_select, "torch.index_select(input0, dim, input1)",
    "input0: float32; input1: int64 1-D indices (with repeats, so gradients accumulate).")
def index_select_cases(draw):
    return [
        Case("rows", [draw.normal(4, 3), torch.tensor([2, 0, 2, 3, 2])], dim=0),
        Case("last_dim", [draw.normal(2, 3, 5), torch.tensor([4, 1, 1])], dim=-1),
    ]


@op("gather", gather, "torch.gather(input0, dim, input1)",
    "input0: float32; input1: int64 indices along `dim`, same rank as input0.")
def gather_cases(draw):
    return [
        Case("dim1", [draw.normal(3, 4), draw.indices(4, 3, 5)], dim=1),
        Case("dim0", [draw.normal(3, 4), draw.indices(3, 2, 4)], dim=0),
        Case("last_dim_rank3", [draw.normal(2, 3, 4), draw.indices(4, 2, 3, 2)], dim=-1),
    ]


@op("scatter_add", scatter_add, "torch.scatter_add(input0, dim, input1, input2)",
    "input0: float32 base; input1: int64 indices along `dim` (same shape as input2, repeats add up); "
    "input2: float32 values added.")
def scatter_add_cases(draw):
    return [
        Case("dim0", [draw.normal(3, 4), draw.indices(3, 5, 4), draw.normal(5, 4)], dim=0),
        Case("dim1", [draw.normal(3, 4), draw.indices(4, 3, 6), draw.normal(3, 6)], dim=1),
        Case("last_dim_rank3", [draw.normal(2, 3, 4), draw.indices(4, 2, 3, 3), draw.normal(2, 3, 3)], dim=-1),
    ]


@op("masked_fill", masked_fill, "input0.masked_fill(input1, value)",
    "input0: float32; input1: bool mask, broadcast to input0's shape.")
def masked_fill_cases(draw):
    return [
        Case("same_shape", [draw.normal(3, 4), draw.mask(3, 4)], value=-1.5),
        Case("broadcast_mask", [draw.normal(2, 3, 4), draw.mask(3, 1)], value=2.0),
    ]


@op("repeat", repeat, "input0.repeat(repeats)", "input0: float32; more repeats than axes adds leading axes.")
def repeat_cases(draw):
    return [
        Case("matrix", [draw.normal(2, 3)], repeats=[2, 3]),
        Case("new_axis", [draw.normal(2, 3)], repeats=[2, 1, 2]),
        Case("ones", [draw.normal(2, 3)], repeats=[1, 1]),
    ]


@op("slice", slice_along, "input0[..., start:end:step, ...] on axis dim",
    "input0: float32; Python slice semantics (negative start/end count from the end).")
def slice_cases(draw):
    return [
        Case("strided", [draw.normal(3, 7)], dim=1, start=1, end=6, step=2),
        Case("prefix_last_dim", [draw.normal(2, 3, 5)], dim=-1, start=0, end=3, step=1),
        Case("negative_start", [draw.normal(5, 3)], dim=0, start=-3, end=5, step=1),
        Case("step_3_rank3", [draw.normal(2, 7, 3)], dim=1, start=0, end=7, step=3),
    ]
