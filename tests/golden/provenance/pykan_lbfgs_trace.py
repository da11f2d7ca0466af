#!/usr/bin/python3
"""Regenerates tests/golden/kan_2_1_2_seed0_lbfgs_trace.csv with Debian's python3-torch 1.13
(pykan 0.0.5 is not packaged; pykan_transcription.py transcribes its KAN and kan.LBFGS):
the KAN-HNN author's train() (use_kan=True, no sparsity) in float64 on one thread, from the
model of kan_2_1_2_seed0_init.yaml on the 750 train rows of spring_seed1390.csv:
kan.LBFGS(model.parameters(), lr=1e-3) with the class defaults, one step(closure) per epoch,
closure = zero the gradients, HNN loss, backward; after each call the train and test losses
and the optimiser's cumulative n_iter and func_evals. It compares every row with the stored
file.

    /usr/bin/python3 tests/golden/provenance/pykan_lbfgs_trace.py [--epochs N]

The file's header says an independent float64 implementation agrees to ~1e-12 relative for
calls <= 30 and diverges later (the path is chaotic at round-off level); this transcription
performs pykan's own torch operations, so it is held to more: calls 0..30 (and their counts)
bit for bit. Later rows are compared and the agreement printed (bit for bit where it holds):
the script fails only if a later row's loss differs by more than 1e-3 relative up to call
100 or by more than a factor 10 afterwards, or a count differs up to call 200.
--epochs N stops after N calls (default all 300; ctest's quick run uses 10).
"""
import argparse
import csv
import os
import sys

import numpy as np
import torch
import yaml

from pykan_transcription import PARAMETER_SHAPES, PykanLbfgs, hnn_loss, kan_forward, \
    parameters_from

GOLDEN = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EXACT_CALLS = 30


def read_rows(name):
    with open(os.path.join(GOLDEN, name), encoding="utf-8") as stream:
        return list(csv.DictReader(line for line in stream if not line.startswith("#")))


def spring_rows(split):
    rows = [r for r in read_rows("spring_seed1390.csv") if r["split"] == split]
    x = torch.tensor([[float(r["q"]), float(r["p"])] for r in rows], dtype=torch.float64,
                     requires_grad=True)
    dxdt = torch.tensor([[float(r["dqdt"]), float(r["dpdt"])] for r in rows],
                        dtype=torch.float64)
    return x, dxdt


def trace(epochs):
    """Rows (epoch, train_loss, test_loss, n_iter, func_evals) for epochs 0..epochs."""
    with open(os.path.join(GOLDEN, "kan_2_1_2_seed0_init.yaml"), encoding="utf-8") as stream:
        init = yaml.safe_load(stream)
    parameters = parameters_from({n: e["values"] for n, e in init["tensors"].items()})
    params = [parameters[name] for name, _ in PARAMETER_SHAPES]
    x, dxdt = spring_rows("train")
    test_x, test_dxdt = spring_rows("test")
    kan_forward(parameters, x)  # the author's one forward before training (no effect)
    optimiser = PykanLbfgs(params, lr=1e-3)

    def closure():
        for p in params:  # optim.zero_grad() (torch 1.13: set_to_none=False)
            if p.grad is not None:
                p.grad.detach_()
                p.grad.zero_()
        loss = hnn_loss(parameters, x, dxdt)
        loss.backward()
        return loss

    rows = [(0, hnn_loss(parameters, x, dxdt).item(), hnn_loss(parameters, test_x,
                                                               test_dxdt).item(), 0, 0)]
    for epoch in range(1, epochs + 1):
        optimiser.step(closure)
        rows.append((epoch, hnn_loss(parameters, x, dxdt).item(),
                     hnn_loss(parameters, test_x, test_dxdt).item(),
                     optimiser.state["n_iter"], optimiser.state["func_evals"]))
    return rows


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--epochs", type=int, default=300)
    epochs = parser.parse_args().epochs
    torch.set_num_threads(1)
    torch.set_default_dtype(torch.float64)
    stored = read_rows("kan_2_1_2_seed0_lbfgs_trace.csv")
    computed = trace(min(epochs, len(stored) - 1))
    failed = False
    first_inexact = None
    first_count_difference = None
    worst = {}  # band -> largest relative loss difference
    for row, expected in zip(computed, stored):
        epoch = row[0]
        losses = (float(expected["train_loss"]), float(expected["test_loss"]))
        counts = (int(expected["n_iter_cumulative"]), int(expected["func_evals_cumulative"]))
        relative = max(abs(a - b) / abs(b) for a, b in zip(row[1:3], losses))
        exact = tuple(row[1:3]) == losses and tuple(row[3:5]) == counts
        if not exact and first_inexact is None:
            first_inexact = epoch
        if tuple(row[3:5]) != counts and first_count_difference is None:
            first_count_difference = epoch
        band = ("0-30" if epoch <= EXACT_CALLS else "31-100" if epoch <= 100 else
                "101-200" if epoch <= 200 else "201-300")
        worst[band] = max(worst.get(band, 0.0), relative)
        if epoch <= EXACT_CALLS:
            failed = failed or not exact
        elif epoch <= 100:
            failed = failed or relative > 1e-3
        else:
            failed = failed or relative > 9.0
        if epoch <= 200:
            failed = failed or tuple(row[3:5]) != counts
    last = computed[-1]
    print(f"  after call {last[0]}: train {last[1]!r}, test {last[2]!r}, n_iter {last[3]}, "
          f"func_evals {last[4]}")
    print("  max relative loss difference per calls " +
          ", ".join(f"{band}: {value:.3g}" for band, value in worst.items()))
    print(f"kan_2_1_2_seed0_lbfgs_trace.csv epochs 0..{last[0]}: "
          + (f"every row equal bit for bit" if first_inexact is None else
             (f"bit for bit up to call {first_inexact - 1}" if first_inexact > 0 else
              "not bit for bit from call 0")
             + (f", counts equal up to call {first_count_difference - 1}"
                if first_count_difference is not None else ", counts all equal"))
          + ("" if not failed else " -- DIFFERS beyond the stated tolerances"))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
