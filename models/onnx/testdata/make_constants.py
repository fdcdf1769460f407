#!/usr/bin/python3
"""Makes the fixture of models/onnx's constants test: a net whose ONNX graph holds arithmetic with
constants that surfscope imports as nodes with parameters (an unmerged Pad as an identity
depthwise convolution, a multiplication by a per-channel constant and a subtraction from a
constant as affine batch-norm nodes). Those parameters are constants of the function, not
weights: PyTorch's model.parameters() does not list them, and neither may surfscope's NTK,
Hessians or loss-landscape directions.

Run from anywhere with Debian's python3-torch (1.13) and python3-onnx:
    /usr/bin/python3 models/onnx/testdata/make_constants.py

Writes constants_op17.onnx, constants.logits.npy (PyTorch's logits on the rows of
inputs_mnist.npy) and constants.json (the number of PyTorch parameters, the learned ones), and adds
the model to fixtures.json. Run it after make_fixtures.py, which rewrites fixtures.json.
"""
import json
import os

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

from make_fixtures import HERE, export, init_weights


class Constants(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(1, 4, 3)
        self.register_buffer("scale", torch.tensor([0.5, 1.5, -2.0, 3.0]).view(1, 4, 1, 1))
        self.fc = nn.Linear(4 * 14 * 14, 10)

    def forward(self, x):
        x = F.relu(self.conv(x))  # 4x26x26
        x = F.max_pool2d(F.pad(x, (1, 1, 1, 1)), 2)  # a Pad no convolution absorbs: 4x14x14
        x = 1 - x * self.scale  # Mul and Sub with constants
        return self.fc(torch.flatten(x, 1))


def main():
    g = torch.Generator().manual_seed(20240607)
    torch.manual_seed(20240607)
    x = np.load(os.path.join(HERE, "inputs_mnist.npy"))
    model = Constants()
    init_weights(model, g, x)
    with torch.no_grad():
        logits = model(torch.from_numpy(x)).numpy().astype(np.float32)
    np.save(os.path.join(HERE, "constants.logits.npy"), logits)
    export(model, x, "constants_op17", 17)
    # Listed in make_fixtures.py's manifest too, so that TestFixturesMatchPyTorch checks its logits.
    path = os.path.join(HERE, "fixtures.json")
    with open(path) as f:
        manifest = json.load(f)
    entry = {"model": "constants_op17.onnx", "inputs": "inputs_mnist.npy", "logits": "constants.logits.npy",
             "bn_folded": True}
    manifest["fixtures"] = [e for e in manifest["fixtures"] if e["model"] != entry["model"]] + [entry]
    with open(path, "w") as f:
        json.dump(manifest, f, indent=1)
        f.write("\n")
    params = sum(p.numel() for p in model.parameters())
    with open(os.path.join(HERE, "constants.json"), "w") as f:
        json.dump({"model": "constants_op17.onnx", "inputs": "inputs_mnist.npy",
                   "logits": "constants.logits.npy", "parameters": params}, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
