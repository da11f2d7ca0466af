#!/usr/bin/env python3
"""Issue 18, item 6: the overhead of evaluating a trained model from Python.

Trains (one Adam epoch: the numbers do not matter, the size does) an MLP 2-200-200-2 HNN on
the spring, then times the same call from C++ and from Python on the same 10^5 states:
H and then dH/dx of the loaded model (hnn::TrainedModel::hamiltonian and gradient, which
hnn.Model.hamiltonian and gradient call). The C++ side is bench/model_evaluation_timing.cc,
a separate process driven call by call: C++ and Python calls alternate, so that a change
of the machine's load hits both sides alike. Prints the median and minimum time of each
side, the ratio of the medians and of the minima, and the median of the per-pair ratios
(goal: Python / C++ <= 1.2).

    PYTHONPATH= /usr/bin/python3 bench/python_overhead.py --build build [--calls 30]
"""
import argparse
import os
import pathlib
import statistics
import subprocess
import sys
import tempfile
import time


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build", default="build", help="the build tree (default: build)")
    parser.add_argument("--states", type=int, default=100_000, help="N (default 10^5)")
    parser.add_argument("--calls", type=int, default=30, help="timed calls per side")
    arguments = parser.parse_args()
    build = pathlib.Path(arguments.build).resolve()
    sys.path.insert(0, str(build / "python"))
    import numpy as np
    import hnn

    timing = build / "bin" / "hnn_model_evaluation_timing"
    with tempfile.TemporaryDirectory() as folder:
        folder = pathlib.Path(folder)
        pipeline = {
            "name": "python_overhead",
            "system": {"plugin": "spring_mass"},
            "data": {"trajectories": 4, "points": 10, "time_span": [0, 1], "seed": 3},
            "training": {"optimizer": {"plugin": "adam", "epochs": 1}},
            "models": {"mlp": {"plugin": "mlp", "hidden": [200, 200]}},
            "evaluation": {"initial_state": [1.0, 0.0], "points": 5, "time_span": [0, 1]},
        }
        run = hnn.run(pipeline, output=folder / "run")
        model = run.model("mlp")
        rng = np.random.default_rng(0)
        states = rng.uniform(-1.0, 1.0, size=(arguments.states, model.state_dimension))
        states.tofile(folder / "states.bin")

        cpp = subprocess.Popen([str(timing), str(run.path), "mlp", str(folder / "states.bin")],
                               stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                               bufsize=1)

        def cpp_call():
            cpp.stdin.write("\n")
            cpp.stdin.flush()
            return float(cpp.stdout.readline())

        def python_call():
            start = time.perf_counter()
            h = model.hamiltonian(states)
            g = model.gradient(states)
            seconds = time.perf_counter() - start
            return seconds, float(h.sum() + g.sum())

        cpp_call(), python_call()  # warm-up: the models' workspaces at this batch size
        cpp_times, python_times = [], []
        for call in range(arguments.calls):
            # Which side goes first alternates too.
            if call % 2 == 0:
                cpp_times.append(cpp_call())
                python_times.append(python_call()[0])
            else:
                python_times.append(python_call()[0])
                cpp_times.append(cpp_call())
        python_checksum = python_call()[1]
        cpp.stdin.close()
        checksum = float(cpp.stdout.read().split()[-1])
        cpp.wait()

        median_cpp, median_python = statistics.median(cpp_times), statistics.median(python_times)
        pairs = statistics.median(p / c for p, c in zip(python_times, cpp_times))
        print(f"model: {model!r}, N = {arguments.states}, {arguments.calls} calls per side, "
              f"alternating")
        print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
        for side, times in [("C++   ", cpp_times), ("Python", python_times)]:
            print(f"{side} H + dH/dx: median {statistics.median(times) * 1e3:.2f} ms "
                  f"(min {min(times) * 1e3:.2f}, max {max(times) * 1e3:.2f})")
        print(f"ratio Python / C++: {median_python / median_cpp:.3f} of the medians, "
              f"{min(python_times) / min(cpp_times):.3f} of the minima, "
              f"{pairs:.3f} median of the pairs (goal <= 1.2)")
        if abs(checksum - python_checksum) > 1e-9 * max(1.0, abs(checksum)):
            print(f"error: the sides computed different numbers: {checksum!r} vs "
                  f"{python_checksum!r}")
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
