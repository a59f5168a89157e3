"""PyTorch's U-Net with Percept's attribute names (Sources/PerceptModels/Segmentation/UNet.swift),
so state dicts move both ways: shared/BENCHMARKS.md's unet_s is UNet(depth=4, base=16).
Imported by Tools/make-unet-parity-fixtures and Tools/pytorch-unet-reference."""
import torch
import torch.nn as nn
import torch.nn.functional as F


class DoubleConv(nn.Module):
    """Two 3x3 convolutions (no bias), each followed by batch norm and ReLU."""

    def __init__(self, cin, cout):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)

    def forward(self, x):
        return F.relu(self.bn2(self.conv2(F.relu(self.bn1(self.conv1(x))))))


class UNet(nn.Module):
    """depth max-pool steps of doubling width, a bottleneck, 2x2 stride-2 transposed convolutions
    up with skip concatenation, and a 1x1 head (inputs a multiple of 2**depth)."""

    def __init__(self, cin=3, classes=2, depth=4, base=16):
        super().__init__()
        widths = [base << i for i in range(depth + 1)]
        chans = [cin] + widths[:depth - 1]
        self.encoders = nn.ModuleList(DoubleConv(chans[i], widths[i]) for i in range(depth))
        self.bottleneck = DoubleConv(widths[depth - 1], widths[depth])
        levels = list(range(depth - 1, -1, -1))
        self.upsamplers = nn.ModuleList(nn.ConvTranspose2d(widths[l + 1], widths[l], 2, stride=2) for l in levels)
        self.decoders = nn.ModuleList(DoubleConv(2 * widths[l], widths[l]) for l in levels)
        self.head = nn.Conv2d(widths[0], classes, 1)

    def forward(self, x):
        skips = []
        for encoder in self.encoders:
            x = encoder(x)
            skips.append(x)
            x = F.max_pool2d(x, 2)
        x = self.bottleneck(x)
        for i, (up, decoder) in enumerate(zip(self.upsamplers, self.decoders)):
            x = decoder(torch.cat([skips[-1 - i], up(x)], 1))
        return self.head(x)
