"""hnn from Python: run pipelines, list plugins, read run folders, write a system's
Hamiltonian in Python (docs/python.md).

The work is done by the same C++ code as ``hnn-host`` (the compiled extension
``hnn._hnn``): the same plugins, the same validation with located errors, the same run
folder. Only Debian's NumPy is needed beside it.
"""

import collections
import errno
import json
import math
import numbers
import os
import pathlib
import sys


def _import_extension():
    """Imports hnn._hnn with its libraries (libhnn, libhnn_symbolic, GiNaC) in the global
    symbol scope, as they are in hnn-host, which links them. Plugins are loaded with local
    scope, and a plugin that uses GiNaC (``expression``, ``symbolic``) must bind GiNaC's
    vague-linkage type information (a symbol's hash mixes in the address of its type name)
    to the same copy as libhnn_symbolic; with Python's default local scope each would use
    its own, and the formula "q^2 + p^2" would not find its own variable q."""
    flags = sys.getdlopenflags()
    sys.setdlopenflags(flags | os.RTLD_GLOBAL)
    try:
        from . import _hnn as extension
    finally:
        sys.setdlopenflags(flags)
    return extension


_hnn = _import_extension()

from .model import Model, load_model  # noqa: E402 (needs the extension imported above)

__all__ = [
    "ConfigError", "PluginError", "Problem", "PythonSystem", "RunError", "RunFolder",
    "RunInterrupted", "check", "describe", "open_run", "pipeline_yaml", "plugins", "resume",
    "run", "Model", "load_model",
]

#: One located problem of a pipeline: the file ("<dict>" for a dict), its 1-based line and
#: column (0 when unknown), the dotted key path it concerns and what is wrong.
Problem = collections.namedtuple("Problem", "file line column path message")

#: The source name of a pipeline given as a dict, in its problems' locations.
DICT_SOURCE = "<dict>"


class ConfigError(ValueError):
    """The pipeline is invalid (what makes hnn-host exit with status 2).

    ``args`` is ``(message, problems)``; ``problems`` is the list of :data:`Problem`, all
    the problems found together; ``str(error)`` is the message, one
    ``file:line:column: error: key.path: message`` line per problem.
    """

    def __init__(self, message, problems=()):
        self.problems = [Problem(**p) if isinstance(p, dict) else Problem(*p) for p in problems]
        super().__init__(message, self.problems)

    def __str__(self):
        return self.args[0]


class RunError(RuntimeError):
    """A validated run failed (hnn-host's exit status 1). ``run_folder`` is the folder it
    wrote, when a model diverged (the folder is then complete), else None."""

    def __init__(self, message, run_folder=None):
        super().__init__(message)
        self.run_folder = run_folder


class RunInterrupted(KeyboardInterrupt):
    """Ctrl-C (or another SIGINT) stopped a run at the end of an epoch. It is a
    KeyboardInterrupt, so code that does not catch it stops as on any Ctrl-C. ``run_folder``
    is the folder, complete as an interrupted run leaves it (summary ``interrupted: true``,
    the stopped model's checkpoint with its optimizer's state): :func:`resume` continues it.
    """

    def __init__(self, message, run_folder):
        super().__init__(message)
        self.run_folder = run_folder


class PluginError(RuntimeError):
    """A plugin could not be loaded (a path of the pipeline's ``plugins:``, or a duplicate
    name)."""


def plugins():
    """Every plugin hnn-host would load: a list of dicts with ``kind`` ("system", "model",
    "optimizer", "integrator", "data source"), ``name``, ``description`` and ``source``
    (the library file)."""
    return _hnn.plugins()


def describe(kind, name):
    """The plugin ``name`` of ``kind``: a dict with ``kind``, ``name``, ``description``,
    ``source`` and ``options``, a list of dicts with ``key``, ``type``, ``required``,
    ``default`` (None when required), ``range``, ``choices`` and ``description``.
    KeyError when there is no such plugin, ValueError for an unknown kind."""
    return _hnn.describe(kind, name)


def _yaml_scalar(value):
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, numbers.Integral):
        return str(int(value))
    if isinstance(value, numbers.Real):
        value = float(value)
        if math.isnan(value):
            return ".nan"
        if math.isinf(value):
            return ".inf" if value > 0 else "-.inf"
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)  # a valid YAML double-quoted scalar
    raise TypeError(f"a pipeline value must be a dict, list, str, number, bool or None, "
                    f"not {type(value).__name__}: {value!r}")


def _as_container(value):
    if hasattr(value, "tolist") and not isinstance(value, (str, bytes)):  # NumPy arrays
        value = value.tolist()
    if isinstance(value, tuple):
        value = list(value)
    return value


def _yaml_lines(value, indent, lines):
    pad = " " * indent
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                raise TypeError(f"a pipeline key must be a str, not {type(key).__name__}: {key!r}")
            item = _as_container(item)
            head = f"{pad}{json.dumps(key, ensure_ascii=False)}:"
            if isinstance(item, (dict, list)) and item:
                lines.append(head)
                _yaml_lines(item, indent + 2, lines)
            else:
                lines.append(f"{head} {_yaml_inline(item)}")
    else:
        for item in value:
            item = _as_container(item)
            if isinstance(item, (dict, list)) and item:
                lines.append(f"{pad}-")
                _yaml_lines(item, indent + 2, lines)
            else:
                lines.append(f"{pad}- {_yaml_inline(item)}")


def _yaml_inline(value):
    if isinstance(value, dict):
        return "{}"
    if isinstance(value, list):
        return "[]"
    return _yaml_scalar(value)


def pipeline_yaml(pipeline):
    """The YAML text that a pipeline dict is validated as (keys and strings double-quoted,
    reals in Python's shortest round-trip form, NaN as .nan): the lines and columns of a
    :class:`ConfigError` for a dict point into this text."""
    if not isinstance(pipeline, dict):
        raise TypeError(f"a pipeline is a dict or a file path, not {type(pipeline).__name__}")
    lines = []
    _yaml_lines(pipeline, 0, lines)
    return "\n".join(lines) + "\n"


def _source(pipeline):
    """(text or None, source name) of a dict or a file path."""
    if isinstance(pipeline, dict):
        return pipeline_yaml(pipeline), DICT_SOURCE
    if isinstance(pipeline, (str, pathlib.PurePath)):
        return None, str(pipeline)
    raise TypeError(f"a pipeline is a dict or a file path, not {type(pipeline).__name__}")


class PythonSystem:
    """A Hamiltonian written in Python, for a pipeline's ``system`` (quick experiments).

    ``hamiltonian(x)`` takes a state, a 1-D float64 NumPy array ``[q..., p...]`` in the
    order of ``coordinates`` (2n names, positions first), and returns H as a real.
    ``gradient(x)``, if given, returns dH/dx (2n reals); without it the gradient is the
    central difference ``(H(x + h e_i) - H(x - h e_i)) / 2h`` with
    ``h = cbrt(eps) max(1, |x_i|)`` (2n calls of H per gradient, about 1e-10 relative error
    for a smooth H of order 1). Initial states are drawn as ``spring_mass`` and
    ``expression`` draw them, at a phase-space radius in ``radius`` (the pipeline may set
    ``radius`` in its ``system`` section); the same seed gives the same states.
    ``exact_hamiltonian`` (a formula in the coordinate names, optional) is what a recovered
    formula is compared with.

    Pass it to :func:`run` or :func:`check` as ``systems={"name": system}`` and name it in
    the pipeline: ``"system": {"plugin": "name"}`` (a name of lower-case letters, digits and
    ``_`` that no compiled plugin has). Every H and gradient is a Python call, so data
    generation and rollouts are far slower than with a compiled plugin or the
    ``expression`` system (docs/python.md has the measured factor). The callables must not
    call ``hnn`` themselves. An exception they raise, or a value that is not a finite real,
    fails the run with :class:`RunError` naming the system, the callable and the state.
    """

    def __init__(self, hamiltonian, coordinates=("q", "p"), gradient=None, radius=(0.1, 1.0),
                 exact_hamiltonian="", description=None):
        if not callable(hamiltonian):
            raise TypeError(f"hamiltonian must be callable, not {type(hamiltonian).__name__}")
        if gradient is not None and not callable(gradient):
            raise TypeError(f"gradient must be callable or None, not {type(gradient).__name__}")
        coordinates = list(coordinates)
        if not coordinates or len(coordinates) % 2 or not all(isinstance(c, str) and c
                                                              for c in coordinates):
            raise ValueError("coordinates must be an even number of names (positions, then "
                             f"their momenta), got {coordinates!r}")
        if len(set(coordinates)) != len(coordinates):
            raise ValueError(f"coordinates must be distinct, got {coordinates!r}")
        radius = [float(r) for r in radius]
        if len(radius) != 2 or not 0 <= radius[0] <= radius[1] < math.inf:
            raise ValueError(f"radius must be [min, max] with 0 <= min <= max < inf, got {radius!r}")
        self.hamiltonian = hamiltonian
        self.gradient = gradient
        self.coordinates = coordinates
        self.radius = radius
        self.exact_hamiltonian = str(exact_hamiltonian)
        self.description = (description if description is not None else
                            f"H written in Python ({getattr(hamiltonian, '__name__', 'a callable')}), "
                            f"{len(coordinates) // 2} degree(s) of freedom")

    def __repr__(self):
        return (f"hnn.PythonSystem({getattr(self.hamiltonian, '__name__', self.hamiltonian)!s}, "
                f"coordinates={self.coordinates!r})")


def _systems(systems):
    if systems is None:
        return None
    if not isinstance(systems, dict):
        raise TypeError(f"systems must be a dict of name to hnn.PythonSystem, not "
                        f"{type(systems).__name__}")
    for name, system in systems.items():
        if not isinstance(name, str):
            raise TypeError(f"a system's name must be a str, not {type(name).__name__}")
        if not isinstance(system, PythonSystem):
            raise TypeError(f"systems[{name!r}] must be an hnn.PythonSystem, not "
                            f"{type(system).__name__}")
    return systems


def _overrides(overrides):
    """``{"key.path": value}`` as hnn-host's ``--set key.path=value`` assignments."""
    if overrides is None:
        return []
    if not isinstance(overrides, dict):
        raise TypeError(f"overrides must be a dict of key path to value, not "
                        f"{type(overrides).__name__}")
    assignments = []
    for path, value in overrides.items():
        if not isinstance(path, str):
            raise TypeError(f"an override's key path must be a str, not {type(path).__name__}")
        assignments.append(f"{path}={_yaml_flow(value, path)}")
    return assignments


def _yaml_flow(value, path):
    """A value as one line of YAML flow text: 3, "tanh", [64, 64]."""
    value = _as_container(value)
    if isinstance(value, dict):
        raise TypeError(f"overrides[{path!r}]: set the keys of a section one by one "
                        f"('{path}.key'), not a dict")
    if isinstance(value, list):
        return "[" + ", ".join(_yaml_flow(item, path) for item in value) + "]"
    return _yaml_scalar(value)


def check(pipeline, systems=None, overrides=None):
    """Validates a pipeline (a dict, or the path of a YAML file) as ``hnn-host --check``
    does and returns the resolved pipeline (every default filled in) as a dict. Raises
    :class:`ConfigError` with every problem, located. ``systems`` and ``overrides``: as
    for :func:`run`."""
    text, source = _source(pipeline)
    return _hnn.parse_yaml(_hnn.check(text, source, _overrides(overrides), _systems(systems)))


def _live_output():
    """Whether progress is redrawn in place: on a terminal, and in a Jupyter/IPython kernel
    (whose cells honour carriage returns)."""
    if "ipykernel" in sys.modules:
        return True
    try:
        return sys.stdout is not None and sys.stdout.isatty()
    except (AttributeError, ValueError):
        return False


def _run(text, source, overrides, output, force, resume, quiet, systems):
    folder, failures, interrupted = _hnn.run(
        text, source, overrides, "" if output is None else str(output), bool(force), bool(resume),
        not quiet, not quiet and _live_output(), _systems(systems))
    if interrupted:
        raise RunInterrupted(f"{folder}: the run was interrupted at the end of an epoch; "
                             f"hnn.resume({str(folder)!r}) continues it", RunFolder(folder))
    if failures:
        raise RunError("\n".join(failures), RunFolder(folder))
    return RunFolder(folder)


def run(pipeline, output=None, force=False, quiet=False, systems=None, overrides=None):
    """Validates and runs a pipeline (a dict or a YAML file) as ``hnn-host --no-report``
    does, into ``output`` (default: the pipeline's ``output.directory``, else
    ``runs/<name>``), and returns the :class:`RunFolder`.

    ``force`` empties an existing run folder first (only one a run wrote). The run's
    progress (epoch, losses, time left) goes to ``sys.stdout``: redrawn in place in a
    terminal or a notebook cell, else a plain line every ``output.progress_seconds``, and
    each model's summary line; ``quiet=True`` prints nothing. ``systems`` maps names to
    :class:`PythonSystem` s that the pipeline may use as its ``system``. ``overrides``
    (``{"output.export": True, "models.mlp.hidden": [64, 64]}``) sets keys as
    ``hnn-host --set key.path=value`` does, after the file or dict is read; a problem is
    located in the assignment (file ``--set '<assignment>'``).

    Ctrl-C stops the run at the end of the current epoch and raises
    :class:`RunInterrupted` (a KeyboardInterrupt) with the run folder, which
    :func:`resume` continues. Raises :class:`ConfigError` (invalid pipeline, or an existing
    folder without ``force``), :class:`RunError` (the run failed, or a model diverged: then
    ``error.run_folder`` holds the complete folder). The run happens on another thread; the
    GIL is free meanwhile.
    """
    text, source = _source(pipeline)
    return _run(text, source, _overrides(overrides), output, force, False, quiet, systems)


def resume(folder, quiet=False, systems=None):
    """Continues the interrupted run in ``folder`` with its own ``pipeline.yaml``, as
    ``hnn-host --resume folder`` does (docs/run_folder.md, "Interrupted runs"): finished
    models are kept, the stopped one continues from its checkpoint (bit for bit with an
    optimizer that saves its state), the rest run. Returns the :class:`RunFolder`; raises
    as :func:`run` does, and :class:`ConfigError` when the folder holds no interrupted run of
    its pipeline. A run of a :class:`PythonSystem` needs the same ``systems`` again."""
    path = pathlib.Path(folder)
    pipeline = path / "pipeline.yaml"
    if not path.is_dir():
        raise FileNotFoundError(errno.ENOENT, "no such run folder", str(path))
    if not pipeline.is_file():
        raise ValueError(f"{path}: not a run folder to resume: it has no pipeline.yaml")
    return _run(None, str(pipeline), [], path, False, True, quiet, systems)


class RunFolder:
    """A run folder (docs/run_folder.md), its files read when first asked for.

    ``summary`` and ``pipeline`` are summary.yaml and pipeline.yaml as nested dicts and
    lists; ``history``, ``data`` and ``trajectories`` are history.csv, data.csv and
    trajectories.csv as dicts of column name to a 1-D NumPy array (float64, NaN for an
    empty cell; str for the text columns ``split`` and ``model``), in the file's column
    order. A file the run did not write raises FileNotFoundError; a malformed one
    ValueError with its location.
    """

    def __init__(self, folder):
        self.path = pathlib.Path(folder)
        if not self.path.exists():
            raise FileNotFoundError(errno.ENOENT, "no such run folder", str(self.path))
        if not self.path.is_dir():
            raise NotADirectoryError(errno.ENOTDIR, "not a run folder (not a folder)",
                                     str(self.path))
        if not (self.path / "summary.yaml").is_file() and not (self.path / "pipeline.yaml").is_file():
            raise ValueError(f"{self.path}: not a run folder: it has no summary.yaml or pipeline.yaml")
        self._files = {}

    def _read(self, name, reader):
        if name not in self._files:
            file = self.path / name
            if not file.is_file():
                raise FileNotFoundError(errno.ENOENT, "the run folder has no such file", str(file))
            self._files[name] = reader(str(file))
        return self._files[name]

    @property
    def summary(self):
        return self._read("summary.yaml", _hnn.read_yaml)

    @property
    def pipeline(self):
        return self._read("pipeline.yaml", _hnn.read_yaml)

    @property
    def history(self):
        return self._read("history.csv", _hnn.read_csv)

    @property
    def data(self):
        return self._read("data.csv", _hnn.read_csv)

    @property
    def trajectories(self):
        return self._read("trajectories.csv", _hnn.read_csv)

    def model(self, name, systems=None):
        """The trained model ``name`` (an :class:`hnn.Model`) from checkpoints/<name>.yaml,
        with the run's plugins and training settings (python/hnn/model.py); a run of a
        :class:`PythonSystem` needs the same ``systems`` as :func:`run` had. KeyError when
        the run's pipeline has no such model, FileNotFoundError when its checkpoint is
        missing, hnn.ConfigError when the checkpoint is malformed or does not match."""
        from .model import run_model
        return run_model(self, name, systems)

    def __repr__(self):
        return f"hnn.RunFolder({str(self.path)!r})"


def open_run(folder):
    """The run folder ``folder`` (a :class:`RunFolder`). FileNotFoundError when it does not
    exist, NotADirectoryError when it is a file, ValueError when it has neither
    summary.yaml nor pipeline.yaml."""
    return RunFolder(folder)
