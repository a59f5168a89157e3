"""Reductions over axes, arg-reductions and the softmax family."""
import torch
import torch.nn.functional as F

from .catalogue import Case, op

SHAPE = (2, 3, 4)

# Reducing everything, one axis, several axes with kept dimensions, a negative axis.
AXIS_OPTIONS = [
    ("all", {}),
    ("dim1", {"dim": [1]}),
    ("dims_0_2_keepdim", {"dim": [0, 2], "keepdim": True}),
    ("last_dim", {"dim": [-1], "keepdim": False}),
]

for name, call in (("sum", torch.sum), ("mean", torch.mean)):
    @op(name, call, f"torch.{name}(input0, dim, keepdim)", "input0: float32; no `dim` reduces every axis.")
    def sum_cases(draw):
        return [Case(case, [draw.normal(*SHAPE)], **params) for case, params in AXIS_OPTIONS]

for name, call in (("var", torch.var), ("std", torch.std)):
    @op(name, call, f"torch.{name}(input0, dim, correction, keepdim)",
        "input0: float32; no `dim` reduces every axis; correction 1 divides by N-1, 0 by N.")
    def spread_cases(draw):
        cases = [Case(case, [draw.normal(*SHAPE)], correction=1, **params) for case, params in AXIS_OPTIONS]
        cases.append(Case("dims_0_2_population", [draw.normal(*SHAPE)], dim=[0, 2], correction=0))
        return cases

# Maxima with and without an axis; inputs have no ties, so indices and gradients are unique.
EXTREMUM_OPTIONS = [("all", {}), ("dim1", {"dim": 1}), ("last_dim_keepdim", {"dim": -1, "keepdim": True})]

EXTREMUM_VALUES = ("input0: float32 without ties; with `dim`: output = values, output1 = int64 indices "
                   "(gradient flows through the values); without `dim`: output = the 0-d extremum.")
EXTREMUM_INDICES = ("input0: float32 without ties; output: int64 indices (without `dim`: index into the "
                    "flattened tensor, 0-d); forward only.")

for name, call, description in (("max", torch.max, EXTREMUM_VALUES), ("min", torch.min, EXTREMUM_VALUES),
                                ("argmax", torch.argmax, EXTREMUM_INDICES), ("argmin", torch.argmin, EXTREMUM_INDICES)):
    @op(name, call, f"torch.{name}(input0, dim, keepdim)", description)
    def extremum_cases(draw):
        return [Case(case, [draw.distinct(*SHAPE)], **params) for case, params in EXTREMUM_OPTIONS]


@op("logsumexp", torch.logsumexp, "torch.logsumexp(input0, dim, keepdim)", "input0: float32.")
def logsumexp_cases(draw):
    return [Case(case, [draw.normal(*SHAPE, scale=3.0)], **params) for case, params in AXIS_OPTIONS[1:]]


for name, call in (("softmax", F.softmax), ("log_softmax", F.log_softmax)):
    @op(name, call, f"F.{name}(input0, dim)", "input0: float32.")
    def softmax_cases(draw):
        return [
            Case("dim1", [draw.normal(*SHAPE, scale=3.0)], dim=1),
            Case("last_dim", [draw.normal(*SHAPE, scale=3.0)], dim=-1),
            Case("dim0", [draw.normal(*SHAPE, scale=3.0)], dim=0),
            Case("matrix_rows", [draw.normal(4, 5, scale=3.0)], dim=1),
        ]
