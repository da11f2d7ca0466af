"""Shared pieces of the hnn Python tests: a quick pipeline (a few epochs of a small MLP on
the spring) as a dict and as a YAML file."""
import copy

import pytest

QUICK_PIPELINE = {
    "name": "python_quick",
    "system": {"plugin": "spring_mass"},
    "data": {"trajectories": 4, "points": 10, "time_span": [0, 1], "seed": 3},
    "training": {"optimizer": {"plugin": "adam", "epochs": 5, "lr": 0.01}},
    "models": {"mlp": {"plugin": "mlp", "hidden": [8]}},
    "evaluation": {"initial_state": [1.0, 0.0], "points": 20, "time_span": [0, 1]},
}

# The same pipeline as a file; line 6, column 35 is the value of training.optimizer.lr.
QUICK_PIPELINE_YAML = """\
name: python_quick
system: {plugin: spring_mass}
data: {trajectories: 4, points: 10, time_span: [0, 1], seed: 3}
training:
  optimizer:
    {plugin: adam, epochs: 5, lr: 0.01}
models:
  mlp: {plugin: mlp, hidden: [8]}
evaluation: {initial_state: [1.0, 0.0], points: 20, time_span: [0, 1]}
"""


@pytest.fixture
def quick_pipeline():
    return copy.deepcopy(QUICK_PIPELINE)


@pytest.fixture
def quick_pipeline_file(tmp_path):
    path = tmp_path / "quick.yaml"
    path.write_text(QUICK_PIPELINE_YAML)
    return path
