#!/usr/bin/python3
"""Recomputes, with numpy alone (python3-numpy), the golden values of tests/golden that do
not need pykan: numpy_legacy_rng.yaml (NumPy's legacy RandomState stream),
bspline_G3_k3.csv's bases (pykan 0.0.5's B_batch transcribed: the Cox-de Boor recursion in
its order of operations) and their derivatives (kan.md 2.4's closed form, recursively), and
of spring_seed1390.csv what needs no scipy (check_spring).

    python3 tests/golden/provenance/numpy_goldens.py    # exit 1 on a difference

The random numbers and the bases must be equal bit for bit; the derivatives to 1e-14
(the file's derivative formula is stated, its order of operations is not); the spring
data's draws, times and targets bit for bit, its states to 1e-5 of the exact solution.
"""
import csv
import os
import sys

import numpy as np

GOLDEN = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def check_rng():
    import re
    with open(os.path.join(GOLDEN, "numpy_legacy_rng.yaml"), encoding="utf-8") as stream:
        text = stream.read()
    failed = False
    for seed in (0, 1390, 1337):
        section = text[text.index(f"  {seed}:"):]
        rand = [float(v) for v in re.search(r"rand_first10: \[(.*)\]", section).group(1).split(",")]
        randn = [float(v) for v in
                 re.search(r"randn_first10_fresh_seed: \[(.*)\]", section).group(1).split(",")]
        np.random.seed(seed)
        got_rand = [np.random.rand() for _ in range(10)]
        np.random.seed(seed)
        got_randn = [np.random.randn() for _ in range(10)]
        ok = got_rand == rand and got_randn == randn
        failed = failed or not ok
        print(f"numpy_legacy_rng.yaml seed {seed}: rand and randn "
              f"{'equal bit for bit' if ok else 'DIFFER'}")
    raw = [int(v) for v in
           re.search(r"mt19937_raw_uint32_seed_1390_first5: \[(.*)\]", text).group(1).split(",")]
    got_raw = np.random.RandomState(1390).randint(0, 2**32, size=5, dtype=np.uint32).tolist()
    ok = got_raw == raw
    print(f"numpy_legacy_rng.yaml raw MT19937 words of seed 1390: {'equal' if ok else 'DIFFER'}")
    return failed or not ok


def extend_grid(grid, k):
    """pykan 0.0.5's extend_grid: h = (g_last - g_0) / (n - 1), k knots added on each side."""
    h = (grid[-1] - grid[0]) / (len(grid) - 1)
    for _ in range(k):
        grid = np.concatenate([[grid[0] - h], grid, [grid[-1] + h]])
    return grid


def b_batch(x, t, k):
    """pykan 0.0.5's B_batch on the extended knots t: rows x, columns the bases."""
    x = x[:, None]
    if k == 0:
        return ((x >= t[None, :-1]) & (x < t[None, 1:])).astype(np.float64)
    lower = b_batch(x[:, 0], t, k - 1)
    return ((x - t[None, :-(k + 1)]) / (t[None, k:-1] - t[None, :-(k + 1)]) * lower[:, :-1] +
            (t[None, k + 1:] - x) / (t[None, k + 1:] - t[None, 1:(-k)]) * lower[:, 1:])


def derivative(x, t, k, order):
    """The order-th derivative of the order-k bases, kan.md 2.4's closed form recursively."""
    if order == 0:
        return b_batch(x, t, k)
    lower = derivative(x, t, k - 1, order - 1)
    return (k / (t[k:-1] - t[:-(k + 1)]))[None, :] * lower[:, :-1] - \
        (k / (t[k + 1:] - t[1:(-k)]))[None, :] * lower[:, 1:]


def check_bsplines():
    with open(os.path.join(GOLDEN, "bspline_G3_k3.csv"), encoding="utf-8") as stream:
        rows = list(csv.DictReader(line for line in stream if not line.startswith("#")))
    x = np.array([float(r["x"]) for r in rows])
    # torch.linspace(-1, 1, 4, dtype=float64), as the file's header states (numpy's linspace
    # rounds the inner points differently).
    grid = np.array([-1.0, -0.33333333333333337, 0.33333333333333337, 1.0])
    t = extend_grid(grid, 3)
    bases = b_batch(x, t, 3)
    first = derivative(x, t, 3, 1)
    second = derivative(x, t, 3, 2)
    stored = {name: np.array([[float(r[f"{name}{m}"]) for m in range(6)] for r in rows])
              for name in ("B", "dB", "ddB")}
    exact = np.array_equal(bases, stored["B"])
    first_difference = np.max(np.abs(first - stored["dB"]))
    second_difference = np.max(np.abs(second - stored["ddB"]))
    print(f"bspline_G3_k3.csv ({len(rows)} rows): bases {'equal bit for bit' if exact else 'DIFFER'}"
          f"; max |difference| first derivatives {first_difference:.3g}, second "
          f"{second_difference:.3g} (tolerance 1e-14)")
    return not exact or first_difference > 1e-14 or second_difference > 1e-14


def check_spring():
    """What of spring_seed1390.csv numpy can recompute: the draws (each trajectory's start,
    and the noise draws that follow it even at noise 0), the times, the targets f(state); the
    states themselves come from scipy's RK45 (rtol 1e-10, atol 1e-6), here only compared
    with the exact rotation q + i p = (q0 + i p0) exp(-2 i t)."""
    with open(os.path.join(GOLDEN, "spring_seed1390.csv"), encoding="utf-8") as stream:
        rows = list(csv.DictReader(line for line in stream if not line.startswith("#")))
    np.random.seed(1390)
    starts_equal = times_equal = targets_equal = True
    worst = 0.0
    for trajectory in range(50):
        t = np.linspace(0, 3, 30)
        y0 = np.random.rand(2) * 2 - 1
        radius = np.random.rand() * 0.9 + 0.1
        y0 = y0 / np.sqrt((y0 ** 2).sum()) * radius
        np.random.randn(30)
        np.random.randn(30)
        piece = rows[30 * trajectory:30 * trajectory + 30]
        q = np.array([float(r["q"]) for r in piece])
        p = np.array([float(r["p"]) for r in piece])
        starts_equal &= q[0] == y0[0] and p[0] == y0[1]
        times_equal &= np.array_equal(np.array([float(r["t"]) for r in piece]), t)
        targets_equal &= (np.array_equal(np.array([float(r["dqdt"]) for r in piece]), 2 * p) and
                          np.array_equal(np.array([float(r["dpdt"]) for r in piece]), -2 * q))
        exact_q = y0[0] * np.cos(2 * t) + y0[1] * np.sin(2 * t)
        exact_p = y0[1] * np.cos(2 * t) - y0[0] * np.sin(2 * t)
        worst = max(worst, np.max(np.abs(q - exact_q)), np.max(np.abs(p - exact_p)))
    ok = starts_equal and times_equal and targets_equal and worst < 1e-5
    print(f"spring_seed1390.csv: starts {'equal' if starts_equal else 'DIFFER'}, times "
          f"{'equal' if times_equal else 'DIFFER'}, targets = f(state) "
          f"{'exactly' if targets_equal else 'NOT'}; states vs the exact rotation max "
          f"|difference| {worst:.3g} (RK45's error; tolerance 1e-5; bit for bit needs scipy)")
    return not ok


def main():
    failed = check_rng()
    failed = check_bsplines() or failed
    failed = check_spring() or failed
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
