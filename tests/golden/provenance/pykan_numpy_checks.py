#!/usr/bin/python3
"""What of the pykan 0.0.5 golden files numpy alone (python3-numpy, python3-yaml) can
recompute, for machines without python3-torch (CI); pykan_goldens.py regenerates them bit
for bit with torch. An independent second implementation, not a transcription of pykan:

  * kan_2_1_2_seed0_init.yaml: the extended knots from the stored grid (extend_grid), the
    float64 minimum-norm coefficients A^T (A A^T)^{-1} noise from the stored float32 noise,
    and the sums of |theta| (the torch draws themselves need torch);
  * kan_2_1_2_seed0_forward.csv: h, F1, F2 and dF/dq, dF/dp of the model written out edge by
    edge, phi(x) = scale_base * silu(x) + scale_sp * sum_m c_m B_m(x), with the Cox-de Boor
    bases and kan.md 2.4's closed-form derivatives;
  * kan_2_1_2_seed0_hnn_gradient.yaml: the HNN loss on the train and test rows of
    spring_seed1390.csv and its gradient with respect to the 35 numeric trainable scalars
    by the complex step (h = 1e-30; the other entries must be 0).

    python3 tests/golden/provenance/pykan_numpy_checks.py    # exit 1 on a difference

Knots and coefficients must be equal bit for bit; the rest agrees to round-off (this
evaluation order is not pykan's): tolerance 1e-14 absolute (values below 5 in size).
"""
import csv
import os
import sys

import numpy as np
import yaml

GOLDEN = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TOLERANCE = 1e-14
K = 3


def load_yaml(name):
    with open(os.path.join(GOLDEN, name), encoding="utf-8") as stream:
        return yaml.safe_load(stream)


def read_rows(name):
    with open(os.path.join(GOLDEN, name), encoding="utf-8") as stream:
        return list(csv.DictReader(line for line in stream if not line.startswith("#")))


def extended_knots(grid):
    """k knots of spacing (last - first)/(points - 1) added at each end, one pair at a time."""
    h = (grid[-1] - grid[0]) / (len(grid) - 1)
    for _ in range(K):
        grid = np.concatenate([[grid[0] - h], grid, [grid[-1] + h]])
    return grid


def bases(x, t, k):
    """B_m(x) of order k on knots t for a (possibly complex) vector x: (len(x), bases)."""
    x = x[:, None]
    if k == 0:
        return ((x.real >= t[None, :-1]) & (x.real < t[None, 1:])).astype(x.dtype)
    lower = bases(x[:, 0], t, k - 1)
    return ((x - t[:-(k + 1)]) / (t[k:-1] - t[:-(k + 1)]) * lower[:, :-1] +
            (t[k + 1:] - x) / (t[k + 1:] - t[1:(-k)]) * lower[:, 1:])


def basis_derivatives(x, t, k):
    """dB_m/dx of order k: k/(t_{m+k} - t_m) B_m^{k-1} - k/(t_{m+k+1} - t_{m+1}) B_{m+1}^{k-1}."""
    lower = bases(x, t, k - 1)
    return (k / (t[k:-1] - t[:-(k + 1)])) * lower[:, :-1] - \
        (k / (t[k + 1:] - t[1:(-k)])) * lower[:, 1:]


def silu(x):
    return x / (1 + np.exp(-x))


def silu_derivative(x):
    s = 1 / (1 + np.exp(-x))
    return s * (1 + x * (1 - s))


class Model:
    """The float64 KAN(width=[2,1,2]) of the init file: edge (layer, e) with e = j*n_in + i."""

    def __init__(self, tensors):
        self.t = {layer: extended_knots(np.array(tensors[f"act_fun.{layer}.grid"][:4]))
                  for layer in (0, 1)}
        self.p = {name: np.array(values, dtype=complex) for name, values in tensors.items()}

    def edge(self, layer, e, x):
        """phi(x) and phi'(x) of one edge (x real or complex)."""
        coef = self.p[f"act_fun.{layer}.coef"].reshape(-1, K + 3)[e]
        sb = self.p[f"act_fun.{layer}.scale_base"][e]
        sp = self.p[f"act_fun.{layer}.scale_sp"][e]
        mask = self.p[f"act_fun.{layer}.mask"][e]
        t = self.t[layer]
        value = mask * (sb * silu(x) + sp * (bases(x, t, K) @ coef))
        slope = mask * (sb * silu_derivative(x) + sp * (basis_derivatives(x, t, K) @ coef))
        return value, slope

    def evaluate(self, q, p):
        """h, (F1, F2), and dF_a/dq, dF_a/dp."""
        phi_q, dphi_q = self.edge(0, 0, q)
        phi_p, dphi_p = self.edge(0, 1, p)
        h = phi_q + phi_p + self.p["biases.0.weight"][0]
        outputs, dq, dp = [], [], []
        for a in (0, 1):
            value, slope = self.edge(1, a, h)
            outputs.append(value + self.p["biases.1.weight"][a])
            dq.append(slope * dphi_q)
            dp.append(slope * dphi_p)
        return h, outputs, dq, dp

    def hnn_loss(self, q, p, dqdt, dpdt):
        """mean over rows and both components of ((dF2/dp, -dF2/dq) - (dqdt, dpdt))^2."""
        _, _, dq, dp = self.evaluate(q, p)
        return (np.sum((dp[1] - dqdt) ** 2) + np.sum((-dq[1] - dpdt) ** 2)) / (2 * len(q))


def minimum_norm(noise):
    a = np.zeros((4, 6))
    for g in range(4):
        a[g, g:g + 3] = (1 / 6, 2 / 3, 1 / 6)
    return a.T @ np.linalg.solve(a @ a.T, noise)


def check_init(init):
    tensors = {name: entry["values"] for name, entry in init["tensors"].items()}
    failed = False
    for layer in init["layers"]:
        for edge in layer["edges"]:
            knots_ok = np.array_equal(extended_knots(np.array(edge["grid"])),
                                      edge["extended_knots"])
            coef_ok = np.array_equal(minimum_norm(np.array(edge["noise_float32"])), edge["coef"])
            failed = failed or not knots_ok or not coef_ok
            if not knots_ok or not coef_ok:
                print(f"  layer {layer['layer']} edge {edge['e']}: knots "
                      f"{'equal' if knots_ok else 'DIFFER'}, coef {'equal' if coef_ok else 'DIFFER'}")
    total = sum(float(np.sum(np.abs(v))) for v in tensors.values())
    sums_ok = abs(total - init["sum_abs_all_parameters"]) <= 1e-15 * total
    failed = failed or not sums_ok
    print(f"kan_2_1_2_seed0_init.yaml (numpy): extended knots and minimum-norm coefficients of "
          f"all 4 edges {'equal bit for bit' if not failed else 'DIFFER'}; sum |theta| "
          f"{total!r} (stored {init['sum_abs_all_parameters']!r})")
    return failed


def check_forward(model):
    rows = read_rows("kan_2_1_2_seed0_forward.csv")
    q = np.array([float(r["q"]) for r in rows])
    p = np.array([float(r["p"]) for r in rows])
    h, outputs, dq, dp = model.evaluate(q.astype(complex), p.astype(complex))
    computed = {"h": h, "F1": outputs[0], "F2": outputs[1], "dF1dq": dq[0], "dF1dp": dp[0],
                "dF2dq": dq[1], "dF2dp": dp[1]}
    worst = {c: float(np.max(np.abs(v.real - np.array([float(r[c]) for r in rows]))))
             for c, v in computed.items()}
    failed = max(worst.values()) > TOLERANCE
    print(f"kan_2_1_2_seed0_forward.csv (numpy, {len(rows)} rows): max |difference| "
          + ", ".join(f"{c} {v:.2g}" for c, v in worst.items())
          + f" (tolerance {TOLERANCE:g}){'' if not failed else ' -- DIFFERS'}")
    return failed


def spring(split):
    rows = [r for r in read_rows("spring_seed1390.csv") if r["split"] == split]
    return [np.array([float(r[c]) for r in rows], dtype=complex)
            for c in ("q", "p", "dqdt", "dpdt")]


def check_gradient(tensors, stored):
    train, test = spring("train"), spring("test")
    model = Model(tensors)
    loss = model.hnn_loss(*train).real
    test_loss = model.hnn_loss(*test).real
    worst = max(abs(loss - stored["loss"]), abs(test_loss - stored["test_loss_initial"]))
    worst_gradient = 0.0
    numeric = [name for name in tensors if name.startswith(("biases", "act_fun")) and
               name.split(".")[-1] not in ("grid", "mask")]
    for name, values in tensors.items():
        expected = stored["gradient"][name]["values"]
        if name not in numeric:
            worst_gradient = max(worst_gradient, float(np.max(np.abs(expected))))
            continue
        for index in range(len(values)):
            model.p[name][index] += 1e-30j
            derivative = model.hnn_loss(*train).imag / 1e-30
            model.p[name][index] -= 1e-30j
            worst_gradient = max(worst_gradient, abs(derivative - expected[index]))
    failed = worst > TOLERANCE or worst_gradient > TOLERANCE
    count = sum(len(tensors[name]) for name in numeric)
    print(f"kan_2_1_2_seed0_hnn_gradient.yaml (numpy): loss {loss!r}, test loss {test_loss!r}: max "
          f"|difference| {worst:.2g}; complex-step gradient of the {count} numeric trainable "
          f"scalars (the rest 0): max |difference| {worst_gradient:.2g} (tolerance "
          f"{TOLERANCE:g}){'' if not failed else ' -- DIFFERS'}")
    return failed


def main():
    init = load_yaml("kan_2_1_2_seed0_init.yaml")
    tensors = {name: entry["values"] for name, entry in init["tensors"].items()}
    failed = check_init(init)
    failed = check_forward(Model(tensors)) or failed
    failed = check_gradient(tensors, load_yaml("kan_2_1_2_seed0_hnn_gradient.yaml")) or failed
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
