"""hnn.PythonSystem: a Hamiltonian written in Python as a pipeline's system. Its data must be
the compiled system's (same draws, same integrator), with an exact or a finite-difference
gradient, and every way the callables can go wrong must fail the run with a message that
names the system, the callable and the state."""
import copy

import numpy as np
import pytest

import hnn

SPRING = {
    "name": "python_system",
    "system": {"plugin": "spring_mass"},
    "data": {"trajectories": 4, "points": 10, "time_span": [0, 1], "seed": 3},
    "training": {"optimizer": {"plugin": "adam", "epochs": 3, "lr": 0.01}},
    "models": {"mlp": {"plugin": "mlp", "hidden": [8]}},
    "evaluation": {"initial_state": [1.0, 0.0], "points": 20, "time_span": [0, 1]},
}


def spring_hamiltonian(x):
    return x[0] ** 2 + x[1] ** 2  # spring_mass's default k = 2, m = 0.5


def spring_gradient(x):
    return [2.0 * x[0], 2.0 * x[1]]


def pipeline_with(system_name, **data):
    pipeline = copy.deepcopy(SPRING)
    pipeline["system"] = {"plugin": system_name}
    pipeline["data"].update(data)
    return pipeline


@pytest.fixture(scope="module")
def compiled_spring(tmp_path_factory):
    return hnn.run(SPRING, output=tmp_path_factory.mktemp("compiled") / "run", quiet=True)


def state_columns(run):
    return np.stack([run.data[c] for c in ("q", "p", "dq_dt", "dp_dt")])


def test_with_its_gradient_it_gives_the_compiled_systems_data(compiled_spring, tmp_path):
    system = hnn.PythonSystem(spring_hamiltonian, gradient=spring_gradient,
                              exact_hamiltonian="q^2 + p^2")
    run = hnn.run(pipeline_with("py_spring"), output=tmp_path / "run", quiet=True,
                  systems={"py_spring": system})
    assert run.summary["system"] == "py_spring"
    # The same draws, the same integrator, the same (exact) gradient: the same numbers.
    np.testing.assert_array_equal(state_columns(run), state_columns(compiled_spring))
    assert run.summary["models"]["mlp"]["final_train_loss"] == \
        compiled_spring.summary["models"]["mlp"]["final_train_loss"]
    # The truth's energy along the rollout is H itself.
    truth = run.trajectories
    np.testing.assert_allclose(truth["truth_energy"], truth["truth_q"] ** 2 + truth["truth_p"] ** 2,
                               rtol=1e-14)


def test_without_a_gradient_central_differences_are_within_1e_9(compiled_spring, tmp_path):
    calls = []

    def counted(x):
        calls.append(1)
        return spring_hamiltonian(x)

    run = hnn.run(pipeline_with("fd_spring"), output=tmp_path / "run", quiet=True,
                  systems={"fd_spring": hnn.PythonSystem(counted)})
    difference = np.abs(state_columns(run) - state_columns(compiled_spring)).max()
    assert 0 < difference < 1e-9
    assert len(calls) > 100  # every gradient is 4 calls of H


def test_the_pipeline_sets_the_radius_of_the_initial_states(tmp_path):
    pipeline = pipeline_with("py_spring")
    pipeline["system"]["radius"] = [0.5, 0.5]
    system = hnn.PythonSystem(spring_hamiltonian, gradient=spring_gradient)
    assert hnn.check(pipeline, systems={"py_spring": system})["system"]["radius"] == [0.5, 0.5]
    run = hnn.run(pipeline, output=tmp_path / "run", quiet=True, systems={"py_spring": system})
    first = run.data["t"] == 0.0
    radius = np.hypot(run.data["q"][first], run.data["p"][first])
    np.testing.assert_allclose(radius, 0.5, rtol=1e-15)
    assert first.sum() == 4


def test_two_degrees_of_freedom_with_named_coordinates(tmp_path):
    def coupled(x):
        q1, q2, p1, p2 = x
        return 0.5 * (p1 ** 2 + p2 ** 2) + 0.5 * (q1 ** 2 + q2 ** 2) + 0.1 * q1 * q2

    pipeline = pipeline_with("coupled", trajectories=2)
    pipeline["evaluation"]["initial_state"] = [1.0, 0.0, 0.0, 0.5]
    run = hnn.run(pipeline, output=tmp_path / "run", quiet=True,
                  systems={"coupled": hnn.PythonSystem(coupled, coordinates=["x", "y", "px", "py"])})
    assert list(run.data)[3:] == ["x", "y", "px", "py", "dx_dt", "dy_dt", "dpx_dt", "dpy_dt"]
    # dx/dt = dH/dpx = px, dpx/dt = -dH/dx = -(x + 0.1 y), to the finite differences' error.
    np.testing.assert_allclose(run.data["dx_dt"], run.data["px"], atol=1e-9)
    np.testing.assert_allclose(run.data["dpx_dt"], -(run.data["x"] + 0.1 * run.data["y"]), atol=1e-9)
    energy = run.trajectories["truth_energy"]
    assert np.ptp(energy) < 1e-6 * abs(energy[0])  # the truth conserves the Python H


@pytest.mark.parametrize("hamiltonian, gradient, expected", [
    (lambda x: 1.0 / 0.0, None, "raised ZeroDivisionError: float division by zero"),
    (lambda x: "high", None, "returned 'high', expected a real number"),
    (lambda x: float("nan"), None, "returned nan"),
    (spring_hamiltonian, lambda x: [1.0, 2.0, 3.0], "expected 2 reals"),
    (spring_hamiltonian, lambda x: [float("inf"), 0.0], "returned inf for d/dq"),
])
def test_a_callable_that_fails_fails_the_run_and_says_where(hamiltonian, gradient, expected,
                                                            tmp_path):
    system = hnn.PythonSystem(hamiltonian, gradient=gradient)
    with pytest.raises(hnn.RunError) as error:
        hnn.run(pipeline_with("bad"), output=tmp_path / "run", quiet=True, systems={"bad": system})
    message = str(error.value)
    assert "python system 'bad': " in message
    assert " at q = " in message and ", p = " in message
    assert expected in message


def test_names_and_arguments_are_checked():
    system = hnn.PythonSystem(spring_hamiltonian)
    with pytest.raises(hnn.PluginError, match="spring_mass"):
        hnn.check(SPRING, systems={"spring_mass": system})  # a compiled system's name
    with pytest.raises(hnn.PluginError, match="Py-Spring"):
        hnn.check(pipeline_with("Py-Spring"), systems={"Py-Spring": system})
    with pytest.raises(hnn.ConfigError, match="no system plugin named 'py_spring'|py_spring"):
        hnn.check(pipeline_with("py_spring"))  # not passed
    with pytest.raises(TypeError, match="must be an hnn.PythonSystem"):
        hnn.check(SPRING, systems={"x": spring_hamiltonian})
    with pytest.raises(TypeError, match="hamiltonian must be callable"):
        hnn.PythonSystem(3.0)
    with pytest.raises(ValueError, match="even number"):
        hnn.PythonSystem(spring_hamiltonian, coordinates=["q", "p", "r"])
    with pytest.raises(ValueError, match="distinct"):
        hnn.PythonSystem(spring_hamiltonian, coordinates=["q", "q"])
    with pytest.raises(ValueError, match="radius"):
        hnn.PythonSystem(spring_hamiltonian, radius=(1.0, 0.5))
    pipeline = pipeline_with("py_spring")
    pipeline["system"]["radius"] = [1.0, 0.5]
    with pytest.raises(hnn.ConfigError, match="radius"):
        hnn.check(pipeline, systems={"py_spring": system})


def test_the_expression_system_works_from_python(compiled_spring, tmp_path):
    # GiNaC must be shared with the plugins as in hnn-host (hnn/__init__.py loads the
    # extension's libraries with global scope); otherwise "q^2 + p^2" did not find its q.
    pipeline = copy.deepcopy(SPRING)
    pipeline["system"] = {"plugin": "expression", "hamiltonian": "q^2 + p^2"}
    run = hnn.run(pipeline, output=tmp_path / "run", quiet=True)
    np.testing.assert_allclose(state_columns(run), state_columns(compiled_spring), rtol=0,
                               atol=1e-15)


def test_a_model_of_a_python_system_run_loads_with_its_systems(tmp_path):
    system = hnn.PythonSystem(spring_hamiltonian, gradient=spring_gradient)
    run = hnn.run(pipeline_with("py_spring"), output=tmp_path / "run", quiet=True,
                  systems={"py_spring": system})
    with pytest.raises(hnn.ConfigError, match="unknown system 'py_spring'"):
        run.model("mlp")
    model = run.model("mlp", systems={"py_spring": system})
    truth = run.trajectories
    rollout = model.rollout([1.0, 0.0], truth["t"])
    np.testing.assert_allclose(rollout[:, 0], truth["mlp_q"], rtol=0, atol=1e-14)
