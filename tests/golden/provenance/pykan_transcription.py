"""pykan 0.0.5's KAN (git tag v0.0.5 = 41aca576f4775bfad09b0214f5321929b30d6942) and its
LBFGS, transcribed to torch operations for the golden files' provenance scripts
(pykan_goldens.py, pykan_lbfgs_trace.py): pykan is not packaged by Debian, python3-torch is.

Only what KAN(width=[2,1,2]) with the defaults uses is transcribed, operation for operation in
pykan's order, so that float64 results equal pykan's bit for bit:

  * spline.py: extend_grid, B_batch (Cox-de Boor), coef2curve (einsum 'ij,ijk->ik');
  * KANLayer.forward: inputs fanned out per edge (einsum with ones), SiLU base,
    scale_base * base + scale_sp * spline, times mask, summed per output node;
  * Symbolic_KANLayer.forward with its initial state (identity functions; mask and affine 0);
  * KAN.forward: numeric + symbolic branch, plus the node bias, layer by layer (the
    acts_scale bookkeeping is left out: nothing here reads it);
  * the KAN-HNN author's HNN.time_derivative (dF2 = autograd.grad(F2.sum(), x,
    create_graph=True); field = dF2 @ M^T, M = [[0, 1], [-1, 0]]) and L2 loss;
  * LBFGS.step without line search (torch 1.13's LBFGS with the y.s threshold tolerance_ys).

pykan is MIT-licensed and torch's LBFGS (which kan.LBFGS copies) BSD-licensed; the functions
below follow their code's operations, for reproducing the files' values.

Parameters are a dict of tensors named and ordered as pykan's model.parameters()
(PARAMETER_SHAPES); the golden files store them that way.
"""
import torch

# pykan's KAN(width=[2,1,2]).named_parameters(), in registration order.
PARAMETER_SHAPES = [
    ("biases.0.weight", (1, 1)), ("biases.1.weight", (1, 2)),
    ("act_fun.0.grid", (2, 4)), ("act_fun.0.coef", (2, 6)), ("act_fun.0.scale_base", (2,)),
    ("act_fun.0.scale_sp", (2,)), ("act_fun.0.mask", (2,)),
    ("act_fun.1.grid", (2, 4)), ("act_fun.1.coef", (2, 6)), ("act_fun.1.scale_base", (2,)),
    ("act_fun.1.scale_sp", (2,)), ("act_fun.1.mask", (2,)),
    ("symbolic_fun.0.mask", (1, 2)), ("symbolic_fun.0.affine", (1, 2, 4)),
    ("symbolic_fun.1.mask", (2, 1)), ("symbolic_fun.1.affine", (2, 1, 4)),
]
# Tensors pykan creates with requires_grad_(False).
FROZEN = {"act_fun.0.grid", "act_fun.0.mask", "act_fun.1.grid", "act_fun.1.mask",
          "symbolic_fun.0.mask", "symbolic_fun.1.mask"}
WIDTH = [2, 1, 2]
K = 3


def parameters_from(values, dtype=torch.float64):
    """Leaf tensors from {name: flat list of floats}, requires_grad as in pykan."""
    parameters = {}
    for name, shape in PARAMETER_SHAPES:
        tensor = torch.tensor(values[name], dtype=dtype).reshape(shape)
        parameters[name] = tensor.requires_grad_(name not in FROZEN)
    return parameters


def extend_grid(grid, k_extend):
    """spline.py extend_grid: k_extend knots of spacing h added at each end."""
    h = (grid[:, [-1]] - grid[:, [0]]) / (grid.shape[1] - 1)
    for _ in range(k_extend):
        grid = torch.cat([grid[:, [0]] - h, grid], dim=1)
        grid = torch.cat([grid, grid[:, [-1]] + h], dim=1)
    return grid


def b_batch(x, grid, k, extend=True):
    """spline.py B_batch: x (splines, samples) -> bases (splines, bases, samples)."""
    if extend:
        grid = extend_grid(grid, k_extend=k)
    grid = grid.unsqueeze(dim=2)
    x = x.unsqueeze(dim=1)
    if k == 0:
        return (x >= grid[:, :-1]) * (x < grid[:, 1:])
    lower = b_batch(x[:, 0], grid=grid[:, :, 0], k=k - 1, extend=False)
    return ((x - grid[:, :-(k + 1)]) / (grid[:, k:-1] - grid[:, :-(k + 1)]) * lower[:, :-1] +
            (grid[:, k + 1:] - x) / (grid[:, k + 1:] - grid[:, 1:(-k)]) * lower[:, 1:])


def coef2curve(x_eval, grid, coef, k):
    """spline.py coef2curve: the splines' values (splines, samples)."""
    if coef.dtype != x_eval.dtype:
        coef = coef.to(x_eval.dtype)
    return torch.einsum('ij,ijk->ik', coef, b_batch(x_eval, grid, k))


def kan_layer(parameters, layer, x):
    """KANLayer.forward's output y (batch, out_dim)."""
    in_dim, out_dim = WIDTH[layer], WIDTH[layer + 1]
    size = in_dim * out_dim
    name = f"act_fun.{layer}."
    batch = x.shape[0]
    x = torch.einsum('ij,k->ikj', x, torch.ones(out_dim, dtype=x.dtype)).reshape(
        batch, size).permute(1, 0)
    base = torch.nn.functional.silu(x).permute(1, 0)
    sharing = torch.arange(size)
    y = coef2curve(x_eval=x, grid=parameters[name + "grid"][sharing],
                   coef=parameters[name + "coef"][sharing], k=K)
    y = y.permute(1, 0)
    y = (parameters[name + "scale_base"].unsqueeze(dim=0) * base +
         parameters[name + "scale_sp"].unsqueeze(dim=0) * y)
    y = parameters[name + "mask"][None, :] * y
    return torch.sum(y.reshape(batch, out_dim, in_dim), dim=2)


def symbolic_layer(parameters, layer, x):
    """Symbolic_KANLayer.forward's y with its initial functions (identity)."""
    in_dim, out_dim = WIDTH[layer], WIDTH[layer + 1]
    mask = parameters[f"symbolic_fun.{layer}.mask"]
    affine = parameters[f"symbolic_fun.{layer}.affine"]
    postacts = []
    for i in range(in_dim):
        row = []
        for j in range(out_dim):
            inner = affine[j, i, 0] * x[:, [i]] + affine[j, i, 1]
            xij = affine[j, i, 2] * inner + affine[j, i, 3]
            row.append(mask[j][i] * xij)
        postacts.append(torch.stack(row))
    postacts = torch.stack(postacts).permute(2, 1, 0, 3)[:, :, :, 0]
    return torch.sum(postacts, dim=2)


def kan_forward(parameters, x, hidden=None):
    """KAN.forward (symbolic_enabled=True); hidden, a list, receives acts[1:]."""
    for layer in range(len(WIDTH) - 1):
        x = kan_layer(parameters, layer, x) + symbolic_layer(parameters, layer, x)
        x = x + parameters[f"biases.{layer}.weight"]
        if hidden is not None:
            hidden.append(x)
    return x


PERMUTATION = torch.tensor([[0.0, 1.0], [-1.0, 0.0]], dtype=torch.float64)


def time_derivative(parameters, x):
    """The KAN-HNN author's HNN.time_derivative: (dF2/dp, -dF2/dq), graph kept."""
    _, f2 = kan_forward(parameters, x).split(1, 1)
    gradient = torch.autograd.grad(f2.sum(), x, create_graph=True)[0]
    return gradient @ PERMUTATION.t()


def hnn_loss(parameters, x, dxdt):
    """The author's L2_loss(dxdt, time_derivative(x)) = (dxdt - field)^2 .mean()."""
    return (dxdt - time_derivative(parameters, x)).pow(2).mean()


class PykanLbfgs:
    """kan.LBFGS.step (pykan 0.0.5 = torch 1.13's LBFGS.step with tolerance_ys), without
    line search, on a list of parameter tensors; closure() zeroes the gradients, computes
    the loss and calls backward. Defaults are the class defaults the author used."""

    def __init__(self, params, lr=1e-3, max_iter=20, max_eval=None, tolerance_grad=1e-7,
                 tolerance_change=1e-9, tolerance_ys=1e-32, history_size=100):
        self.params = params
        self.lr, self.max_iter, self.history_size = lr, max_iter, history_size
        self.max_eval = max_eval if max_eval is not None else max_iter * 5 // 4
        self.tolerance_grad, self.tolerance_change = tolerance_grad, tolerance_change
        self.tolerance_ys = tolerance_ys
        self.state = {"func_evals": 0, "n_iter": 0}

    def _gather_flat_grad(self):
        views = []
        for p in self.params:
            views.append(p.new(p.numel()).zero_() if p.grad is None else p.grad.view(-1))
        return torch.cat(views, 0)

    def _add_grad(self, step_size, update):
        offset = 0
        for p in self.params:
            numel = p.numel()
            p.add_(update[offset:offset + numel].view_as(p), alpha=step_size)
            offset += numel

    @torch.no_grad()
    def step(self, closure):
        state = self.state
        with torch.enable_grad():
            orig_loss = closure()
        loss = float(orig_loss)
        current_evals = 1
        state["func_evals"] += 1
        flat_grad = self._gather_flat_grad()
        opt_cond = flat_grad.abs().max() <= self.tolerance_grad
        if opt_cond:
            return orig_loss
        d, t = state.get("d"), state.get("t")
        old_dirs, old_stps, ro = state.get("old_dirs"), state.get("old_stps"), state.get("ro")
        h_diag = state.get("H_diag")
        prev_flat_grad, prev_loss = state.get("prev_flat_grad"), state.get("prev_loss")
        n_iter = 0
        while n_iter < self.max_iter:
            n_iter += 1
            state["n_iter"] += 1
            if state["n_iter"] == 1:
                d = flat_grad.neg()
                old_dirs, old_stps, ro = [], [], []
                h_diag = 1
            else:
                y = flat_grad.sub(prev_flat_grad)
                s = d.mul(t)
                ys = y.dot(s)
                if ys > self.tolerance_ys:
                    if len(old_dirs) == self.history_size:
                        old_dirs.pop(0)
                        old_stps.pop(0)
                        ro.pop(0)
                    old_dirs.append(y)
                    old_stps.append(s)
                    ro.append(1. / ys)
                    h_diag = ys / y.dot(y)
                num_old = len(old_dirs)
                if "al" not in state:
                    state["al"] = [None] * self.history_size
                al = state["al"]
                q = flat_grad.neg()
                for i in range(num_old - 1, -1, -1):
                    al[i] = old_stps[i].dot(q) * ro[i]
                    q.add_(old_dirs[i], alpha=-al[i])
                d = r = torch.mul(q, h_diag)
                for i in range(num_old):
                    be_i = old_dirs[i].dot(r) * ro[i]
                    r.add_(old_stps[i], alpha=al[i] - be_i)
            if prev_flat_grad is None:
                prev_flat_grad = flat_grad.clone(memory_format=torch.contiguous_format)
            else:
                prev_flat_grad.copy_(flat_grad)
            prev_loss = loss
            if state["n_iter"] == 1:
                t = min(1., 1. / flat_grad.abs().sum()) * self.lr
            else:
                t = self.lr
            gtd = flat_grad.dot(d)
            if gtd > -self.tolerance_change:
                break
            ls_func_evals = 0
            self._add_grad(t, d)
            if n_iter != self.max_iter:
                with torch.enable_grad():
                    loss = float(closure())
                flat_grad = self._gather_flat_grad()
                opt_cond = flat_grad.abs().max() <= self.tolerance_grad
                ls_func_evals = 1
            current_evals += ls_func_evals
            state["func_evals"] += ls_func_evals
            if n_iter == self.max_iter:
                break
            if current_evals >= self.max_eval:
                break
            if opt_cond:
                break
            if d.mul(t).abs().max() <= self.tolerance_change:
                break
            if abs(loss - prev_loss) < self.tolerance_change:
                break
        state.update({"d": d, "t": t, "old_dirs": old_dirs, "old_stps": old_stps, "ro": ro,
                      "H_diag": h_diag, "prev_flat_grad": prev_flat_grad,
                      "prev_loss": prev_loss})
        return orig_loss
