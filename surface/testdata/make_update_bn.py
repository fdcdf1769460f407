#!/usr/bin/python3
"""Makes the PyTorch reference of surface's RecomputeBatchNorm test: PyTorch's
torch.optim.swa_utils.update_bn on the net halfway between two trained-looking nets.

Run from anywhere with Debian's python3-torch (1.13) and python3-onnx:
    /usr/bin/python3 surface/testdata/make_update_bn.py

Two nets (conv/BN/ReLU, a strided conv/BN/ReLU, flatten, Linear/BN1d/ReLU, Linear; random weights,
running statistics measured on other data) are averaged parameter by parameter and buffer by
buffer (the interpolated statistics); the average is exported to update_bn_mid.onnx with its batch
norms kept as BatchNormalization nodes. update_bn then recomputes the statistics over the 64
images of update_bn_images.npy in one batch; update_bn.json lists each batch norm's mean and var
after it, in the order of the net.
"""
import json
import os

import numpy as np
import torch
import torch.nn as nn
from torch.onnx import TrainingMode
from torch.optim.swa_utils import update_bn

HERE = os.path.dirname(os.path.abspath(__file__))


def make_net(g):
    net = nn.Sequential(
        nn.Conv2d(1, 3, 3, padding=1), nn.BatchNorm2d(3), nn.ReLU(),
        nn.Conv2d(3, 4, 3, stride=2, padding=1), nn.BatchNorm2d(4), nn.ReLU(),
        nn.Flatten(), nn.Linear(4 * 4 * 4, 6), nn.BatchNorm1d(6), nn.ReLU(), nn.Linear(6, 3))
    with torch.no_grad():
        for p in net.parameters():
            p.copy_(torch.randn(p.shape, generator=g) * 0.5)
    net.train()
    with torch.no_grad():  # running statistics from other data, as after training
        for _ in range(3):
            net(torch.rand((32, 1, 8, 8), generator=g) * 2)
    return net


def main():
    g = torch.Generator().manual_seed(20240611)
    a, b = make_net(g), make_net(g)
    mid = make_net(g)
    sa, sb = a.state_dict(), b.state_dict()
    mid.load_state_dict({k: (sa[k] + sb[k]) / 2 if sa[k].is_floating_point() else sa[k] for k in sa})
    mid.eval()
    torch.onnx.export(mid, torch.zeros((2, 1, 8, 8)), os.path.join(HERE, "update_bn_mid.onnx"), opset_version=17,
                      input_names=["input"], output_names=["logits"], dynamic_axes={"input": {0: "batch"}, "logits": {0: "batch"}},
                      training=TrainingMode.PRESERVE, do_constant_folding=False)
    images = torch.rand((64, 1, 8, 8), generator=g)
    np.save(os.path.join(HERE, "update_bn_images.npy"), images.numpy().astype(np.float32))
    update_bn([images], mid)  # one batch of all 64 images
    stats = [{"mean": m.running_mean.tolist(), "var": m.running_var.tolist()}
             for m in mid.modules() if isinstance(m, nn.modules.batchnorm._BatchNorm)]
    with open(os.path.join(HERE, "update_bn.json"), "w") as f:
        json.dump({"images": "update_bn_images.npy", "model": "update_bn_mid.onnx", "batch_norms": stats}, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
