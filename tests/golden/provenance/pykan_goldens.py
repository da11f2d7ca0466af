#!/usr/bin/python3
"""Regenerates, with Debian's python3-torch 1.13, python3-numpy and python3-yaml, the golden
files that pykan 0.0.5 produced (pykan itself is not packaged; pykan_transcription.py
transcribes the code they ran), and compares with the stored values:

  * kan_2_1_2_seed0_init.yaml: the seed-0 initialisation of KAN(width=[2,1,2]) replayed
    through torch's generator as KAN.__init__ consumes it (torch.manual_seed(0); per layer
    randn -> scale_base, rand -> the spline noise at the grid points, the bias Linear's
    Kaiming-uniform draws, then multiplied by 0), and the float64 construction the header
    describes: grid = torch.linspace(-1, 1, 4, float64), extended knots by extend_grid,
    coef = the minimum-norm solution A^T (A A^T)^{-1} noise with A[g, g..g+2] =
    (1/6, 2/3, 1/6), scale_sp = mask = 1, symbolic mask and affine 0; and the sums of |theta|;
  * kan_2_1_2_seed0_forward.csv: of the float64 model loaded from the init file, h = acts[1],
    F1, F2 and their input gradients (torch.autograd.grad) at the 27 stored inputs (the last
    10 drawn again: np.random.RandomState(12345).rand(10, 2)*2 - 1);
  * kan_2_1_2_seed0_hnn_gradient.yaml: the HNN loss of that model on the 750 train rows of
    spring_seed1390.csv, its gradient w.r.t. every tensor (None -> zeros, as listed), and
    the loss on the 750 test rows.

    /usr/bin/python3 tests/golden/provenance/pykan_goldens.py    # exit 1 on a difference

Torch runs with one thread in float64, as the files were made. Every value is compared bit
for bit (the minimum-norm coefficients too: numpy's solve of the 4x4 system A A^T, then A^T
times it, gives the stored doubles), except the sums of |theta| (summation order not
stated: relative 1e-15).
"""
import csv
import os
import sys

import numpy as np
import torch
import yaml

from pykan_transcription import FROZEN, PARAMETER_SHAPES, WIDTH, extend_grid, hnn_loss, \
    kan_forward, parameters_from

GOLDEN = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def load_yaml(name):
    with open(os.path.join(GOLDEN, name), encoding="utf-8") as stream:
        return yaml.safe_load(stream)


def read_rows(name):
    with open(os.path.join(GOLDEN, name), encoding="utf-8") as stream:
        return list(csv.DictReader(line for line in stream if not line.startswith("#")))


def same_bits(a, b):
    """Equal as doubles including the sign of zero."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    return a.shape == b.shape and np.array_equal(a.view(np.int64), b.view(np.int64))


def max_difference(a, b):
    return float(np.max(np.abs(np.asarray(a, dtype=np.float64) - np.asarray(b, dtype=np.float64))))


def replay_initialisation():
    """What KAN(width=[2,1,2]) (seed 0, defaults) draws, in float32 as pykan does: per layer
    scale_base, the spline noise at the grid points, and the bias weight."""
    torch.set_default_dtype(torch.float32)
    torch.manual_seed(0)
    layers = []
    grid, noise_scale, noise_scale_base = 3, 0.1, 0.1
    for layer in range(len(WIDTH) - 1):
        size = WIDTH[layer] * WIDTH[layer + 1]
        scale_base = 1 / np.sqrt(WIDTH[layer]) + (torch.randn(size, ) * 2 - 1) * noise_scale_base
        scale_base = torch.FloatTensor(scale_base)  # KANLayer's scale_base parameter
        noise = (torch.rand(size, grid + 1) - 1 / 2) * noise_scale / grid
        bias = torch.nn.Linear(WIDTH[layer + 1], 1, bias=False)
        bias.weight.data *= 0.
        layers.append({"scale_base": scale_base, "noise": noise, "bias": bias.weight.data})
    return layers


def minimum_norm_coefficients(noise):
    """c = A^T (A A^T)^{-1} noise in float64, A the 4x6 collocation matrix of the cubic
    bases at the 4 grid points (1/6, 2/3, 1/6 in columns g, g+1, g+2 of row g)."""
    a = np.zeros((4, 6))
    for g in range(4):
        a[g, g:g + 3] = (1 / 6, 2 / 3, 1 / 6)
    return a.T @ np.linalg.solve(a @ a.T, noise)


def check_init(stored):
    failed = False
    tensors = {name: entry["values"] for name, entry in stored["tensors"].items()}
    replayed = replay_initialisation()
    grid64 = torch.linspace(-1, 1, 4, dtype=torch.float64)
    knots = extend_grid(grid64[None, :], 3)[0].numpy()
    worst_coef = 0.0
    for layer, draws in enumerate(replayed):
        edges = stored["layers"][layer]["edges"]
        scale_base = draws["scale_base"].double().numpy()
        noise = draws["noise"].double().numpy()
        bias = draws["bias"].double().numpy().reshape(-1)
        coef = np.stack([minimum_norm_coefficients(row) for row in noise])
        checks = {
            "scale_base (torch.manual_seed(0) replay)":
                same_bits(scale_base, tensors[f"act_fun.{layer}.scale_base"]),
            "spline noise (float32)": same_bits(noise, [e["noise_float32"] for e in edges]),
            "bias (a Kaiming draw times 0, sign included)":
                same_bits(bias, tensors[f"biases.{layer}.weight"]),
            "grid (torch.linspace float64)":
                same_bits(np.tile(grid64.numpy(), (len(edges), 1)), [e["grid"] for e in edges])
                and same_bits(np.tile(grid64.numpy(), len(edges)),
                              tensors[f"act_fun.{layer}.grid"]),
            "extended knots": same_bits(np.tile(knots, (len(edges), 1)),
                                        [e["extended_knots"] for e in edges]),
            "scale_sp, mask = 1": same_bits(tensors[f"act_fun.{layer}.scale_sp"],
                                            np.ones(len(edges))) and
                same_bits(tensors[f"act_fun.{layer}.mask"], np.ones(len(edges))),
            "symbolic mask, affine = 0": same_bits(
                tensors[f"symbolic_fun.{layer}.mask"], np.zeros(len(edges))) and same_bits(
                tensors[f"symbolic_fun.{layer}.affine"], np.zeros(4 * len(edges))),
        }
        coef_exact = same_bits(coef.reshape(-1), tensors[f"act_fun.{layer}.coef"])
        difference = max_difference(coef.reshape(-1), tensors[f"act_fun.{layer}.coef"])
        worst_coef = max(worst_coef, difference)
        for what, ok in checks.items():
            failed = failed or not ok
            print(f"  layer {layer} {what}: {'equal bit for bit' if ok else 'DIFFERS'}")
        print(f"  layer {layer} minimum-norm coef (float64): "
              + ("equal bit for bit" if coef_exact else f"max |difference| {difference:.3g}"))
    failed = failed or worst_coef > 0
    sums_ok = True
    for key, which in (("sum_abs_all_parameters", lambda name: True),
                       ("sum_abs_requires_grad_parameters", lambda name: name not in FROZEN)):
        total = sum(float(np.sum(np.abs(tensors[name]))) for name, _ in PARAMETER_SHAPES
                    if which(name))
        sums_ok = sums_ok and abs(total - stored[key]) <= 1e-15 * abs(stored[key])
        print(f"  {key}: {total!r} (stored {stored[key]!r})")
    failed = failed or not sums_ok
    print("kan_2_1_2_seed0_init.yaml: " + ("DIFFERS" if failed else "reproduced (every value "
                                          "bit for bit; the sums of |theta| to relative 1e-15)"))
    return failed


def check_forward(parameters):
    rows = read_rows("kan_2_1_2_seed0_forward.csv")
    inputs = np.array([[float(r["q"]), float(r["p"])] for r in rows])
    random_points = np.random.RandomState(12345).rand(10, 2) * 2 - 1
    drawn = same_bits(inputs[17:], random_points)
    x = torch.tensor(inputs, dtype=torch.float64, requires_grad=True)
    hidden = []
    out = kan_forward(parameters, x, hidden)
    d1 = torch.autograd.grad(out[:, 0].sum(), x, retain_graph=True)[0]
    d2 = torch.autograd.grad(out[:, 1].sum(), x)[0]
    computed = {"h": hidden[0][:, 0], "F1": out[:, 0], "F2": out[:, 1], "dF1dq": d1[:, 0],
                "dF1dp": d1[:, 1], "dF2dq": d2[:, 0], "dF2dp": d2[:, 1]}
    failed = not drawn
    parts = []
    for column, values in computed.items():
        values = values.detach().numpy()
        stored = [float(r[column]) for r in rows]
        exact = same_bits(values, stored)
        failed = failed or not exact
        parts.append(f"{column} " + ("bit for bit" if exact else
                                     f"max |difference| {max_difference(values, stored):.3g}"))
    print(f"  random inputs of rows 18-27: {'equal' if drawn else 'DIFFER'}")
    print("  " + ", ".join(parts))
    print(f"kan_2_1_2_seed0_forward.csv ({len(rows)} rows): "
          + ("every value equal bit for bit" if not failed else "DIFFERS"))
    return failed


def spring_rows(split):
    rows = [r for r in read_rows("spring_seed1390.csv") if r["split"] == split]
    x = torch.tensor([[float(r["q"]), float(r["p"])] for r in rows], dtype=torch.float64,
                     requires_grad=True)
    dxdt = torch.tensor([[float(r["dqdt"]), float(r["dpdt"])] for r in rows],
                        dtype=torch.float64)
    return x, dxdt


def check_gradient(parameters, stored):
    x, dxdt = spring_rows("train")
    loss = hnn_loss(parameters, x, dxdt)
    loss.backward()
    failed = False
    none = [name for name, _ in PARAMETER_SHAPES if parameters[name].grad is None]
    none_ok = none == stored["gradient_is_none_in_torch"]
    failed = not none_ok or loss.item() != stored["loss"]
    differing = []
    for name, _ in PARAMETER_SHAPES:
        tensor = parameters[name]
        gradient = (np.zeros(tensor.numel()) if tensor.grad is None
                    else tensor.grad.reshape(-1).numpy())
        if not same_bits(gradient, stored["gradient"][name]["values"]):
            differing.append(f"{name} ({max_difference(gradient, stored['gradient'][name]['values']):.3g})")
    failed = failed or bool(differing)
    test_x, test_dxdt = spring_rows("test")
    test_loss = hnn_loss(parameters, test_x, test_dxdt).item()
    failed = failed or test_loss != stored["test_loss_initial"]
    print(f"  loss {loss.item()!r} (stored {stored['loss']!r}), test loss {test_loss!r} "
          f"(stored {stored['test_loss_initial']!r}); .grad None for {'the listed tensors' if none_ok else none}")
    print("  gradient: " + ("every tensor equal bit for bit" if not differing else
                            "DIFFERS: " + ", ".join(differing)))
    print(f"kan_2_1_2_seed0_hnn_gradient.yaml: "
          + ("every value equal bit for bit" if not failed else "DIFFERS"))
    return failed


def main():
    torch.set_num_threads(1)
    print(f"(torch {torch.__version__}, numpy {np.__version__}; the files were made with "
          "torch 1.13.0a0, numpy 1.24.2)")
    init = load_yaml("kan_2_1_2_seed0_init.yaml")
    failed = check_init(init)
    torch.set_default_dtype(torch.float64)
    values = {name: entry["values"] for name, entry in init["tensors"].items()}
    failed = check_forward(parameters_from(values)) or failed
    failed = check_gradient(parameters_from(values),
                            load_yaml("kan_2_1_2_seed0_hnn_gradient.yaml")) or failed
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
