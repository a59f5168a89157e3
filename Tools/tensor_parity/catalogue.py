"""The registry of ops and the seeded draws their cases use."""
import torch

OPS = []


class Case:
    """One call of an op: a name, its inputs and the keyword arguments passed to PyTorch."""

    def __init__(self, name, inputs, **params):
        self.name = name
        self.inputs = inputs
        self.params = params


class Op:
    """An op's name, the PyTorch call that defines it, and how to draw its cases."""

    def __init__(self, name, call, reference, description, make_cases):
        self.name = name
        self.call = call
        self.reference = reference
        self.description = description
        self.make_cases = make_cases

    def cases(self, generator):
        return self.make_cases(Draw(generator))


def op(name, call, reference, description):
    """Decorator: registers a function that returns the cases of `name`."""

    def register(make_cases):
        OPS.append(Op(name, call, reference, description, make_cases))
        return make_cases

    return register


class Draw:
    """Seeded float32/int64/bool inputs shaped to keep gradients unambiguous."""

    def __init__(self, generator):
        self.generator = generator

    def normal(self, *shape, scale=1.0):
        return torch.randn(shape, generator=self.generator) * scale

    def uniform(self, low, high, *shape):
        return torch.rand(shape, generator=self.generator) * (high - low) + low

    def positive(self, *shape):
        return self.uniform(0.5, 2.0, *shape)

    def nonzero(self, *shape):
        """Values with magnitude in [0.5, 2], either sign: safe divisors."""
        sign = torch.where(torch.rand(shape, generator=self.generator) < 0.5, -1.0, 1.0)
        return self.positive(*shape) * sign

    def away(self, *shape, kinks=(0.0,), margin=0.1, scale=1.0):
        """Normal values pushed at least `margin` away from each kink."""
        values = self.normal(*shape, scale=scale)
        for kink in kinks:
            offset = values - kink
            side = torch.where(offset >= 0, 1.0, -1.0)
            values = torch.where(offset.abs() < margin, kink + side * margin, values)
        return values

    def distinct(self, *shape):
        """Values that are all different (at least 0.05 apart), so maxima have no ties."""
        count = 1
        for size in shape:
            count *= size
        order = torch.randperm(count, generator=self.generator).float()
        return ((order - count / 2) * 0.05 + self.uniform(0.0, 0.01, count)).reshape(shape)

    def whole(self, low, high, *shape):
        """Whole numbers stored as float32, so comparisons meet equal values."""
        return torch.randint(low, high + 1, shape, generator=self.generator).float()

    def indices(self, high, *shape):
        return torch.randint(0, high, shape, generator=self.generator, dtype=torch.int64)

    def mask(self, *shape):
        return torch.rand(shape, generator=self.generator) < 0.5
