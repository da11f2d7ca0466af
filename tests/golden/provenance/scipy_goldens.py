#!/usr/bin/python3
"""Regenerates, with numpy and SciPy (python3-numpy, python3-scipy 1.10.1), the golden files
of tests/golden whose states come from scipy.integrate.solve_ivp (RK45), and compares every
column with the stored file:

  * spring_seed1390.csv: the KAN-HNN author's spring data set (hnn.md 3, 4.3): seed 1390,
    50 trajectories of 30 points on [0, 3], H = q^2 + p^2, noise_std 0;
  * spring_original_seed0.csv: the original HNN code's spring data set (hnn.md 3, 4.1;
    greydanus/hamiltonian-nn experiment-spring/data.py at commit 4009db67, whose field is
    (dH/dp, -dH/dq) and whose default noise_std is 0.1): seed 0, noisy q and p, noise-free
    targets;
  * spring_truth_rollout.csv: the rollout from (1, 0) on t = linspace(0, 20, 201), analytic
    and RK45 with rtol 1e-12 and atol 1e-6 (default) or 1e-12.

Both data sets use the generator the files' headers describe (hnn.md 3): np.random.seed once;
per trajectory t_eval = linspace(0, 3, 30), two rand() for the direction, one for the radius,
solve_ivp(f, [0, 3], y0, t_eval, rtol=1e-10), targets f(state) before the noise, then 30
randn() for q's noise and 30 for p's (drawn even at noise 0). The field of H = q^2 + p^2 is
f(q, p) = (2p, -2q); the original code takes the gradient of H with autograd, which for this H
is the exact (2q, 2p) that numpy computes here, so the states do not depend on it.

    python3 tests/golden/provenance/scipy_goldens.py    # exit 1 on a difference

Every value must equal the stored one bit for bit; the script also prints the RHS-evaluation
counts and energy errors the headers record.
"""
import csv
import os
import sys

import numpy as np
import scipy
from scipy.integrate import solve_ivp

GOLDEN = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def field(_, state):
    """(dq/dt, dp/dt) = (dH/dp, -dH/dq) for H = q^2 + p^2."""
    q, p = state
    return np.array([2 * p, -2 * q])


def read_rows(name):
    with open(os.path.join(GOLDEN, name), encoding="utf-8") as stream:
        return list(csv.DictReader(line for line in stream if not line.startswith("#")))


def spring_data_set(seed, noise_std, samples=50, test_split=0.5):
    """The rows (trajectory, t, q, p, dqdt, dpdt, split) of the data set, and the total number
    of RHS evaluations of the integrations."""
    np.random.seed(seed)
    rows = []
    evaluations = 0
    for trajectory in range(samples):
        t_eval = np.linspace(0, 3, int(10 * (3 - 0)))
        y0 = np.random.rand(2) * 2 - 1
        radius = np.random.rand() * 0.9 + 0.1
        y0 = y0 / np.sqrt((y0 ** 2).sum()) * radius
        solution = solve_ivp(fun=field, t_span=[0, 3], y0=y0, t_eval=t_eval, rtol=1e-10)
        evaluations += solution.nfev
        q, p = solution.y[0], solution.y[1]
        targets = np.stack([field(None, state) for state in solution.y.T])
        q = q + np.random.randn(*q.shape) * noise_std
        p = p + np.random.randn(*p.shape) * noise_std
        for k in range(len(t_eval)):
            rows.append([trajectory, t_eval[k], q[k], p[k], targets[k, 0], targets[k, 1]])
    split = int(len(rows) * test_split)
    for index, row in enumerate(rows):
        row.append("train" if index < split else "test")
    return rows, evaluations


def compare_data_set(name, seed, noise_std):
    stored = read_rows(name)
    computed, evaluations = spring_data_set(seed, noise_std)
    columns = ["trajectory", "t", "q", "p", "dqdt", "dpdt", "split"]
    differing = {column: 0 for column in columns}
    worst = {column: 0.0 for column in columns[1:6]}
    for stored_row, row in zip(stored, computed):
        for column, value in zip(columns, row):
            if column == "split":
                same = stored_row[column] == value
            elif column == "trajectory":
                same = int(stored_row[column]) == value
            else:
                same = float(stored_row[column]) == value
                worst[column] = max(worst[column], abs(float(stored_row[column]) - value))
            differing[column] += not same
    ok = len(stored) == len(computed) and not any(differing.values())
    print(f"{name} ({len(computed)} rows, seed {seed}, noise_std {noise_std}, "
          f"{evaluations} RHS evaluations): "
          + ("every value equal bit for bit" if ok else
             "DIFFERS: rows differing per column " + str(differing) + ", max |difference| "
             + str({c: f"{v:.3g}" for c, v in worst.items()})))
    return not ok


def compare_rollout():
    name = "spring_truth_rollout.csv"
    stored = read_rows(name)
    t = np.linspace(0, 20, 201)
    columns = {"t": t, "q_exact": np.cos(2 * t), "p_exact": -np.sin(2 * t)}
    columns["E_exact"] = columns["q_exact"] ** 2 + columns["p_exact"] ** 2
    for label, atol in (("atol1e-6", None), ("atol1e-12", 1e-12)):
        options = {"rtol": 1e-12} if atol is None else {"rtol": 1e-12, "atol": atol}
        solution = solve_ivp(field, [0, 20], [1.0, 0.0], t_eval=t, **options)
        q, p = solution.y
        columns[f"q_rk45_{label}"] = q
        columns[f"p_rk45_{label}"] = p
        columns[f"E_rk45_{label}"] = q ** 2 + p ** 2
        energy_error = columns[f"E_rk45_{label}"] - 1
        print(f"  RK45 rtol 1e-12, {label}: E(20) - 1 = {energy_error[-1]:.4g}, "
              f"max |E - 1| = {np.max(np.abs(energy_error)):.4g}, {solution.nfev} RHS evaluations")
    differing = {}
    for column, values in columns.items():
        stored_values = np.array([float(row[column]) for row in stored])
        if len(stored_values) != len(values) or not np.array_equal(stored_values, values):
            differing[column] = float(np.max(np.abs(stored_values - values)))
    ok = not differing
    print(f"{name} ({len(t)} rows, {len(columns)} columns): "
          + ("every value equal bit for bit" if ok else f"DIFFERS: max |difference| {differing}"))
    return not ok


def main():
    print(f"(numpy {np.__version__}, scipy {scipy.__version__}; the files were made with "
          "numpy 1.24.2, scipy 1.10.1)")
    failed = compare_data_set("spring_seed1390.csv", 1390, 0.0)
    failed = compare_data_set("spring_original_seed0.csv", 0, 0.1) or failed
    failed = compare_rollout() or failed
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
