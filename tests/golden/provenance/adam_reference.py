#!/usr/bin/python3
"""PyTorch's Adam step (torch.optim.Adam >= 1.5, lr = 0.1, betas = (0.9, 0.999), eps = 1e-8,
coupled weight decay) on f(a, b, c) = (a - 1)^2 + 2 b^2 + a b + 0.5e-8 c^2 from (0.5, -1.5, 1),
three steps, in 60-digit decimal arithmetic from the exact binary values of the inputs:
the values tests/optimizers/adam_test.cc stores (kWithoutWeightDecay, kWithWeightDecay and
the final values). Python's standard library only.

    python3 tests/golden/provenance/adam_reference.py           # print the values
    python3 tests/golden/provenance/adam_reference.py --check   # compare with adam_test.cc

--check exits 1 when a recomputed value, rounded to the nearest double, is not the stored
one (they are written with 16-17 significant digits, the shortest round trip).
"""
import decimal
import sys

from stored_values import block, numbers_in, source

decimal.getcontext().prec = 60
D = decimal.Decimal  # D(float) is the float's exact binary value

LR, BETA1, BETA2, EPS = D(0.1), D(0.9), D(0.999), D(1e-8)
START = [D(0.5), D(-1.5), D(1.0)]


def objective(theta):
    a, b, c = theta
    return (a - 1) ** 2 + 2 * b * b + a * b + D(0.5e-8) * c * c


def gradient(theta):
    a, b, c = theta
    return [2 * (a - 1) + b, 4 * b + a, D(1e-8) * c]


def adam(weight_decay, epochs=3):
    """[(epoch, f(theta_{e-1}), theta_e)] and f(theta_epochs)."""
    theta = list(START)
    m = [D(0)] * 3
    v = [D(0)] * 3
    rows = []
    for epoch in range(1, epochs + 1):
        value = objective(theta)
        g = [gi + D(weight_decay) * ti for gi, ti in zip(gradient(theta), theta)]
        m = [BETA1 * mi + (1 - BETA1) * gi for mi, gi in zip(m, g)]
        v = [BETA2 * vi + (1 - BETA2) * gi * gi for vi, gi in zip(v, g)]
        step = LR / (1 - BETA1 ** epoch)
        correction = (1 - BETA2 ** epoch).sqrt()
        theta = [ti - step * mi / (vi.sqrt() / correction + EPS)
                 for ti, mi, vi in zip(theta, m, v)]
        rows.append((epoch, value, theta))
    return rows, objective(theta)


def as_doubles(rows, final):
    """The recomputed values in the order the test stores them."""
    values = []
    for epoch, value, theta in rows:
        values += [float(epoch), float(value)] + [float(t) for t in theta]
    return values + [float(final)]


def stored(name, final_name):
    text = source("tests/optimizers/adam_test.cc")
    values = numbers_in(block(text, "> " + name + "{", "};"))
    return values + numbers_in(block(text, final_name + " =", ";"))


def main():
    cases = [(0.0, "kWithoutWeightDecay", "kFinalWithoutWeightDecay"),
             (0.1, "kWithWeightDecay", "kFinalWithWeightDecay")]
    failed = False
    for weight_decay, name, final_name in cases:
        rows, final = adam(weight_decay)
        print(f"weight_decay = {weight_decay}: {name}")
        for epoch, value, theta in rows:
            print(f"  {{{epoch}, {float(value)!r}, {{{', '.join(repr(float(t)) for t in theta)}}}}},")
        print(f"  {final_name} = {float(final)!r}")
        if "--check" in sys.argv:
            expected = stored(name, final_name)
            got = as_doubles(rows, final)
            if expected != got:
                failed = True
                print(f"  MISMATCH with adam_test.cc: stored {expected}, recomputed {got}")
            else:
                print(f"  all {len(got)} values equal adam_test.cc's (bit for bit as doubles)")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
