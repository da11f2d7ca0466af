"""hnn from Python: run pipelines, list plugins, read run folders (docs/python.md).

The work is done by the same C++ code as ``hnn-host`` (the compiled extension
``hnn._hnn``): the same plugins, the same validation with located errors, the same run
folder. Only Debian's NumPy is needed beside it.
"""

import collections
import errno
import json
import math
import numbers
import pathlib

from . import _hnn
from .model import Model, load_model

__all__ = [
    "ConfigError", "PluginError", "Problem", "RunError", "RunFolder",
    "check", "describe", "open_run", "pipeline_yaml", "plugins", "run",
    "Model", "load_model",
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


def check(pipeline):
    """Validates a pipeline (a dict, or the path of a YAML file) as ``hnn-host --check``
    does and returns the resolved pipeline (every default filled in) as a dict. Raises
    :class:`ConfigError` with every problem, located."""
    text, source = _source(pipeline)
    return _hnn.parse_yaml(_hnn.check(text, source))


def run(pipeline, output=None, force=False, quiet=True):
    """Validates and runs a pipeline (a dict or a YAML file) as ``hnn-host --no-report``
    does, into ``output`` (default: the pipeline's ``output.directory``, else
    ``runs/<name>``), and returns the :class:`RunFolder`. ``force`` empties an existing run
    folder first (only one a run wrote); ``quiet=False`` prints the progress lines to the
    process's standard output. Raises :class:`ConfigError` (invalid pipeline, or an existing
    folder without ``force``), :class:`RunError` (the run failed, or a model diverged:
    then ``error.run_folder`` holds the complete folder). The GIL is released while it runs.
    """
    text, source = _source(pipeline)
    folder, failures = _hnn.run(text, source, "" if output is None else str(output),
                                bool(force), bool(quiet))
    if failures:
        raise RunError("\n".join(failures), RunFolder(folder))
    return RunFolder(folder)


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

    def model(self, name):
        """The trained model ``name`` (an :class:`hnn.Model`) from checkpoints/<name>.yaml,
        with the run's plugins and training settings (python/hnn/model.py). KeyError when
        the run's pipeline has no such model, FileNotFoundError when its checkpoint is
        missing, hnn.ConfigError when the checkpoint is malformed or does not match."""
        from .model import run_model
        return run_model(self, name)

    def __repr__(self):
        return f"hnn.RunFolder({str(self.path)!r})"


def open_run(folder):
    """The run folder ``folder`` (a :class:`RunFolder`). FileNotFoundError when it does not
    exist, NotADirectoryError when it is a file, ValueError when it has neither
    summary.yaml nor pipeline.yaml."""
    return RunFolder(folder)
