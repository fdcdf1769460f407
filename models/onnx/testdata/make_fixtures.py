#!/usr/bin/python3
"""Makes the ONNX fixtures of models/onnx: small networks exported with torch.onnx.export, the
inputs they were evaluated on and PyTorch's logits.

Run from anywhere with Debian's python3-torch (1.13) and python3-onnx:
    /usr/bin/python3 models/onnx/testdata/make_fixtures.py

Models (seeded He-normal weights, batch-norm statistics measured on the inputs), each exported
with a dynamic batch at opset 11 and 17:
  mlp       (x - mean) / std, x.view(N, -1), Linear + GELU (erf form), Linear + tanh,
            Linear + sigmoid, x @ W + b (MatMul + Add)                          input 1x28x28
  cnn       normalisation, Conv/BN/ReLU/MaxPool x2 (one with ceil_mode), grouped strided Conv,
            LeakyReLU, flatten, Linear; BN folded into Conv (eval export with constant folding)
            and unfolded (TrainingMode.PRESERVE in eval mode, no folding)     input 3x32x32
  resnet    stem, a basic block with an additive shortcut, a stride-2 block whose 1x1-conv
            shortcut multiplies the residual branch (x * out) behind a squeeze-excitation
            gate (mean, 1x1 convs, sigmoid), mean over H,W, Linear         input 3x32x32
  extras    ZeroPad2d + Conv, ReLU6 (Clip), zero F.pad + AvgPool, an SE gate of Linear layers
            reshaped with view(N, C, 1, 1), flatten, Linear, scaled softmax      input 1x28x28
  mobile    an inverted residual block: ReLU6, Hardswish, depthwise Conv, SiLU (x·sigmoid x),
            a per-channel PReLU, AdaptiveAvgPool2d(1), nn.Flatten, Dropout      input 3x32x32
  dense     a DenseNet block (Conv/BN/ReLU outputs concatenated onto their input along the
            channels), a transition (BN on the concatenation, ReLU, 1x1 Conv, AvgPool), an
            Inception block (1x1, 3x3 and max-pool branches concatenated), a concatenation of
            vectors, Linear and F.log_softmax, as PyTorch's MNIST example ends; the BN after a
            concatenation stays a BatchNormalization node                     input 3x32x32

Inputs (rows of inputs_<shape>.npy, float32 [32, C, H, W]; images in [0, 1], plane points with
the margin a little outside):
  0-3    random smooth images
  4-19   a 4x4 data plane through images 0, 1, 2 (DESIGN.md: margin 0.1, row = t)
  20-27  a mixup line from image 0 to image 1, 8 points, lambda in [0, 1]
  28-31  images 0-3 flipped horizontally (W reversed)
Outputs: <model>.logits.npy, float32 [32, 10]. fixtures.json lists the files; make_constants.py
adds its model to it (run it after this script).
"""
import json
import os

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.onnx import TrainingMode

HERE = os.path.dirname(os.path.abspath(__file__))
OPSETS = (11, 17)


def init_weights(m, g, x):
    """He-normal weights, then batch-norm statistics measured on the fixture inputs and random
    affine parameters, so that the logits depend strongly on the input (a weak test otherwise)."""
    for mod in m.modules():
        if isinstance(mod, (nn.Conv2d, nn.Linear)):
            fan_in = mod.weight[0].numel()
            mod.weight.data.copy_(torch.randn(mod.weight.shape, generator=g) * (2.0 / fan_in) ** 0.5)
            if mod.bias is not None:
                mod.bias.data.copy_(torch.randn(mod.bias.shape, generator=g) * 0.1)
        if isinstance(mod, nn.BatchNorm2d):
            mod.momentum = None  # cumulative average over the calibration pass
    m.train()
    with torch.no_grad():
        m(torch.from_numpy(x))
    for mod in m.modules():
        if isinstance(mod, nn.BatchNorm2d):
            c = mod.num_features
            mod.weight.data.copy_(torch.rand(c, generator=g) + 0.5)
            mod.bias.data.copy_(torch.randn(c, generator=g) * 0.2)
    m.eval()


class MLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.register_buffer("mean", torch.tensor([0.1307]).view(1, 1, 1, 1))
        self.register_buffer("std", torch.tensor([0.3081]).view(1, 1, 1, 1))
        self.fc1 = nn.Linear(784, 16)
        self.fc2 = nn.Linear(16, 16)
        self.fc3 = nn.Linear(16, 16)
        self.w = nn.Parameter(torch.randn(16, 10))
        self.b = nn.Parameter(torch.randn(10) * 0.1)

    def forward(self, x):
        x = (x - self.mean) / self.std
        x = x.view(x.size(0), -1)
        x = F.gelu(self.fc1(x))
        x = torch.tanh(self.fc2(x))
        x = torch.sigmoid(self.fc3(x))
        return x @ self.w + self.b


CIFAR_MEAN = [0.4914, 0.4822, 0.4465]
CIFAR_STD = [0.2470, 0.2435, 0.2616]


class Normalize(nn.Module):
    def __init__(self):
        super().__init__()
        self.register_buffer("mean", torch.tensor(CIFAR_MEAN).view(1, 3, 1, 1))
        self.register_buffer("std", torch.tensor(CIFAR_STD).view(1, 3, 1, 1))

    def forward(self, x):
        return (x - self.mean) / self.std


class CNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.norm = Normalize()
        self.conv1 = nn.Conv2d(3, 8, 3, padding=1)
        self.bn1 = nn.BatchNorm2d(8)
        self.conv2 = nn.Conv2d(8, 16, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(16)
        self.conv3 = nn.Conv2d(16, 16, 3, stride=2, padding=1, groups=2)
        self.fc = nn.Linear(16 * 3 * 3, 10)

    def forward(self, x):
        x = self.norm(x)
        x = F.max_pool2d(F.relu(self.bn1(self.conv1(x))), 2)  # 8x16x16
        x = F.max_pool2d(F.relu(self.bn2(self.conv2(x))), 3, stride=3, ceil_mode=True)  # 16x6x6
        x = F.leaky_relu(self.conv3(x), 0.1)  # 16x3x3
        return self.fc(torch.flatten(x, 1))


class SE(nn.Module):
    def __init__(self, c, r):
        super().__init__()
        self.fc1 = nn.Conv2d(c, r, 1)
        self.fc2 = nn.Conv2d(r, c, 1)

    def forward(self, x):
        s = x.mean((2, 3), keepdim=True)
        return x * torch.sigmoid(self.fc2(F.relu(self.fc1(s))))


class ResNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.norm = Normalize()
        self.stem = nn.Conv2d(3, 8, 3, padding=1, bias=False)
        self.bn0 = nn.BatchNorm2d(8)
        # block 1: additive shortcut
        self.c1a = nn.Conv2d(8, 8, 3, padding=1, bias=False)
        self.b1a = nn.BatchNorm2d(8)
        self.c1b = nn.Conv2d(8, 8, 3, padding=1, bias=False)
        self.b1b = nn.BatchNorm2d(8)
        # block 2: stride 2, multiplicative shortcut, SE gate
        self.c2a = nn.Conv2d(8, 16, 3, stride=2, padding=1, bias=False)
        self.b2a = nn.BatchNorm2d(16)
        self.c2b = nn.Conv2d(16, 16, 3, padding=1, bias=False)
        self.b2b = nn.BatchNorm2d(16)
        self.se = SE(16, 4)
        self.sc = nn.Conv2d(8, 16, 1, stride=2, bias=False)
        self.bsc = nn.BatchNorm2d(16)
        self.fc = nn.Linear(16, 10)

    def forward(self, x):
        x = F.relu(self.bn0(self.stem(self.norm(x))))
        out = self.b1b(self.c1b(F.relu(self.b1a(self.c1a(x)))))
        x = F.relu(out + x)
        out = self.se(self.b2b(self.c2b(F.relu(self.b2a(self.c2a(x))))))
        x = F.relu(self.bsc(self.sc(x)) * out)
        return self.fc(x.mean((2, 3)))


class Extras(nn.Module):
    def __init__(self):
        super().__init__()
        self.pad = nn.ZeroPad2d(1)
        self.conv = nn.Conv2d(1, 4, 3)
        self.fc1 = nn.Linear(4, 2)
        self.fc2 = nn.Linear(2, 4)
        self.fc = nn.Linear(4 * 8 * 8, 10)

    def forward(self, x):
        x = F.relu6(self.conv(self.pad(x)) * 3)  # 4x28x28
        x = F.avg_pool2d(F.pad(x, (1, 1, 1, 1)), 4, stride=4)  # 4x7x7 -> with pad 4x30x30 -> 4x7x7
        s = x.mean((2, 3))
        s = torch.sigmoid(self.fc2(F.relu(self.fc1(s))))
        x = x * s.view(s.size(0), 4, 1, 1)
        x = F.pad(x, (0, 1, 0, 1))  # 4x8x8
        return torch.softmax(4 * self.fc(torch.flatten(x, 1)), dim=1)


class Mobile(nn.Module):
    def __init__(self):
        super().__init__()
        self.norm = Normalize()
        self.stem = nn.Sequential(nn.Conv2d(3, 8, 3, 2, 1, bias=False), nn.BatchNorm2d(8), nn.ReLU6())
        self.expand = nn.Sequential(nn.Conv2d(8, 16, 1, bias=False), nn.BatchNorm2d(16), nn.Hardswish())
        self.dw = nn.Sequential(nn.Conv2d(16, 16, 3, 1, 1, groups=16, bias=False), nn.BatchNorm2d(16), nn.SiLU())
        self.proj = nn.Sequential(nn.Conv2d(16, 8, 1, bias=False), nn.BatchNorm2d(8))
        self.act = nn.PReLU(8, init=0.1)
        self.head = nn.Sequential(nn.AdaptiveAvgPool2d((1, 1)), nn.Flatten(), nn.Dropout(0.2), nn.Linear(8, 10))

    def forward(self, x):
        x = self.stem(self.norm(x))
        x = self.act(x + self.proj(self.dw(self.expand(x))))
        return self.head(x)


class Dense(nn.Module):
    def __init__(self):
        super().__init__()
        self.norm = Normalize()
        self.stem = nn.Sequential(nn.Conv2d(3, 8, 3, padding=1, bias=False), nn.BatchNorm2d(8), nn.ReLU())
        self.layer1 = nn.Sequential(nn.Conv2d(8, 4, 3, padding=1, bias=False), nn.BatchNorm2d(4), nn.ReLU())
        self.layer2 = nn.Sequential(nn.Conv2d(12, 4, 3, padding=1, bias=False), nn.BatchNorm2d(4), nn.ReLU())
        self.trans = nn.Sequential(nn.BatchNorm2d(16), nn.ReLU(), nn.Conv2d(16, 8, 1), nn.AvgPool2d(2))
        self.b1 = nn.Conv2d(8, 4, 1)
        self.b2 = nn.Sequential(nn.Conv2d(8, 4, 1), nn.ReLU(), nn.Conv2d(4, 4, 3, padding=1))
        self.b3 = nn.Sequential(nn.MaxPool2d(3, stride=1, padding=1), nn.Conv2d(8, 2, 1))
        self.fc1 = nn.Linear(10, 6)
        self.fc = nn.Linear(16, 10)

    def forward(self, x):
        x = F.max_pool2d(self.stem(self.norm(x)), 2)  # 8x16x16
        x = torch.cat([x, self.layer1(x)], 1)  # 12x16x16
        x = torch.cat([x, self.layer2(x)], 1)  # 16x16x16
        x = self.trans(x)  # 8x8x8
        x = F.relu(torch.cat([self.b1(x), self.b2(x), self.b3(x)], 1))  # 10x8x8
        h = torch.flatten(F.adaptive_avg_pool2d(x, 1), 1)  # 10
        h = torch.cat([h, torch.tanh(self.fc1(h))], 1)  # 16
        return F.log_softmax(self.fc(h), dim=1)


def plane_points(x1, x2, x3, n=4, margin=0.1):
    """DESIGN.md's data plane: returns [n*n, ...] points, row-major with rows along t."""
    d = (x2 - x1).ravel()
    e1 = d / np.linalg.norm(d)
    v = (x3 - x1).ravel()
    w = v - (v @ e1) * e1
    e2 = w / np.linalg.norm(w)
    xs = np.array([0.0, np.linalg.norm(d), v @ e1])
    ys = np.array([0.0, 0.0, np.linalg.norm(w)])
    (x0, x1_), (y0, y1) = (xs.min(), xs.max()), (ys.min(), ys.max())
    mx, my = margin * (x1_ - x0), margin * (y1 - y0)
    s = np.linspace(x0 - mx, x1_ + mx, n)
    t = np.linspace(y0 - my, y1 + my, n)
    pts = [x1.ravel() + si * e1 + tj * e2 for tj in t for si in s]
    return np.stack(pts).reshape((n * n,) + x1.shape)


def random_images(n, shape, g):
    """Smooth random images in [0, 1]: a brightness per channel, a bilinearly upsampled 4x4
    random field and a little noise, so that images differ in their global statistics too."""
    c, h, w = shape
    level = torch.rand((n, c, 1, 1), generator=g, dtype=torch.float64) * 0.6 + 0.2
    field = F.interpolate(torch.rand((n, c, 4, 4), generator=g, dtype=torch.float64) - 0.5,
                          size=(h, w), mode="bilinear", align_corners=False)
    noise = torch.rand((n, c, h, w), generator=g, dtype=torch.float64) - 0.5
    return (level + 0.8 * field + 0.2 * noise).clamp(0, 1).numpy()


def make_inputs(shape, g):
    imgs = random_images(4, shape, g)
    plane = plane_points(imgs[0], imgs[1], imgs[2])
    lam = np.linspace(0.0, 1.0, 8).reshape(8, 1, 1, 1)
    mixup = (1 - lam) * imgs[0] + lam * imgs[1]
    flips = imgs[:, :, :, ::-1]
    return np.concatenate([imgs, plane, mixup, flips]).astype(np.float32)


def export(model, x, name, opset, folded=True):
    path = os.path.join(HERE, name + ".onnx")
    kw = dict(training=TrainingMode.EVAL, do_constant_folding=True) if folded else \
        dict(training=TrainingMode.PRESERVE, do_constant_folding=False)
    torch.onnx.export(model, torch.from_numpy(x[:2]), path, opset_version=opset,
                      input_names=["input"], output_names=["logits"],
                      dynamic_axes={"input": {0: "batch"}, "logits": {0: "batch"}}, **kw)
    return path


def main():
    g = torch.Generator().manual_seed(20240601)
    torch.manual_seed(20240601)
    inputs = {"mnist": make_inputs((1, 28, 28), g), "cifar": make_inputs((3, 32, 32), g)}
    for key, x in inputs.items():
        np.save(os.path.join(HERE, "inputs_%s.npy" % key), x)
    nets = [("mlp", MLP(), "mnist"), ("cnn", CNN(), "cifar"), ("resnet", ResNet(), "cifar"),
            ("extras", Extras(), "mnist"), ("mobile", Mobile(), "cifar"), ("dense", Dense(), "cifar")]
    # Batch norms that follow no convolution (here, on a concatenation) survive the folding.
    unfoldable_bn = {"dense"}
    manifest = {"rows": {"random": [0, 4], "plane": [4, 20], "mixup": [20, 28], "flip": [28, 32]},
                "fixtures": []}
    for name, model, key in nets:
        x = inputs[key]
        init_weights(model, g, x)
        with torch.no_grad():
            logits = model(torch.from_numpy(x)).numpy().astype(np.float32)
        np.save(os.path.join(HERE, name + ".logits.npy"), logits)
        variants = [(True, "")] + ([(False, "_unfolded")] if name == "cnn" else [])
        for opset in OPSETS:
            for folded, suffix in variants:
                fname = "%s%s_op%d" % (name, suffix, opset)
                export(model, x, fname, opset, folded)
                manifest["fixtures"].append({"model": fname + ".onnx", "inputs": "inputs_%s.npy" % key,
                                             "logits": name + ".logits.npy",
                                             "bn_folded": folded and name not in unfoldable_bn})
    with open(os.path.join(HERE, "fixtures.json"), "w") as f:
        json.dump(manifest, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
