#!/usr/bin/python3
"""Recomputes tests/golden/mlp_small_reference.yaml (the 2 -> 4 -> 3 -> 2 tanh MLP that
tests/mlp/mlp_test.cc checks the plugin against) with numpy, and with torch where
python3-torch is installed, and compares with the stored values:

  * the weights, drawn from np.random.RandomState(20240607) as the file's header says
    (bit for bit);
  * the inputs and targets, the first 20 rows of spring_seed1390.csv (bit for bit);
  * numpy: the outputs, the input gradient of output 1 (written out by hand), the HNN loss,
    and its parameter gradient by the complex step (h = 1e-30), with and without the
    1e-5 sum|theta| penalty;
  * torch (float64): the file's own route, the KAN-HNN author's time_derivative
    (autograd.grad with create_graph=True) and autograd of the loss.

    python3 tests/golden/provenance/mlp_small_reference.py    # exit 1 on a difference

Tolerance: 1e-14 absolute on every value (all are below 2 in size); the largest
differences are printed.
"""
import csv
import os
import sys

import numpy as np
import yaml

GOLDEN = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TOLERANCE = 1e-14
SHAPES = [("layers.0.weight", (4, 2)), ("layers.0.bias", (4,)), ("layers.1.weight", (3, 4)),
          ("layers.1.bias", (3,)), ("layers.2.weight", (2, 3)), ("layers.2.bias", (2,))]


def stored():
    with open(os.path.join(GOLDEN, "mlp_small_reference.yaml"), encoding="utf-8") as stream:
        return yaml.safe_load(stream)


def drawn_weights():
    """W_l then b_l for l = 1..3, uniform(+-1/sqrt(fan_in)) from RandomState(20240607)."""
    random = np.random.RandomState(20240607)
    tensors = {}
    for layer, (fan_in, fan_out) in enumerate([(2, 4), (4, 3), (3, 2)]):
        bound = 1.0 / np.sqrt(fan_in)
        tensors[f"layers.{layer}.weight"] = random.uniform(-bound, bound, size=(fan_out, fan_in))
        tensors[f"layers.{layer}.bias"] = random.uniform(-bound, bound, size=(fan_out,))
    return tensors


def spring_rows(count):
    with open(os.path.join(GOLDEN, "spring_seed1390.csv"), encoding="utf-8") as stream:
        rows = [r for r in csv.DictReader(line for line in stream if not line.startswith("#"))
                if r["split"] == "train"][:count]
    x = np.array([[float(r["q"]), float(r["p"])] for r in rows])
    y = np.array([[float(r["dqdt"]), float(r["dpdt"])] for r in rows])
    return x, y


def forward(theta, x):
    """Outputs (N x 2) and the input gradient of output 1 (N x 2), by hand."""
    w1, b1, w2, b2, w3, b3 = theta
    z1 = x @ w1.T + b1
    a1 = np.tanh(z1)
    z2 = a1 @ w2.T + b2
    a2 = np.tanh(z2)
    out = a2 @ w3.T + b3
    # d out_1 / dx = W1^T diag(1 - a1^2) W2^T diag(1 - a2^2) w3[1]
    u2 = (1 - a2 ** 2) * w3[1]
    u1 = (1 - a1 ** 2) * (u2 @ w2)
    return out, u1 @ w1


def hnn_loss(theta, x, targets):
    _, gradient = forward(theta, x)
    field = np.stack([gradient[:, 1], -gradient[:, 0]], axis=1)
    return np.mean((field - targets) ** 2)


def complex_step_gradient(theta, x, targets):
    result = []
    for k, tensor in enumerate(theta):
        flat = np.zeros(tensor.size)
        for i in range(tensor.size):
            shifted = [t.astype(complex) for t in theta]
            shifted[k].reshape(-1)[i] += 1e-30j
            flat[i] = hnn_loss(shifted, x, targets).imag / 1e-30
        result.append(flat)
    return result


def torch_route(theta, x, targets):
    import torch
    params = [torch.tensor(t, dtype=torch.float64, requires_grad=True) for t in theta]
    xs = torch.tensor(x, dtype=torch.float64, requires_grad=True)
    w1, b1, w2, b2, w3, b3 = params
    out = torch.tanh(torch.tanh(xs @ w1.T + b1) @ w2.T + b2) @ w3.T + b3
    d_f2 = torch.autograd.grad(out[:, 1].sum(), xs, create_graph=True)[0]
    m = torch.tensor([[0.0, 1.0], [-1.0, 0.0]], dtype=torch.float64)
    field = d_f2 @ m.T
    loss = (torch.tensor(targets) - field).pow(2).mean()
    grads = torch.autograd.grad(loss, params, allow_unused=True)
    grads = [np.zeros(t.size) if g is None else g.detach().numpy().reshape(-1)
             for g, t in zip(grads, theta)]
    return out.detach().numpy(), d_f2.detach().numpy(), float(loss), grads


def compare(name, got, expected, report):
    difference = float(np.max(np.abs(np.asarray(got, dtype=float) - np.asarray(expected))))
    report.append((name, difference))
    return difference <= TOLERANCE


def main():
    golden = stored()
    ok = True
    drawn = drawn_weights()
    listed = {name: np.array(golden["parameters"][name]["values"]).reshape(shape)
              for name, shape in SHAPES}
    same_weights = all(np.array_equal(drawn[name], listed[name]) for name, _ in SHAPES)
    print(f"weights from RandomState(20240607): {'equal bit for bit' if same_weights else 'DIFFER'}")
    x, targets = spring_rows(20)
    same_data = (np.array_equal(x, np.array(golden["inputs"])) and
                 np.array_equal(targets, np.array(golden["targets"])))
    print(f"inputs and targets from spring_seed1390.csv: {'equal' if same_data else 'DIFFER'}")
    ok = same_weights and same_data
    theta = [listed[name] for name, _ in SHAPES]
    l1 = 1e-5 * sum(np.abs(t).sum() for t in theta)
    grad = [np.array(golden["parameters"][name]["grad_loss"]) for name, _ in SHAPES]
    grad_l1 = [np.array(golden["parameters"][name]["grad_loss_with_l1"]) for name, _ in SHAPES]

    report = []
    out, input_gradient = forward(theta, x)
    loss = hnn_loss(theta, x, targets)
    gradient = complex_step_gradient(theta, x, targets)
    ok &= compare("numpy outputs", out, golden["outputs"], report)
    ok &= compare("numpy input gradient of output 1", input_gradient,
                  golden["input_gradient_of_output1"], report)
    ok &= compare("numpy loss", loss, golden["loss"], report)
    ok &= compare("numpy l1 penalty", l1, golden["l1_penalty"], report)
    ok &= compare("numpy loss with l1", loss + l1, golden["loss_with_l1"], report)
    ok &= compare("numpy complex-step gradient", np.concatenate(gradient), np.concatenate(grad),
                  report)
    with_l1 = [g + 1e-5 * np.sign(t.reshape(-1)) for g, t in zip(gradient, theta)]
    ok &= compare("numpy gradient with l1", np.concatenate(with_l1), np.concatenate(grad_l1),
                  report)
    try:
        t_out, t_input_gradient, t_loss, t_grad = torch_route(theta, x, targets)
        ok &= compare("torch outputs", t_out, golden["outputs"], report)
        ok &= compare("torch input gradient of output 1", t_input_gradient,
                      golden["input_gradient_of_output1"], report)
        ok &= compare("torch loss", t_loss, golden["loss"], report)
        ok &= compare("torch gradient", np.concatenate(t_grad), np.concatenate(grad), report)
    except ImportError:
        print("(python3-torch not installed: the torch route is skipped)")
    for name, difference in report:
        print(f"  {name}: max |difference| {difference:.3g}")
    print(f"mlp_small_reference.yaml: {'reproduced' if ok else 'NOT reproduced'} "
          f"(tolerance {TOLERANCE})")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
