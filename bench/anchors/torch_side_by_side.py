#!/usr/bin/env python3
"""hnn against the original HNN code's model and loss in PyTorch, side by side (issue 16).

The PyTorch side is greydanus/hamiltonian-nn as published: `nn_models.MLP` (2-200-200-2,
tanh, orthogonal weights, no bias on the last layer), `hnn.HNN.time_derivative`
(dF2/dx @ M^T by torch.autograd.grad with create_graph=True, M the canonical permutation),
`utils.L2_loss` (mean of squares) and `train.py`'s step (Adam, lr 1e-3, weight decay 1e-4).
It runs in float32 (the original) and float64 (hnn's precision), on the same 750 training
states as hnn (the spring study's data: hnn writes them, this script reads them back), with
the same number of threads (torch.set_num_threads and OMP_NUM_THREADS).

Rows (milliseconds; ratio = PyTorch / hnn, > 1 means hnn is faster):
  objective      one HNN loss with its parameter gradient (hnn: hnn_benchmarks'
                 BM_HnnObjectiveMlp, best round; PyTorch: best of rounds)
  Adam step      one full-batch Adam step, HNN loss (hnn: a run's history.csv, the mean
                 epoch time of a pipeline that only trains; PyTorch: mean over the steps)
  Adam baseline  the same for the baseline MLP (loss on its outputs)
  L-BFGS epoch   one L-BFGS iteration with its line search (hnn: the study's Ceres L-BFGS,
                 memory 20; PyTorch: torch.optim.LBFGS(max_iter=1, history_size=20,
                 line_search_fn="strong_wolfe")); test losses every 10 epochs on both sides
  to 1e-6, 1e-8  seconds of L-BFGS training until the test loss first reaches the target
                 (checked every 10 epochs on both sides; both from PyTorch's default
                 initialisation, their own draws)

Needs python3-torch and python3-numpy (Debian) and a Release build of hnn (scripts/test or
scripts/run-flagship build one). Usage:

    bench/anchors/torch_side_by_side.py [--build build] [--threads 2] [--quick]

Prints a Markdown table for the README and the machine it ran on.
"""
import argparse
import csv
import json
import os
import platform
import re
import subprocess
import sys
import tempfile
import time

import numpy as np
import torch

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

# The spring study's data (configs/spring_study.yaml): 50 trajectories of H = q^2 + p^2, 750
# training and 750 test states.
DATA = """system: {plugin: spring_mass, k: 2.0, m: 0.5}
data:
  trajectories: 50
  time_span: [0, 3]
  points: 30
  noise_std: 0.0
  seed: 1390
  rng: numpy
  train_fraction: 0.5
  integrator: {plugin: rk45, rtol: 1.0e-10, atol: 1.0e-6}
"""

MLP_YAML = """    plugin: mlp
    hidden: [200, 200]
    activation: tanh
    initialization: %s
    output_bias: %s
    seed: 0
"""


def adam_pipeline(objective, epochs):
    return (
        "name: side_by_side_adam\n"
        + DATA
        + "training:\n  objective: %s\n  hamiltonian_output: 1\n  test_every: %d\n"
        "  optimizer: {plugin: adam, epochs: %d, lr: 1.0e-3, weight_decay: 1.0e-4}\n"
        % (objective, epochs, epochs)
        + "models:\n  model:\n"
        + MLP_YAML % ("orthogonal", "false")
    )


def lbfgs_pipeline(epochs):
    return (
        "name: side_by_side_lbfgs\n"
        + DATA
        + "training:\n  objective: hnn\n  hamiltonian_output: 1\n  test_every: 10\n"
        "  optimizer: {plugin: lbfgs, epochs: %d, memory: 20, function_tolerance: 0.0,\n"
        "              gradient_tolerance: 1.0e-12, parameter_tolerance: 0.0}\n" % epochs
        + "models:\n  model:\n"
        + MLP_YAML % ("torch_default", "true")
    )


def run_host(build, pipeline_text, folder, threads):
    """Runs hnn-host on the pipeline; returns history.csv's rows (dicts)."""
    pipeline = os.path.join(folder, "pipeline_in.yaml")
    with open(pipeline, "w") as f:
        f.write(pipeline_text)
    out = os.path.join(folder, "run")
    env = dict(os.environ, OMP_NUM_THREADS=str(threads), HNN_PLUGIN_PATH="")
    subprocess.run(
        [os.path.join(build, "bin", "hnn-host"), pipeline, "--quiet", "--no-report", "--force",
         "-o", out],
        check=True, env=env, stdout=subprocess.DEVNULL)
    with open(os.path.join(out, "history.csv")) as f:
        return list(csv.DictReader(f)), out


def mean_epoch_ms(rows, first, last):
    """Mean time of epochs first+1..last (history's seconds are cumulative at an epoch's end)."""
    seconds = {int(r["epoch"]): float(r["seconds"]) for r in rows}
    return 1e3 * (seconds[last] - seconds[first]) / (last - first)


def objective_evaluations(run_folder):
    """The training objective's evaluations in the run (summary.yaml, every stage)."""
    with open(os.path.join(run_folder, "summary.yaml")) as f:
        return sum(int(n) for n in re.findall(r"objective_evaluations: (\d+)", f.read()))


def time_to(rows, target):
    for r in rows:
        if r["test_loss"] and float(r["test_loss"]) <= target:
            return float(r["seconds"])
    return None


def hnn_objective_ms(build, threads):
    result = subprocess.run(
        [os.path.join(build, "bin", "hnn_benchmarks"),
         "--benchmark_filter=BM_HnnObjectiveMlp/layers:2/threads:%d/" % threads,
         "--benchmark_format=json"],
        check=True, capture_output=True, text=True)
    return json.loads(result.stdout)["benchmarks"][0]["ms"]


def read_split(run_folder, dtype):
    """The run's data.csv: (x, dxdt) of the train and the test split as tensors."""
    table = {"train": ([], []), "test": ([], [])}
    with open(os.path.join(run_folder, "data.csv")) as f:
        for r in csv.DictReader(f):
            table[r["split"]][0].append([float(r["q"]), float(r["p"])])
            table[r["split"]][1].append([float(r["dq_dt"]), float(r["dp_dt"])])
    return {k: (torch.tensor(x, dtype=dtype), torch.tensor(y, dtype=dtype))
            for k, (x, y) in table.items()}


class MLP(torch.nn.Module):
    """greydanus/hamiltonian-nn nn_models.MLP(inputs, hidden, outputs, 'tanh')."""

    def __init__(self, orthogonal, last_bias, inputs=2, hidden=200, outputs=2):
        super().__init__()
        self.linear1 = torch.nn.Linear(inputs, hidden)
        self.linear2 = torch.nn.Linear(hidden, hidden)
        self.linear3 = torch.nn.Linear(hidden, outputs, bias=last_bias)
        if orthogonal:
            for layer in [self.linear1, self.linear2, self.linear3]:
                torch.nn.init.orthogonal_(layer.weight)

    def forward(self, x):
        h = torch.tanh(self.linear1(x))
        h = torch.tanh(self.linear2(h))
        return self.linear3(h)


def hnn_time_derivative(model, x, permutation):
    """hnn.HNN.time_derivative, field_type 'solenoidal'."""
    _, f2 = model(x).split(1, 1)
    df2 = torch.autograd.grad(f2.sum(), x, create_graph=True)[0]
    return df2 @ permutation.t()


def l2_loss(u, v):
    return (u - v).pow(2).mean()


def best_ms(step, rounds, seconds):
    best = float("inf")
    for _ in range(rounds):
        calls, start = 0, time.perf_counter()
        while True:
            step()
            calls += 1
            elapsed = time.perf_counter() - start
            if elapsed >= seconds:
                break
        best = min(best, elapsed / calls)
    return 1e3 * best


def torch_rows(data, dtype, adam_steps, lbfgs_seconds, quick):
    torch.manual_seed(0)
    x, dxdt = data["train"]
    x = x.clone().requires_grad_(True)
    test_x, test_dxdt = data["test"]
    test_x = test_x.clone().requires_grad_(True)
    permutation = torch.tensor([[0.0, 1.0], [-1.0, 0.0]], dtype=dtype)
    rows = {}

    model = MLP(orthogonal=True, last_bias=False).to(dtype)

    def objective():
        model.zero_grad()
        loss = l2_loss(dxdt, hnn_time_derivative(model, x, permutation))
        loss.backward()
        return loss

    objective()
    rows["objective"] = best_ms(objective, 3 if quick else 5, 0.2 if quick else 0.5)

    def adam_ms(baseline):
        net = MLP(orthogonal=True, last_bias=False).to(dtype)
        optim = torch.optim.Adam(net.parameters(), 1e-3, weight_decay=1e-4)

        def step():
            out = net(x) if baseline else hnn_time_derivative(net, x, permutation)
            loss = l2_loss(dxdt, out)
            loss.backward()
            optim.step()
            optim.zero_grad()

        step()
        start = time.perf_counter()
        for _ in range(adam_steps):
            step()
        return 1e3 * (time.perf_counter() - start) / adam_steps

    rows["adam"] = adam_ms(False)
    rows["adam_baseline"] = adam_ms(True)

    # L-BFGS from PyTorch's default initialisation, the study's.
    torch.manual_seed(0)
    net = MLP(orthogonal=False, last_bias=True).to(dtype)
    optim = torch.optim.LBFGS(net.parameters(), lr=1.0, max_iter=1, history_size=20,
                              line_search_fn="strong_wolfe", tolerance_grad=1e-12,
                              tolerance_change=0.0)

    def closure():
        optim.zero_grad()
        loss = l2_loss(dxdt, hnn_time_derivative(net, x, permutation))
        loss.backward()
        return loss

    reached = {1e-6: None, 1e-8: None}
    epochs, start = 0, time.perf_counter()
    while time.perf_counter() - start < lbfgs_seconds and reached[1e-8] is None:
        optim.step(closure)
        epochs += 1
        if epochs % 10 == 0:
            test = l2_loss(test_dxdt, hnn_time_derivative(net, test_x, permutation)).item()
            now = time.perf_counter() - start
            for target in reached:
                if reached[target] is None and test <= target:
                    reached[target] = now
    rows["lbfgs"] = 1e3 * (time.perf_counter() - start) / epochs
    rows["to_1e-6"], rows["to_1e-8"] = reached[1e-6], reached[1e-8]
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--build", default=os.path.join(ROOT, "build"))
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--quick", action="store_true", help="fewer steps (a smoke test)")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    load_before = os.getloadavg()[0]
    adam_epochs = 30 if args.quick else 300
    lbfgs_epochs = 100 if args.quick else 6000
    lbfgs_seconds = 5.0 if args.quick else 120.0

    hnn = {}
    with tempfile.TemporaryDirectory() as scratch:
        for name, objective in (("adam", "hnn"), ("adam_baseline", "baseline")):
            folder = os.path.join(scratch, name)
            os.makedirs(folder)
            rows, _ = run_host(args.build, adam_pipeline(objective, adam_epochs), folder,
                               args.threads)
            hnn[name] = mean_epoch_ms(rows, 1, adam_epochs - 1)
        folder = os.path.join(scratch, "lbfgs")
        os.makedirs(folder)
        rows, run_folder = run_host(args.build, lbfgs_pipeline(lbfgs_epochs), folder,
                                    args.threads)
        last = max(int(r["epoch"]) for r in rows)
        hnn["lbfgs"] = mean_epoch_ms(rows, 0, last)
        lbfgs_evaluations = objective_evaluations(run_folder) / last
        hnn["to_1e-6"], hnn["to_1e-8"] = time_to(rows, 1e-6), time_to(rows, 1e-8)
        data = {name: read_split(run_folder, dtype)
                for name, dtype in (("f32", torch.float32), ("f64", torch.float64))}
    hnn["objective"] = hnn_objective_ms(args.build, args.threads)

    anchor = {name: torch_rows(data[name], dtype, adam_epochs, lbfgs_seconds, args.quick)
              for name, dtype in (("f32", torch.float32), ("f64", torch.float64))}

    labels = [("objective", "HNN objective + gradient (ms)"),
              ("adam", "one Adam step, HNN (ms)"),
              ("adam_baseline", "one Adam step, baseline (ms)"),
              ("lbfgs", "one L-BFGS epoch, HNN (ms)"),
              ("to_1e-6", "L-BFGS to test loss 1e-6 (s)"),
              ("to_1e-8", "L-BFGS to test loss 1e-8 (s)")]

    def cell(value):
        return "not reached" if value is None else "%.3g" % value

    def ratio(a, b):
        return "–" if a is None or b is None else "%.2f×" % (a / b)

    cpu = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo")
                if line.startswith("model name")), platform.machine())
    print("%s, %d cores used (OMP_NUM_THREADS / torch.set_num_threads %d); torch %s; "
          "load average %.1f before the run" % (cpu, args.threads, args.threads,
                                               torch.__version__, load_before))
    print()
    print("| what (2-200-200-2 tanh, 750 states) | hnn | PyTorch float32 | PyTorch float64 "
          "| float32 / hnn | float64 / hnn |")
    print("|---|---|---|---|---|---|")
    for key, label in labels:
        print("| %s | %s | %s | %s | %s | %s |" % (
            label, cell(hnn[key]), cell(anchor["f32"][key]), cell(anchor["f64"][key]),
            ratio(anchor["f32"][key], hnn[key]), ratio(anchor["f64"][key], hnn[key])))
    print()
    print("hnn's loops against its own objective (issue 16, item 1): one Adam step costs "
          "%.2f× one objective evaluation (goal ≤ 1.1); one L-BFGS epoch %.2f× the %.2f "
          "objective evaluations it makes on average (goal ≤ 1.2; its test loss every 10 "
          "epochs included)." % (hnn["adam"] / hnn["objective"],
                                 hnn["lbfgs"] / (lbfgs_evaluations * hnn["objective"]),
                                 lbfgs_evaluations))
    return 0


if __name__ == "__main__":
    sys.exit(main())
