#!/usr/bin/python3
"""Reference values of the rank tests, from SciPy (Debian python3-scipy 1.10): writes reference.json.

Each case: samples x and y, scipy.stats.mannwhitneyu(x, y, alternative='two-sided') with its
default method='auto' (U1 and p), and the Hodges–Lehmann shift median(x_i − y_j) from numpy.
Run: /usr/bin/python3 study/ranktest/testdata/reference.py (from the repository root or here).
"""
import json
import os

import numpy as np
import scipy
from scipy import stats

rng = np.random.default_rng(7)
cases = {
    "exact_small": (rng.normal(size=5).round(3), rng.normal(size=7).round(3) + 1),
    "exact_unbalanced": (rng.normal(size=3).round(3), rng.normal(size=20).round(3) + 0.5),
    "ties_small": (np.array([1, 2, 2, 3, 3, 3.0]), np.array([2, 3, 4, 4, 5.0])),
    "asym_shift": (rng.normal(size=100).round(4), rng.normal(size=100).round(4) + 0.3),
    "asym_degrees": (rng.integers(2, 6, size=40).astype(float), rng.integers(3, 8, size=35).astype(float)),
    "asym_equal": (rng.normal(size=30).round(4), rng.normal(size=30).round(4)),
    "all_equal": (np.full(10, 2.0), np.full(12, 2.0)),
}
out = []
for name, (x, y) in cases.items():
    r = stats.mannwhitneyu(x, y, alternative="two-sided")
    d = np.subtract.outer(x, y).ravel()
    out.append({"name": name, "x": x.tolist(), "y": y.tolist(), "u": float(r.statistic),
                "p": float(r.pvalue), "hl": float(np.median(d))})
with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "reference.json"), "w") as f:
    json.dump({"scipy": scipy.__version__, "cases": out}, f, indent=1)
