#!/usr/bin/env python3
"""Prints the PyTorch values that the vision known-answer tests compare against.

Run by hand, never in CI:  /root/.percept-reference/bin/python Tools/vision_reference.py
(PyTorch 2.15 on 2026-11-22). The numbers it prints are pasted into
Tests/PerceptTensorTests/PoolingTests.swift and NormalizationTests.swift; the inputs are
3·sin(0.7·i) in row-major order, which PoolingTests.pattern rebuilds in Swift.
"""
import math

import torch
import torch.nn.functional as F

torch.set_printoptions(precision=6)
def pattern(shape):
    n = 1
    for s in shape: n *= s
    return torch.tensor([math.sin(i * 0.7) * 3 for i in range(n)], dtype=torch.float32).reshape(shape)
def show(name, t): print(name, [round(v, 5) for v in t.flatten().tolist()])
x = pattern([1, 2, 5, 6])
v, i = F.max_pool2d(x, 3, stride=2, padding=1, dilation=1, return_indices=True); show("max", v); print("maxidx", i.flatten().tolist())
v, i = F.max_pool2d(x, 2, stride=(1,2), padding=1, dilation=2, return_indices=True); show("maxdil", v); print("maxdilidx", i.flatten().tolist(), v.shape)
show("avgpad_incl", F.avg_pool2d(x, 3, stride=2, padding=1, count_include_pad=True))
show("avgpad_excl", F.avg_pool2d(x, 3, stride=2, padding=1, count_include_pad=False))
show("adaptavg", F.adaptive_avg_pool2d(x, (3, 4)))
v, i = F.adaptive_max_pool2d(x, (2, 4), return_indices=True); show("adaptmax", v); print("adaptmaxidx", i.flatten().tolist())
y = pattern([1, 1, 3, 4])
show("nearest_size", F.interpolate(y, size=(5, 7), mode="nearest"))
show("nearest_scale", F.interpolate(y, scale_factor=1.5, mode="nearest"))
show("bilinear_false", F.interpolate(y, size=(5, 7), mode="bilinear", align_corners=False))
show("bilinear_true", F.interpolate(y, size=(5, 7), mode="bilinear", align_corners=True))
show("bilinear_scale", F.interpolate(y, scale_factor=2, mode="bilinear", align_corners=False))
z = pattern([3, 2, 2, 2])
rm = torch.tensor([0.5, -0.5]); rv = torch.tensor([2.0, 0.5])
out = F.batch_norm(z, rm, rv, torch.tensor([1.5, -1.0]), torch.tensor([0.1, 0.2]), training=True, momentum=0.2, eps=1e-3)
show("bn_out", out); show("bn_rm", rm); show("bn_rv", rv)
logits = pattern([4, 3])
t = torch.tensor([2, -100, 0, 1])
w = torch.tensor([1.0, 2.0, 0.5])
print("ce_mean", F.cross_entropy(logits, t, weight=w, ignore_index=-100, label_smoothing=0.2).item())
print("ce_sum", F.cross_entropy(logits, t, weight=w, label_smoothing=0.2, reduction="sum").item())
show("ce_none", F.cross_entropy(logits, t, weight=w, label_smoothing=0.2, reduction="none"))
l4 = pattern([2, 3, 2, 2]); t4 = torch.tensor([[[0, 1], [2, 1]], [[1, 1], [0, 2]]])
print("ce_spatial", F.cross_entropy(l4, t4).item())
ln = pattern([2, 3, 4])
show("ln", F.layer_norm(ln, [3, 4], weight=pattern([3, 4]), bias=None, eps=1e-5)[0, 0])
show("gn", F.group_norm(ln, 1, weight=torch.tensor([1., 2., 3.]), bias=torch.tensor([0., 1., 0.]))[1, 2])
