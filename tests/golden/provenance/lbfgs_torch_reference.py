#!/usr/bin/python3
"""A literal transcription of torch.optim.LBFGS.step (torch 1.13, no line search) with
pykan's change (a pair enters the memory when y.s > tolerance_ys, 1e-32, instead of torch's
constant 1e-10), in Python floats with sequential sums, on the quadratic
f(x) = 1/2 x'Ax - b'x, A = [[4, 1, .5], [1, 3, -.5], [.5, -.5, 2]], b = (1, -2, .5):
the call-by-call values tests/lbfgs_torch/lbfgs_torch_test.cc stores ("lbfgs_torch agrees
with torch.optim.LBFGS.step call by call"). Python's standard library only.

    python3 tests/golden/provenance/lbfgs_torch_reference.py           # print the rows
    python3 tests/golden/provenance/lbfgs_torch_reference.py --check   # compare with the test
    python3 tests/golden/provenance/lbfgs_torch_reference.py --torch   # also torch itself

--check exits 1 when a value differs from the stored one (exact comparison as doubles).
--torch runs torch.optim.LBFGS (float64, python3-torch) side by side where it is installed:
torch's own reductions round differently, so it agrees to round-off (printed), not bit for
bit, and it keeps torch's 1e-10 for y.s (no pair on these problems is that small).
"""
import sys

from stored_values import block, numbers_in, source

A = [[4.0, 1.0, 0.5], [1.0, 3.0, -0.5], [0.5, -0.5, 2.0]]
B = [1.0, -2.0, 0.5]


def dot(u, v):
    total = 0.0
    for a, b in zip(u, v):
        total += a * b
    return total


def quadratic(x):
    """f and its gradient, sums in the order of the C++ ReferenceQuadratic."""
    ax = [dot(row, x) for row in A]
    return 0.5 * dot(x, ax) - dot(B, x), [ax[i] - B[i] for i in range(3)]


class Lbfgs:
    def __init__(self, lr, max_iter, history_size, max_eval=None, tolerance_grad=1e-7,
                 tolerance_change=1e-9, tolerance_ys=1e-32):
        self.lr, self.max_iter, self.history_size = lr, max_iter, history_size
        self.max_eval = max_eval if max_eval is not None else max_iter * 5 // 4
        self.tolerance_grad, self.tolerance_change = tolerance_grad, tolerance_change
        self.tolerance_ys = tolerance_ys
        self.func_evals = 0
        self.n_iter = 0
        self.d = self.t = self.prev_flat_grad = self.prev_loss = None
        self.old_dirs, self.old_stps, self.ro, self.h_diag = [], [], [], 1.0
        self.al = [None] * history_size

    def step(self, x, closure):
        """One torch step() call; x is changed in place; returns the loss at its start."""
        orig_loss, flat_grad = closure(x)
        loss = orig_loss
        current_evals = 1
        self.func_evals += 1
        if max(abs(g) for g in flat_grad) <= self.tolerance_grad:
            return orig_loss
        d, t = self.d, self.t
        n_iter = 0
        while n_iter < self.max_iter:
            n_iter += 1
            self.n_iter += 1
            if self.n_iter == 1:
                d = [-g for g in flat_grad]
                self.old_dirs, self.old_stps, self.ro, self.h_diag = [], [], [], 1.0
            else:
                y = [g - p for g, p in zip(flat_grad, self.prev_flat_grad)]
                s = [di * t for di in d]
                ys = dot(y, s)
                if ys > self.tolerance_ys:
                    if len(self.old_dirs) == self.history_size:
                        self.old_dirs.pop(0)
                        self.old_stps.pop(0)
                        self.ro.pop(0)
                    self.old_dirs.append(y)
                    self.old_stps.append(s)
                    self.ro.append(1.0 / ys)
                    self.h_diag = ys / dot(y, y)
                num_old = len(self.old_dirs)
                q = [-g for g in flat_grad]
                for i in range(num_old - 1, -1, -1):
                    self.al[i] = dot(self.old_stps[i], q) * self.ro[i]
                    q = [qk - self.al[i] * yk for qk, yk in zip(q, self.old_dirs[i])]
                r = [qk * self.h_diag for qk in q]
                for i in range(num_old):
                    be_i = dot(self.old_dirs[i], r) * self.ro[i]
                    r = [rk + (self.al[i] - be_i) * sk for rk, sk in zip(r, self.old_stps[i])]
                d = r
            self.prev_flat_grad = list(flat_grad)
            prev_loss = loss
            if self.n_iter == 1:
                t = min(1.0, 1.0 / sum(abs(g) for g in flat_grad)) * self.lr
            else:
                t = self.lr
            gtd = dot(flat_grad, d)
            if gtd > -self.tolerance_change:
                break
            ls_func_evals = 0
            for k in range(len(x)):
                x[k] += t * d[k]
            if n_iter != self.max_iter:
                loss, flat_grad = closure(x)
                opt_cond = max(abs(g) for g in flat_grad) <= self.tolerance_grad
                ls_func_evals = 1
            current_evals += ls_func_evals
            self.func_evals += ls_func_evals
            if n_iter == self.max_iter:
                break
            if current_evals >= self.max_eval:
                break
            if opt_cond:
                break
            if max(abs(di * t) for di in d) <= self.tolerance_change:
                break
            if abs(loss - prev_loss) < self.tolerance_change:
                break
        self.d, self.t, self.prev_loss = d, t, prev_loss
        return orig_loss


# (name in the test, options, start, calls): the SUBCASEs of the test, in order.
CASES = [
    ("lr 0.5, max_iter 4, history_size 2", dict(lr=0.5, max_iter=4, history_size=2),
     [0.0, 0.0, 0.0], 6),
    ("the author's defaults", dict(lr=1e-3, max_iter=20, history_size=100), [0.0, 0.0, 0.0], 3),
    ("lr 1, max_iter 20, max_eval 7, history_size 3",
     dict(lr=1.0, max_iter=20, history_size=3, max_eval=7), [2.0, -1.0, 0.5], 3),
]


def rows_of(options, start, calls):
    """[call, loss at its start, x after it (3), cumulative n_iter, func_evals] per call."""
    optimizer = Lbfgs(**options)
    x = list(start)
    rows = []
    for call in range(1, calls + 1):
        loss = optimizer.step(x, quadratic)
        rows.append([float(call), loss] + list(x) + [float(optimizer.n_iter),
                                                     float(optimizer.func_evals)])
    return rows


def torch_rows(options, start, calls):
    import torch
    x = torch.tensor(start, dtype=torch.float64, requires_grad=True)
    a = torch.tensor(A, dtype=torch.float64)
    b = torch.tensor(B, dtype=torch.float64)
    keys = dict(lr=options["lr"], max_iter=options["max_iter"],
                history_size=options["history_size"], max_eval=options.get("max_eval"),
                tolerance_grad=1e-7, tolerance_change=1e-9)
    optimizer = torch.optim.LBFGS([x], **keys)

    def closure():
        optimizer.zero_grad()
        loss = 0.5 * x @ (a @ x) - b @ x
        loss.backward()
        return loss

    rows = []
    for call in range(1, calls + 1):
        loss = float(optimizer.step(closure))
        state = optimizer.state[optimizer._params[0]]
        rows.append([float(call), loss] + x.detach().tolist() +
                    [float(state["n_iter"]), float(state["func_evals"])])
    return rows


def main():
    text = block(source("tests/lbfgs_torch/lbfgs_torch_test.cc"),
                 'TEST_CASE("lbfgs_torch agrees with torch.optim.LBFGS.step call by call")',
                 "\n}\n")
    pieces = text.split("SUBCASE(")[1:]
    failed = False
    for (name, options, start, calls), piece in zip(CASES, pieces):
        rows = rows_of(options, start, calls)
        print(f"{name}:")
        for row in rows:
            print("  {%d, %r, {%r, %r, %r}, %d, %d}," % (row[0], row[1], row[2], row[3], row[4],
                                                      row[5], row[6]))
        if "--check" in sys.argv:
            got = [v for row in rows for v in row]
            reference = piece[piece.index("{\n"):]
            expected = numbers_in(reference)
            expected = expected[len(expected) - len(got):]
            if got != expected:
                failed = True
                print(f"  MISMATCH with lbfgs_torch_test.cc: stored {expected}")
            else:
                print(f"  all {len(got)} values equal lbfgs_torch_test.cc's")
        if "--torch" in sys.argv:
            try:
                reference_rows = torch_rows(options, start, calls)
            except ImportError:
                print("  torch is not installed (python3-torch): side-by-side run skipped")
                continue
            worst = max(abs(p - q) / max(abs(q), 1e-300) if q != p else 0.0
                        for row, torch_row in zip(rows, reference_rows)
                        for p, q in zip(row, torch_row))
            same_counts = all(row[5:] == torch_row[5:]
                              for row, torch_row in zip(rows, reference_rows))
            print(f"  torch.optim.LBFGS: largest relative difference {worst:.3g}, "
                  f"n_iter and func_evals {'equal' if same_counts else 'DIFFER'}")
            failed = failed or not same_counts or worst > 1e-12
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
