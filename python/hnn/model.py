"""A trained model evaluated from Python: hnn.Model, hnn.load_model, RunFolder.model.

The model is the host's (hnn/host/trained_model.h): built from its checkpoint with the
training settings of its pipeline, it computes H, dH/dx, the learned field and rollouts
with the same code as the run did (docs/python.md, "A trained model").

States are NumPy arrays of shape (N, 2n), one state a row, or (2n,) for one state. A
C-contiguous float64 array is handed to the C++ model as it is (it is the column-major
2n x N matrix the model works on): no copy. Any other array (Fortran order, a slice with
strides, integers, float32) or a list is converted to one once. Results are new float64
arrays written in place by the model. The GIL is released while the model computes.
"""

import errno
import pathlib

import numpy as np

from . import _hnn


class Model:
    """A trained model: from :meth:`RunFolder.model` or :func:`load_model`.

    Attributes: ``name`` (the model's name in its pipeline), ``plugin``, ``options`` (its
    resolved options, a dict), ``epochs`` (trained, over all runs), ``parameter_count``,
    ``state_dimension`` (2n), ``coordinates`` (the state's coordinate names; empty for a
    checkpoint loaded alone), ``kind`` ("hnn": it learns H; "baseline": it learns the
    field dx/dt directly), ``parameters`` (a copy of the flat parameter vector),
    ``integrator`` (the integrator :meth:`rollout` uses by default, a dict with ``plugin``).

    Not for concurrent use from several threads at once: calls are serialised.
    """

    def __init__(self, compiled, source):
        self._model = compiled
        self.source = source
        self.name = compiled.name
        self.plugin = compiled.plugin
        self.options = compiled.options
        self.epochs = compiled.epochs
        self.parameter_count = compiled.parameter_count
        self.state_dimension = compiled.state_dimension
        self.coordinates = list(compiled.coordinates)
        self.kind = compiled.kind
        self.integrator = compiled.integrator

    @property
    def parameters(self):
        return self._model.parameters

    def _states(self, x, what="x"):
        """(the C-contiguous float64 (N, 2n) array, whether x was one state)."""
        array = np.asarray(x)
        if array.dtype.kind not in "iuf":
            raise TypeError(f"{what}: expected real numbers, got an array of dtype {array.dtype}")
        d = self.state_dimension
        if array.ndim == 1 and array.shape[0] == d:
            return np.ascontiguousarray(array, dtype=np.float64).reshape(1, d), True
        if array.ndim == 2 and array.shape[1] == d:
            return np.ascontiguousarray(array, dtype=np.float64), False
        raise ValueError(f"{what}: expected shape (N, {d}) or ({d},), got {array.shape}")

    def _needs_hamiltonian(self, what):
        if self.kind != "hnn":
            raise TypeError(f"{self.name}: a {self.kind} model learns the field dx/dt, not H: "
                            f"{what} is not defined (use field())")

    def hamiltonian(self, x):
        """H at the states x: shape (N,) for x of shape (N, 2n), a float for x of shape
        (2n,). TypeError for a baseline model."""
        self._needs_hamiltonian("hamiltonian()")
        states, single = self._states(x)
        values = self._model.hamiltonian(states)
        return float(values[0]) if single else values

    def gradient(self, x):
        """dH/dx at the states x, the shape of x. TypeError for a baseline model."""
        self._needs_hamiltonian("gradient()")
        states, single = self._states(x)
        values = self._model.gradient(states)
        return values[0] if single else values

    def field(self, x, t=0.0):
        """The learned vector field dx/dt at the states x and the time t (the learned
        forcing's), the shape of x: the field the run rolled out (J dH/dx for an HNN, with
        its learned damping and forcing when it has them; the model's output for a
        baseline)."""
        states, single = self._states(x)
        values = self._model.field(states, float(t))
        return values[0] if single else values

    def rollout(self, x0, t, integrator=None):
        """The states at the times t (1-D, non-decreasing; t[0] is the time of x0) from x0
        (shape (2n,)), shape (len(t), 2n), integrated by the run's evaluation integrator
        (``integrator`` None), an integrator plugin (its name, with its defaults) or a
        dict ``{"plugin": name, <options>}``. hnn.ConfigError for an invalid integrator;
        RuntimeError when the integration fails."""
        start, single = self._states(x0, "x0")
        if not single:
            raise ValueError(f"x0: expected shape ({self.state_dimension},), "
                             f"got {np.shape(x0)}")
        times = np.asarray(t)
        if times.dtype.kind not in "iuf":
            raise TypeError(f"t: expected real numbers, got an array of dtype {times.dtype}")
        if times.ndim != 1:
            raise ValueError(f"t: expected shape (T,), got {times.shape}")
        times = np.ascontiguousarray(times, dtype=np.float64)
        if not np.all(np.isfinite(times)) or np.any(np.diff(times) < 0):
            raise ValueError("t: expected finite, non-decreasing times")
        section = None
        if integrator is not None:
            if isinstance(integrator, str):
                integrator = {"plugin": integrator}
            if not isinstance(integrator, dict):
                raise TypeError(f"integrator: expected None, a plugin name or a dict, "
                                f"not {type(integrator).__name__}")
            from . import pipeline_yaml
            section = pipeline_yaml(integrator)
        return self._model.rollout(start.reshape(-1), times, section)

    def __repr__(self):
        return (f"hnn.Model({self.name!r}, plugin={self.plugin!r}, kind={self.kind!r}, "
                f"parameters={self.parameter_count}, epochs={self.epochs})")


def _missing(path, what):
    return FileNotFoundError(errno.ENOENT, what, str(path))


def run_model(run_folder, name, systems=None):
    """The model ``name`` of the run folder ``run_folder`` (a RunFolder); ``systems`` as
    for hnn.run (a run of an hnn.PythonSystem needs it again)."""
    models = run_folder.pipeline.get("models") or {}
    if name not in models:
        raise KeyError(f"{run_folder.path}: no model {name!r} (its models: "
                       f"{', '.join(models) or 'none'})")
    checkpoint = run_folder.path / "checkpoints" / f"{name}.yaml"
    if not checkpoint.is_file():
        raise _missing(checkpoint, "the run folder has no checkpoint of the model")
    from . import _systems
    return Model(_hnn.load_run_model(str(run_folder.path), name, _systems(systems)), checkpoint)


def load_model(checkpoint):
    """The model of a checkpoint file. When the file is a run folder's
    ``checkpoints/<m>.yaml`` of a model of that run's pipeline, the model is loaded as
    :meth:`RunFolder.model` loads it (with the run's plugins and training settings);
    otherwise from the file alone, with the host's default training settings (an HNN
    whose H is output 1) and default evaluation integrator: a checkpoint with a learned
    damping or forcing needs its run folder. FileNotFoundError when the file does not
    exist; hnn.ConfigError (located) when it is malformed or does not match its model."""
    path = pathlib.Path(checkpoint)
    if not path.is_file():
        raise _missing(path, "no such checkpoint file")
    folder = path.parent.parent
    if path.parent.name == "checkpoints" and (folder / "pipeline.yaml").is_file():
        from . import RunFolder
        run = RunFolder(folder)
        if path.stem in (run.pipeline.get("models") or {}):
            return run_model(run, path.stem)
    return Model(_hnn.load_checkpoint_model(str(path)), path)
