"""Element-wise ops: arithmetic with broadcasting, maths functions, activations, comparisons."""
import torch
import torch.nn.functional as F

from .catalogue import Case, op

# (case name, shape of input0, shape of input1): same shapes, then NumPy broadcasting across
# ranks and size-1 dimensions on either side, and a 0-d operand.
BROADCAST_SHAPES = [
    ("same_shape", (3, 4), (3, 4)),
    ("row_vector", (2, 3, 4), (4,)),
    ("column_times_row", (3, 1), (1, 4)),
    ("both_sides", (2, 1, 4), (3, 1)),
    ("scalar_other", (2, 3), ()),
    ("scalar_self", (), (2, 3)),
]


def binary(name, call, draw_first, draw_second, extra=()):
    @op(name, call, f"torch.{call.__name__}(input0, input1)",
        "input0, input1: float32, broadcast against each other.")
    def cases(draw):
        return [Case(case, [draw_first(draw, a), draw_second(draw, b)]) for case, a, b in BROADCAST_SHAPES] + [
            make(draw) for make in extra
        ]


def normal(draw, shape):
    return draw.normal(*shape)


binary("add", torch.add, normal, normal)
binary("sub", torch.sub, normal, normal)
binary("mul", torch.mul, normal, normal)
binary("div", torch.div, normal, lambda draw, shape: draw.nonzero(*shape))
binary("maximum", torch.maximum, normal, normal)
binary("minimum", torch.minimum, normal, normal)


@op("pow", torch.pow, "torch.pow(input0, input1) or torch.pow(input0, exponent=...)",
    "input0: positive float32 base; input1: float32 exponent (absent when `exponent` is given).")
def pow_cases(draw):
    cases = [Case(name, [draw.positive(*a), draw.uniform(-2.0, 2.0, *b)]) for name, a, b in BROADCAST_SHAPES]
    cases.append(Case("scalar_exponent_square", [draw.positive(3, 4)], exponent=2.0))
    cases.append(Case("scalar_exponent_fraction", [draw.positive(2, 3)], exponent=-1.5))
    return cases


def unary(name, call, reference, draw_input, options=({},)):
    """An element-wise op on one float32 input; one matrix and one rank-3 case per option set."""

    @op(name, call, reference, "input0: float32.")
    def cases(draw):
        result = []
        for options_index, params in enumerate(options):
            suffix = "" if len(options) == 1 else f"_{options_index}"
            for shape_name, shape in (("matrix", (3, 4)), ("rank3", (2, 3, 4))):
                result.append(Case(f"{shape_name}{suffix}", [draw_input(draw, shape, params)], **params))
        return result


def smooth(draw, shape, params):
    return draw.normal(*shape, scale=1.5)


def away_from_zero(draw, shape, params):
    return draw.away(*shape, scale=1.5)


def positive(draw, shape, params):
    return draw.positive(*shape)


unary("neg", torch.neg, "torch.neg(input0)", smooth)
unary("abs", torch.abs, "torch.abs(input0)", away_from_zero)
unary("sqrt", torch.sqrt, "torch.sqrt(input0)", positive)
unary("exp", torch.exp, "torch.exp(input0)", smooth)
unary("log", torch.log, "torch.log(input0)", positive)
unary("sin", torch.sin, "torch.sin(input0)", smooth)
unary("cos", torch.cos, "torch.cos(input0)", smooth)
unary("relu", F.relu, "F.relu(input0)", away_from_zero)
unary("leaky_relu", F.leaky_relu, "F.leaky_relu(input0, negative_slope)", away_from_zero,
      ({"negative_slope": 0.01}, {"negative_slope": 0.2}))
unary("elu", F.elu, "F.elu(input0, alpha)", away_from_zero, ({"alpha": 1.0}, {"alpha": 0.5}))
unary("selu", F.selu, "F.selu(input0)", away_from_zero)
unary("gelu", F.gelu, "F.gelu(input0, approximate)", smooth, ({"approximate": "none"}, {"approximate": "tanh"}))
unary("silu", F.silu, "F.silu(input0)", smooth)
unary("mish", F.mish, "F.mish(input0)", smooth)
unary("sigmoid", torch.sigmoid, "torch.sigmoid(input0)", smooth)
unary("tanh", torch.tanh, "torch.tanh(input0)", smooth)


def away_from_bounds(draw, shape, params):
    low = params.get("min", params.get("min_val"))
    high = params.get("max", params.get("max_val"))
    kinks = [bound for bound in (low, high) if bound is not None]
    return draw.away(*shape, kinks=kinks, margin=0.05)


unary("clamp", torch.clamp, "torch.clamp(input0, min, max)", away_from_bounds,
      ({"min": -0.5, "max": 0.5}, {"min": -0.3}, {"max": 0.4}))
unary("hardtanh", F.hardtanh, "F.hardtanh(input0, min_val, max_val)", away_from_bounds,
      ({"min_val": -1.0, "max_val": 1.0}, {"min_val": -0.5, "max_val": 2.0}))


def away_from_threshold(draw, shape, params):
    return draw.away(*shape, kinks=[params["threshold"] / params["beta"]], scale=2.0)


unary("softplus", F.softplus, "F.softplus(input0, beta, threshold)", away_from_threshold,
      ({"beta": 1.0, "threshold": 20.0}, {"beta": 2.0, "threshold": 2.0}))


@op("where", torch.where, "torch.where(input0, input1, input2)",
    "input0: bool condition; input1: float32 taken where true; input2: float32 taken where false; all broadcast.")
def where_cases(draw):
    return [
        Case("same_shape", [draw.mask(3, 4), draw.normal(3, 4), draw.normal(3, 4)]),
        Case("broadcast", [draw.mask(3, 1), draw.normal(2, 1, 4), draw.normal(4)]),
        Case("scalar_branch", [draw.mask(2, 3), draw.normal(2, 3), draw.normal()]),
    ]


def comparison(name, call):
    @op(name, call, f"torch.{name}(input0, input1)",
        "input0, input1: float32 whole numbers (so some are equal), broadcast; output: bool; forward only.")
    def cases(draw):
        return [Case(case, [draw.whole(-2, 2, *a), draw.whole(-2, 2, *b)]) for case, a, b in BROADCAST_SHAPES[:4]]


comparison("eq", torch.eq)
comparison("lt", torch.lt)
comparison("gt", torch.gt)
