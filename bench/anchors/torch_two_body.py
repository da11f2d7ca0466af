#!/usr/bin/env python3
"""hnn against the original HNN code's two-body training step in PyTorch (issue 16, item 6).

The task is configs/two_body_paper.yaml (the original HNN's task 4): 1000 orbits of 50
states, 40 000 training states of dimension 8, an HNN MLP 8-200-200-2 (tanh, orthogonal
weights, no output bias), Adam lr 1e-3 without weight decay on a fresh random minibatch of
200 training states per step. hnn runs that pipeline (its data, model, minibatch and
optimizer; only the hnn model, fewer steps, the test loss only at the last step, no energy
trials) with hnn-host; this script reads the training states back from the run folder and
runs the original code's step in Debian's python3-torch, float32 (the original) and float64
(hnn's precision), with the same number of threads (OMP_NUM_THREADS for hnn-host,
torch.set_num_threads and OMP_NUM_THREADS for PyTorch).

What is timed, per Adam step (milliseconds; ratio = PyTorch / hnn, > 1 means hnn is faster):
  hnn      one epoch of hnn-host's Adam on the minibatch objective: draw 200 of the 40 000
           states (a partial shuffle), the HNN loss with its parameter gradient on them, the
           Adam update, the epoch's history row (its train and test loss are not evaluated:
           test_every is the last step). From history.csv's cumulative seconds: the mean
           epoch time over windows of --window steps, the best window (epoch 1, which sizes
           the workspaces, and the last, which evaluates the losses, left out).
  PyTorch  experiment-2body/train.py's train step: ixs = torch.randperm(N)[:200],
           dxdt_hat = model.time_derivative(x[ixs]) (dF2/dx @ M^T by torch.autograd.grad
           with create_graph=True, M the canonical 8 x 8 permutation), L2 loss against
           dxdt[ixs], backward, optim.step(), optim.zero_grad(). The same windows of
           --window steps, the best window's mean.
  PyTorch as published
           train.py's whole loop body: the train step, plus its copy of the gradient
           (torch.cat of p.grad), a test loss on a random minibatch of 200 test states every
           step and the two .item() calls. hnn does neither, so no ratio is printed for it.

Needs python3-torch, python3-numpy, python3-yaml (Debian) and a Release build of hnn. Usage:

    /usr/bin/python3 bench/anchors/torch_two_body.py [--build build] [--threads 1 2]
        [--steps 1000] [--window 100]

Prints a Markdown table for the README, the machine and the load average before and after.
"""
import argparse
import csv
import os
import platform
import sys
import tempfile
import time

import torch
import yaml

sys.dont_write_bytecode = True  # no __pycache__ in the source tree for the import below
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import torch_side_by_side as side  # noqa: E402  (run_host, MLP, hnn_time_derivative, l2_loss)

ROOT = side.ROOT
CONFIG = os.path.join(ROOT, "configs", "two_body_paper.yaml")


def pipeline(steps):
    """configs/two_body_paper.yaml with its hnn model only, `steps` Adam steps, the test loss
    at the last step only, and no energy trials (the evaluation runs after training)."""
    with open(CONFIG) as f:
        config = yaml.safe_load(f)
    config["name"] = "two_body_step_time"
    config["evaluation"]["energy_trials"] = 0
    config["models"] = {"hnn": config["models"]["hnn"]}
    config["training"]["test_every"] = steps
    config["training"]["optimizer"]["epochs"] = steps
    return yaml.safe_dump(config, sort_keys=False)


def model_settings():
    """The hnn model's shape and the training settings, for the table's label."""
    with open(CONFIG) as f:
        config = yaml.safe_load(f)
    return config["models"]["hnn"], config["training"]


def window_means_ms(epoch_seconds, window):
    """Mean epoch time (ms) of consecutive windows of `window` epochs."""
    return [1e3 * (epoch_seconds[i + window] - epoch_seconds[i]) / window
            for i in range(0, len(epoch_seconds) - window, window)]


def hnn_step_ms(build, steps, window, threads, scratch):
    """hnn-host's Adam epoch on the two-body minibatch objective; also the run folder."""
    folder = os.path.join(scratch, "hnn_%d" % threads)
    os.makedirs(folder)
    rows, run_folder = side.run_host(build, pipeline(steps), folder, threads)
    seconds = {int(r["epoch"]): float(r["seconds"]) for r in rows}
    # Epochs 1 .. steps - 1: seconds[e] is the end of epoch e; epoch 1 and the last left out.
    epoch_seconds = [seconds[e] for e in range(1, steps)]
    return window_means_ms(epoch_seconds, window), run_folder


def read_states(run_folder, split, dtype):
    """(x, dxdt) of a split of the run's data.csv, one state per row."""
    with open(os.path.join(run_folder, "data.csv")) as f:
        reader = csv.reader(f)
        header = next(reader)
        first = header.index("t") + 1
        dimension = (len(header) - first) // 2
        x, dxdt = [], []
        for r in reader:
            if r[0] == split:
                values = [float(v) for v in r[first:]]
                x.append(values[:dimension])
                dxdt.append(values[dimension:])
    return torch.tensor(x, dtype=dtype), torch.tensor(dxdt, dtype=dtype)


def canonical_permutation(n, dtype):
    """hnn.HNN.permutation_tensor with assume_canonical_coords: [[0, I], [-I, 0]]."""
    eye = torch.eye(n, dtype=dtype)
    return torch.cat([eye[n // 2:], -eye[:n // 2]])


def torch_step_ms(run_folder, dtype, hidden, batch, lr, steps, window):
    """Window means (ms) of train.py's train step, and of its whole loop body."""
    torch.manual_seed(0)
    x, dxdt = read_states(run_folder, "train", dtype)
    test_x, test_dxdt = read_states(run_folder, "test", dtype)
    x.requires_grad_(True)
    test_x.requires_grad_(True)
    permutation = canonical_permutation(x.shape[1], dtype)
    model = side.MLP(orthogonal=True, last_bias=False, inputs=x.shape[1], hidden=hidden,
                     outputs=2).to(dtype)
    optim = torch.optim.Adam(model.parameters(), lr, weight_decay=0)

    def train_step():
        ixs = torch.randperm(x.shape[0])[:batch]
        loss = side.l2_loss(dxdt[ixs], side.hnn_time_derivative(model, x[ixs], permutation))
        loss.backward()
        optim.step()
        optim.zero_grad()
        return loss

    def published_step():
        ixs = torch.randperm(x.shape[0])[:batch]
        loss = side.l2_loss(dxdt[ixs], side.hnn_time_derivative(model, x[ixs], permutation))
        loss.backward()
        grad = torch.cat([p.grad.flatten() for p in model.parameters()]).clone()
        optim.step()
        optim.zero_grad()
        test_ixs = torch.randperm(test_x.shape[0])[:batch]
        test_loss = side.l2_loss(
            test_dxdt[test_ixs], side.hnn_time_derivative(model, test_x[test_ixs], permutation))
        loss.item(), test_loss.item()
        return grad

    def windows(step):
        for _ in range(3):
            step()
        means = []
        for _ in range(max(1, (steps - 2) // window)):
            start = time.perf_counter()
            for _ in range(window):
                step()
            means.append(1e3 * (time.perf_counter() - start) / window)
        return means

    return windows(train_step), windows(published_step)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--build", default=os.path.join(ROOT, "build"))
    parser.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--steps", type=int, default=1000, help="Adam steps on each side")
    parser.add_argument("--window", type=int, default=100, help="steps per timed window")
    args = parser.parse_args()
    model, training = model_settings()
    hidden = model["hidden"]
    assert len(hidden) == 2 and hidden[0] == hidden[1], "the original MLP: two equal layers"
    batch, lr = training["batch_size"], training["optimizer"]["lr"]
    load_before = os.getloadavg()
    results = []
    with tempfile.TemporaryDirectory() as scratch:
        for threads in args.threads:
            os.environ["OMP_NUM_THREADS"] = str(threads)
            torch.set_num_threads(threads)
            hnn, run_folder = hnn_step_ms(args.build, args.steps, args.window, threads, scratch)
            anchor = {}
            for name, dtype in (("f32", torch.float32), ("f64", torch.float64)):
                anchor[name] = torch_step_ms(run_folder, dtype, hidden[0], batch, lr,
                                             args.steps, args.window)
            train_states = sum(1 for _ in open(os.path.join(run_folder, "data.csv"))
                               if _.startswith("train,"))
            results.append((threads, hnn, anchor, train_states))
    load_after = os.getloadavg()

    def spread(means):
        return "%.3g (%.3g–%.3g)" % (min(means), sorted(means)[len(means) // 2], max(means))

    cpu = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo")
                if line.startswith("model name")), platform.machine())
    print("%s; torch %s; load average %.2f %.2f %.2f before, %.2f %.2f %.2f after; %d steps "
          "per side, windows of %d" % ((cpu, torch.__version__) + tuple(load_before)
                                       + tuple(load_after) + (args.steps, args.window)))
    print()
    print("Per Adam step, ms: best window (median–slowest window); ratio of the best windows "
          "= PyTorch / hnn.")
    print()
    print("| two-body Adam step (8-%d-%d-2 tanh, minibatch %d of %d states) | threads | hnn "
          "| PyTorch float32 | PyTorch float64 | float32 / hnn | float64 / hnn |"
          % (hidden[0], hidden[1], batch, results[0][3]))
    print("|---|---|---|---|---|---|---|")
    for threads, hnn, anchor, _ in results:
        f32, f64 = anchor["f32"], anchor["f64"]
        print("| train step | %d | %s | %s | %s | %.2f× | %.2f× |" % (
            threads, spread(hnn), spread(f32[0]), spread(f64[0]), min(f32[0]) / min(hnn),
            min(f64[0]) / min(hnn)))
        print("| PyTorch as train.py runs it (+ test minibatch, gradient copy) | %d | – | %s "
              "| %s | – | – |" % (threads, spread(f32[1]), spread(f64[1])))
    return 0


if __name__ == "__main__":
    sys.exit(main())
