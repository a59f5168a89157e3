"""PointNet in plain PyTorch with the state-dict names of Percept's PointNetClassifier and
PointNetSegmenter (Sources/PerceptModels/PointNet/), shared by Tools/make-pointnet-parity-fixtures
and Tools/pytorch-pointnet-reference. Shared MLPs are nn.Conv1d(k=1) + BatchNorm1d + ReLU over
[N, C, P]; T-Nets add the identity; the regulariser is the squared Frobenius norm
||I - A A^T||_F^2, averaged over the batch (TensorFlow's original halves it; pointnet.pytorch
takes the unsquared norm)."""
import torch
import torch.nn as nn
import torch.nn.functional as F


class Widths:
    def __init__(self, multiplier):
        self.multiplier = multiplier

    def __call__(self, n):
        return max(8, int(round(n * self.multiplier)))


class Block(nn.Module):
    def __init__(self, cin, cout):
        super().__init__()
        self.conv = nn.Conv1d(cin, cout, 1)
        self.bn = nn.BatchNorm1d(cout)

    def forward(self, x):
        return F.relu(self.bn(self.conv(x)))


def mlp(cin, widths):
    layers = []
    for width in widths:
        layers.append(Block(cin, width))
        cin = width
    return nn.Sequential(*layers)


class TNet(nn.Module):
    def __init__(self, cin, k, w):
        super().__init__()
        self.k = k
        self.mlp = mlp(cin, [w(64), w(128), w(1024)])
        self.fc = nn.Sequential(nn.Linear(w(1024), w(512)), nn.BatchNorm1d(w(512)), nn.ReLU(),
                                nn.Linear(w(512), w(256)), nn.BatchNorm1d(w(256)), nn.ReLU())
        self.transform = nn.Linear(w(256), k * k)
        nn.init.zeros_(self.transform.weight)
        nn.init.zeros_(self.transform.bias)

    def forward(self, x):
        pooled = self.mlp(x).max(dim=2).values
        return self.transform(self.fc(pooled)).view(-1, self.k, self.k) + torch.eye(self.k)


class Trunk(nn.Module):
    def __init__(self, cin, w):
        super().__init__()
        self.input_transform = TNet(cin, 3, w)
        self.mlp1 = mlp(cin, [w(64), w(64)])
        self.feature_transform = TNet(w(64), w(64), w)

    def forward(self, x):
        t = self.input_transform(x)
        xyz = torch.bmm(x[:, :3].transpose(1, 2), t).transpose(1, 2)
        x = torch.cat([xyz, x[:, 3:]], dim=1)
        features = self.mlp1(x)
        a = self.feature_transform(features)
        return torch.bmm(features.transpose(1, 2), a).transpose(1, 2), a


class Classifier(nn.Module):
    def __init__(self, channels, classes, width=1.0, dropout=0.3):
        super().__init__()
        w = Widths(width)
        self.trunk = Trunk(channels, w)
        self.mlp2 = mlp(w(64), [w(64), w(128), w(1024)])
        self.head = nn.Sequential(nn.Linear(w(1024), w(512)), nn.BatchNorm1d(w(512)), nn.ReLU(),
                                  nn.Linear(w(512), w(256)), nn.Dropout(dropout), nn.BatchNorm1d(w(256)), nn.ReLU(),
                                  nn.Linear(w(256), classes))

    def forward(self, x):
        rows, a = self.trunk(x)
        return self.head(self.mlp2(rows).max(dim=2).values), a


class Segmenter(nn.Module):
    def __init__(self, channels, classes, width=1.0):
        super().__init__()
        w = Widths(width)
        self.trunk = Trunk(channels, w)
        self.mlp2 = mlp(w(64), [w(64), w(128), w(1024)])
        self.joint = Block(w(64) + w(1024), w(512))
        self.seg_mlp = mlp(w(512), [w(256), w(128)])
        self.classifier = nn.Conv1d(w(128), classes, 1)

    def forward(self, x):
        rows, a = self.trunk(x)
        pooled = self.mlp2(rows).max(dim=2, keepdim=True).values.expand(-1, -1, x.shape[2])
        return self.classifier(self.seg_mlp(self.joint(torch.cat([rows, pooled], dim=1)))), a


def penalty(a):
    """||I - A A^T||_F^2 per matrix, averaged over the batch."""
    eye = torch.eye(a.shape[1])
    return ((eye - torch.bmm(a, a.transpose(1, 2))) ** 2).sum(dim=(1, 2)).mean()
