#!/usr/bin/env python3
"""Issue 18, item 6: the overhead of evaluating a trained model from Python.

Trains (one Adam epoch: the numbers do not matter, the size does) an MLP 2-200-200-2 HNN on
the spring, then times the same call from C++ and from Python on the same 10^5 states:
H and dH/dx of the loaded model (hnn::TrainedModel::hamiltonian + gradient, which
hnn.Model.hamiltonian + gradient call). The C++ side is bench/model_evaluation_timing.cc,
run as a separate process; the two sides alternate over several rounds so that a change
of the machine's load hits both. Prints the median time of each side and their ratio
(goal: Python / C++ <= 1.2).

    PYTHONPATH=build/python /usr/bin/python3 bench/python_overhead.py --build build
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
    parser.add_argument("--repeats", type=int, default=10, help="timed calls per round")
    parser.add_argument("--rounds", type=int, default=3, help="C++ then Python, this often")
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

        cpp_times, python_times = [], []
        checksums = set()
        for _ in range(arguments.rounds):
            output = subprocess.run(
                [str(timing), str(run.path), "mlp", str(folder / "states.bin"),
                 str(arguments.repeats + 1)],
                check=True, capture_output=True, text=True).stdout.split("\n")
            lines = [line for line in output if line]
            cpp_times += [float(line) for line in lines[1:-1]]  # the first call warms up
            checksums.add(float(lines[-1].split()[1]))
            model.hamiltonian(states), model.gradient(states)  # warm-up
            for _ in range(arguments.repeats):
                start = time.perf_counter()
                h = model.hamiltonian(states)
                g = model.gradient(states)
                python_times.append(time.perf_counter() - start)
            python_checksum = float(h.sum() + g.sum())

        cpp = statistics.median(cpp_times)
        python = statistics.median(python_times)
        print(f"model: {model!r}, N = {arguments.states}, "
              f"{arguments.rounds} rounds x {arguments.repeats} calls per side")
        print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
        print(f"C++    H + dH/dx: median {cpp * 1e3:.2f} ms "
              f"(min {min(cpp_times) * 1e3:.2f}, max {max(cpp_times) * 1e3:.2f})")
        print(f"Python H + dH/dx: median {python * 1e3:.2f} ms "
              f"(min {min(python_times) * 1e3:.2f}, max {max(python_times) * 1e3:.2f})")
        print(f"ratio Python / C++: {python / cpp:.3f} of the medians, "
              f"{min(python_times) / min(cpp_times):.3f} of the minima (goal <= 1.2)")
        (checksum,) = checksums
        if abs(checksum - python_checksum) > 1e-9 * max(1.0, abs(checksum)):
            print(f"error: the sides computed different numbers: {checksum!r} vs "
                  f"{python_checksum!r}")
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
