#!/usr/bin/python3
"""Regenerates tests/golden/symbolic_fit_cases.yaml with Debian's python3-torch 1.13 and
python3-scipy (pykan 0.0.5 and scikit-learn are not needed): pykan 0.0.5's
kan.utils.fit_params (tag v0.0.5 = 41aca576) transcribed below in torch float64, with c, d
from scikit-learn 1.2.1's LinearRegression().fit, transcribed too (centre X and y, then
scipy.linalg.lstsq, intercept = y_mean - X_mean . coef).

For each of the 6 cases (its `data` line: x = torch.linspace(-1, 1, 200), y = ...) it
recomputes and compares with the file: x and y; a, b, c, d, r2 and what fit_params printed;
every iteration of the loop (the a/b ranges, the best indices and values, exact ties, the
runner-up r2 and the gap, whether the best point is on the boundary); the same with the
textbook linspace (variant_plain_linspace); the fitted values c*f(a*x + b) + d; and for
case 1 the fits of all 24 library functions and their ranking.

    /usr/bin/python3 tests/golden/provenance/pykan_fit_params.py

Values are compared bit for bit; the script prints which agree and the largest difference of
those that do not (exit 1 when anything differs), except the one known difference listed in
KNOWN_DIFFERENCES (an exact tie of round-off-decided r2 values), which it prints.
"""
import io
import os
import sys
from contextlib import redirect_stdout

import numpy as np
import scipy.linalg
import torch
import yaml

GOLDEN = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# Stored values this script does not reproduce, and why (printed, not a failure).
KNOWN_DIFFERENCES = {
    "exp plain-linspace iteration 2 exact_ties_ab_indices":
        "one more exact tie here, (50, 89): r2 there equals the best 1.0000000000000002 in "
        "this run, in the file it was at most the runner-up 1.0 (1 ulp lower); for exp the "
        "b index is decided by round-off (the file's compare note), and which grid points tie "
        "depends on torch's reduction order (the same row evaluated alone ties at 9 points); "
        "a, b, c, d, r2, the runner-up and the gap are equal bit for bit",
}

# pykan 0.0.5's SYMBOLIC_LIB (torch halves), in its insertion order.
LIBRARY = {
    "x": lambda x: x, "x^2": lambda x: x**2, "x^3": lambda x: x**3, "x^4": lambda x: x**4,
    "1/x": lambda x: 1/x, "1/x^2": lambda x: 1/x**2, "1/x^3": lambda x: 1/x**3,
    "1/x^4": lambda x: 1/x**4, "sqrt": torch.sqrt, "1/sqrt(x)": lambda x: 1/torch.sqrt(x),
    "exp": torch.exp, "log": torch.log, "abs": torch.abs, "sin": torch.sin, "tan": torch.tan,
    "tanh": torch.tanh, "sigmoid": torch.sigmoid, "sgn": torch.sign, "arcsin": torch.arcsin,
    "arctan": torch.arctan, "arctanh": torch.arctanh, "0": lambda x: x*0,
    "gaussian": lambda x: torch.exp(-x**2), "cosh": torch.cosh,
}

# The cases' data lines (as the file states them) and the same in code.
DATA = {
    "x = torch.linspace(-1, 1, 200); y = 2*(0.5*x + 0.3)**2 - 1":
        lambda x: 2*(0.5*x + 0.3)**2 - 1,
    "x = torch.linspace(-1, 1, 200); y = 1.5*torch.sin(2*x - 0.4) + 0.2":
        lambda x: 1.5*torch.sin(2*x - 0.4) + 0.2,
    "x = torch.linspace(-1, 1, 200); y = torch.exp(0.7*x)": lambda x: torch.exp(0.7*x),
    "x = torch.linspace(-1, 1, 200); y = 3*x + 1": lambda x: 3*x + 1,
    "x = torch.linspace(-1, 1, 200); y = 0.8*torch.tanh(1.2*x)":
        lambda x: 0.8*torch.tanh(1.2*x),
    "x = torch.linspace(-1, 1, 200); y = 0.5*torch.exp(-(1.5*x - 0.2)**2) + 0.1":
        lambda x: 0.5*torch.exp(-(1.5*x - 0.2)**2) + 0.1,
}


def plain_linspace(lo, hi, n):
    """The textbook symmetric linspace: lo + i*step below n//2, hi - (n-1-i)*step above."""
    lo, hi = float(lo), float(hi)
    step = (hi - lo) / (n - 1)
    return torch.tensor([lo + i * step if i < n // 2 else hi - (n - 1 - i) * step
                         for i in range(n)], dtype=torch.float64)


def linear_regression(feature, y):
    """(c, d) of scikit-learn 1.2.1's LinearRegression().fit(feature[:, None], y)."""
    X = feature[:, None].detach().cpu().numpy()
    y = y.detach().cpu().numpy()
    X = np.array(X, dtype=np.float64, copy=True)   # check_array + _preprocess_data(copy=True)
    X_offset = np.average(X, axis=0)
    X -= X_offset
    y_offset = np.average(y, axis=0)
    y = y - y_offset
    coef, _, _, _ = scipy.linalg.lstsq(X, y)
    coef = coef.T / np.ones(X.shape[1])             # _set_intercept: coef_ / X_scale
    intercept = y_offset - np.dot(X_offset, coef.T)
    return coef[0], intercept


def fit_params(x, y, fun, linspace, a_range=(-10, 10), b_range=(-10, 10),
               grid_number=101, iteration=3, verbose=True):
    """pykan 0.0.5's fit_params, recording each iteration as the file does; returns
    (a, b, c, d, r2, iterations)."""
    records = []
    for it in range(iteration):
        a_ = linspace(a_range[0], a_range[1], grid_number)
        b_ = linspace(b_range[0], b_range[1], grid_number)
        a_grid, b_grid = torch.meshgrid(a_, b_, indexing='ij')
        post_fun = fun(a_grid[None, :, :] * x[:, None, None] + b_grid[None, :, :])
        x_mean = torch.mean(post_fun, dim=[0], keepdim=True)
        y_mean = torch.mean(y, dim=[0], keepdim=True)
        numerator = torch.sum((post_fun - x_mean) * (y - y_mean)[:, None, None], dim=0)**2
        denominator = torch.sum((post_fun - x_mean)**2, dim=0) * \
            torch.sum((y - y_mean)[:, None, None]**2, dim=0)
        r2 = numerator / (denominator + 1e-4)
        r2 = torch.nan_to_num(r2)
        best_id = torch.argmax(r2)
        a_id, b_id = torch.div(best_id, grid_number, rounding_mode='floor'), best_id % grid_number
        best = r2[a_id, b_id]
        ties = [[int(i), int(j)] for i, j in torch.nonzero(r2 == best).tolist()
                if (i, j) != (int(a_id), int(b_id))]
        below = r2[r2 < best]
        runner_up = float(below.max()) if below.numel() else None
        on_boundary = bool(a_id == 0 or a_id == grid_number - 1 or b_id == 0 or
                           b_id == grid_number - 1)
        records.append({
            "iteration": it, "a_range": [float(a_range[0]), float(a_range[1])],
            "b_range": [float(b_range[0]), float(b_range[1])], "a_index": int(a_id),
            "b_index": int(b_id), "a": float(a_[a_id]), "b": float(b_[b_id]),
            "r2": float(best), "exact_ties_ab_indices": ties,
            "runner_up_r2_below_best": runner_up,
            "gap_to_runner_up": None if runner_up is None else float(best) - runner_up,
            "best_on_boundary": on_boundary})
        if on_boundary:
            if it == 0 and verbose:
                print('Best value at boundary.')
            # 0.0.5 assigns a_arange / b_arange here (a typo): the ranges stay unchanged.
        else:
            a_range = [a_[a_id - 1], a_[a_id + 1]]
            b_range = [b_[b_id - 1], b_[b_id + 1]]
    a_best = a_[a_id]
    b_best = b_[b_id]
    post_fun = fun(a_best * x + b_best)
    r2_best = r2[a_id, b_id]
    if verbose:
        print(f"r2 is {r2_best}")
        if r2_best < 0.9:
            print('r2 is not very high, please double check if you are choosing the correct '
                  'symbolic function.')
    post_fun = torch.nan_to_num(post_fun)
    c_best, d_best = linear_regression(post_fun, y)
    return float(a_best), float(b_best), float(c_best), float(d_best), float(r2_best), records


def run_fit(x, y, fun, linspace):
    printed = io.StringIO()
    with redirect_stdout(printed):
        a, b, c, d, r2, records = fit_params(x, y, fun, linspace)
    return {"a": a, "b": b, "c": c, "d": d, "r2": r2, "iterations": records,
            "printed": printed.getvalue().splitlines()}


class Comparison:
    """Collects equal / differing stored values."""

    def __init__(self):
        self.equal = 0
        self.known = []
        self.differing = []

    def same(self, what, computed, stored):
        if isinstance(stored, float) or isinstance(computed, float):
            ok = (stored is not None and computed is not None and
                  np.float64(computed).tobytes() == np.float64(stored).tobytes())
            ok = ok or (computed is not None and stored is not None and
                        np.isnan(computed) and np.isnan(stored))
        elif isinstance(stored, list) and stored and isinstance(stored[0], float):
            ok = (len(computed) == len(stored) and
                  np.array_equal(np.array(computed, dtype=np.float64).view(np.int64),
                                 np.array(stored, dtype=np.float64).view(np.int64)))
        else:
            ok = computed == stored
        if ok:
            self.equal += 1
        elif what in KNOWN_DIFFERENCES:
            self.known.append(f"{what}: {KNOWN_DIFFERENCES[what]}")
        else:
            difference = ""
            try:
                difference = f" (max |difference| {np.max(np.abs(np.array(computed, dtype=np.float64) - np.array(stored, dtype=np.float64))):.3g})"
            except (TypeError, ValueError):
                pass
            self.differing.append(what + difference)
        return ok


def compare_fit(comparison, label, fit, stored, keys):
    for key in keys:
        comparison.same(f"{label} {key}", fit[key], stored[key])
    for record, stored_record in zip(fit["iterations"], stored["iterations"]):
        for key, value in stored_record.items():
            comparison.same(f"{label} iteration {record['iteration']} {key}", record[key], value)
    comparison.same(f"{label} number of iterations", len(fit["iterations"]),
                    len(stored["iterations"]))


def main():
    torch.set_num_threads(1)
    torch.set_default_dtype(torch.float64)
    with open(os.path.join(GOLDEN, "symbolic_fit_cases.yaml"), encoding="utf-8") as stream:
        stored = yaml.safe_load(stream)
    comparison = Comparison()
    x = torch.linspace(-1, 1, 200)
    comparison.same("x_linspace_m1_1_200", x.tolist(), stored["x_linspace_m1_1_200"])
    for case in stored["cases"]:
        name = case["function"]
        y = DATA[case["data"]](x)
        fun = LIBRARY[name]
        comparison.same(f"{name} y", y.tolist(), case["y"])
        fit = run_fit(x, y, fun, lambda lo, hi, n: torch.linspace(lo, hi, steps=n))
        compare_fit(comparison, name, fit, case, ["a", "b", "c", "d", "r2", "printed"])
        fitted = fit["c"] * fun(fit["a"] * x + fit["b"]) + fit["d"]
        comparison.same(f"{name} fitted_values", fitted.tolist(), case["fitted_values"])
        comparison.same(f"{name} max_abs_residual_y_minus_fit",
                        float(torch.max(torch.abs(y - fitted))),
                        case["max_abs_residual_y_minus_fit"])
        plain = run_fit(x, y, fun, plain_linspace)
        variant = case["variant_plain_linspace"]
        compare_fit(comparison, f"{name} plain-linspace", plain, variant,
                    ["a", "b", "c", "d", "r2"])
        plain_fitted = plain["c"] * fun(plain["a"] * x + plain["b"]) + plain["d"]
        comparison.same(f"{name} plain-linspace max_abs_diff_fitted_values_vs_pykan",
                        float(torch.max(torch.abs(plain_fitted - fitted))),
                        variant["max_abs_diff_fitted_values_vs_pykan"])
        if "library_fits" in case:
            r2s = []
            for entry in case["library_fits"]:
                fit = run_fit(x, y, LIBRARY[entry["function"]],
                              lambda lo, hi, n: torch.linspace(lo, hi, steps=n))
                r2s.append(fit["r2"])
                for key in ("r2", "a", "b", "c", "d"):
                    comparison.same(f"{name} library {entry['function']} {key}", fit[key],
                                    entry[key])
            names = list(LIBRARY)
            comparison.same(f"{name} library order", names,
                            [e["function"] for e in case["library_fits"]])
            ranking = [names[i] for i in np.argsort(r2s)[::-1]]
            comparison.same(f"{name} suggest_symbolic ranking", ranking,
                            case["suggest_symbolic_ranking_np_argsort_reversed"])
    print(f"  {comparison.equal} values equal bit for bit"
          + (f"; {len(comparison.differing)} differ:" if comparison.differing else ""))
    for what in comparison.differing:
        print(f"    {what}")
    for what in comparison.known:
        print(f"  known difference: {what}")
    print("symbolic_fit_cases.yaml: " + (
        "DIFFERS" if comparison.differing else "every value equal bit for bit" +
        (f" except {len(comparison.known)} known difference" if comparison.known else "")))
    sys.exit(1 if comparison.differing else 0)


if __name__ == "__main__":
    main()
