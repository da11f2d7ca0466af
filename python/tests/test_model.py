"""hnn.Model: a trained model loaded from its run folder (or a checkpoint) evaluates H, dH/dx,
the learned field and rollouts on NumPy arrays, and gives back the run's own numbers: the
rollout of trajectories.csv, the H column along it, the field J dH/dx (with the learned
damping and forcing), to round-off."""
import shutil

import numpy as np
import pytest

import hnn

# Four models of one quick run: an MLP-HNN, a KAN-HNN, a baseline MLP (it learns dx/dt)
# and an MLP-HNN with a learned constant damping and a forcing at frequency 1.3.
PIPELINE = {
    "name": "python_models",
    "system": {"plugin": "spring_mass"},
    "data": {"trajectories": 4, "points": 10, "time_span": [0, 1], "seed": 3},
    "training": {"optimizer": {"plugin": "adam", "epochs": 5, "lr": 0.01}},
    "models": {
        "mlp": {"plugin": "mlp", "hidden": [8]},
        "kan": {"plugin": "kan", "width": [2, 3, 2]},
        "base": {"plugin": "mlp", "hidden": [8], "training": {"objective": "baseline"}},
        "damped": {"plugin": "mlp", "hidden": [8],
                   "training": {"dissipation": {"damping": "constant",
                                                "forcing_frequencies": [1.3]}}},
    },
    "evaluation": {"initial_state": [1.0, 0.0], "points": 20, "time_span": [0, 1]},
}
HNN_MODELS = ["mlp", "kan", "damped"]
ALL_MODELS = HNN_MODELS + ["base"]
STATES = np.array([[1.0, 0.0], [0.3, -0.7], [-0.5, 0.25], [0.05, 1.1], [-1.2, -0.4]])


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    return hnn.run(PIPELINE, output=tmp_path_factory.mktemp("models") / "run")


@pytest.fixture(scope="module")
def models(run):
    return {name: run.model(name) for name in ALL_MODELS}


def symplectic(gradient):
    """J dH/dx = (dH/dp, -dH/dq) for one degree of freedom, row by row."""
    return np.stack([gradient[..., 1], -gradient[..., 0]], axis=-1)


def test_a_model_knows_what_its_run_says(run, models):
    summary = run.summary["models"]
    for name, model in models.items():
        assert model.name == name
        assert model.plugin == PIPELINE["models"][name]["plugin"]
        assert model.epochs == 5
        assert model.parameter_count == summary[name]["parameters"]
        assert model.parameters.shape == (model.parameter_count,)
        assert model.parameters.dtype == np.float64
        assert model.state_dimension == 2
        assert model.coordinates == ["q", "p"]
        assert model.integrator["plugin"] == "rk45"
    assert models["mlp"].options["hidden"] == [8]
    assert models["mlp"].options["inputs"] == 2
    assert models["kan"].options["width"] == [2, 3, 2]
    assert [models[m].kind for m in ALL_MODELS] == ["hnn", "hnn", "hnn", "baseline"]
    # parameters is the checkpoint's vector, bit for bit (a copy: changing it changes nothing).
    checkpoint = hnn._hnn.read_yaml(str(run.path / "checkpoints" / "mlp.yaml"))
    np.testing.assert_array_equal(models["mlp"].parameters, checkpoint["parameters"])
    models["mlp"].parameters[:] = 0
    assert np.any(models["mlp"].parameters != 0)


@pytest.mark.parametrize("name", ALL_MODELS)
def test_the_rollout_is_the_runs_rollout(run, models, name):
    model = models[name]
    trajectories = run.trajectories
    t = trajectories["t"]
    x0 = run.pipeline["evaluation"]["initial_state"]
    states = model.rollout(x0, t)
    assert states.shape == (len(t), 2)
    expected = np.stack([trajectories[f"{name}_q"], trajectories[f"{name}_p"]], axis=1)
    np.testing.assert_allclose(states, expected, rtol=1e-14, atol=1e-15)
    # The model's energy column, where the run writes one: H along that rollout.
    if model.kind == "hnn":
        np.testing.assert_allclose(model.hamiltonian(states), trajectories[f"{name}_H"],
                                   rtol=1e-14, atol=1e-15)
    # The same integrator named, with its options, gives the same states; another differs.
    named = model.rollout(x0, t, integrator={"plugin": "rk45", "rtol": 1e-12, "atol": 1e-6})
    np.testing.assert_array_equal(named, states)
    other = model.rollout(x0, t, integrator={"plugin": "rk4", "step": 0.05})
    assert other.shape == states.shape and not np.array_equal(other, states)
    np.testing.assert_allclose(other, states, atol=1e-4)


@pytest.mark.parametrize("name", HNN_MODELS)
def test_the_gradient_is_the_derivative_of_h(models, name):
    model = models[name]
    eps = 1e-6
    gradient = model.gradient(STATES)
    for i in range(2):
        step = np.zeros(2)
        step[i] = eps
        difference = (model.hamiltonian(STATES + step) - model.hamiltonian(STATES - step)) / (2 * eps)
        np.testing.assert_allclose(gradient[:, i], difference, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("name", ["mlp", "kan"])
def test_the_field_of_an_hnn_is_j_grad_h(models, name):
    model = models[name]
    np.testing.assert_array_equal(model.field(STATES), symplectic(model.gradient(STATES)))
    np.testing.assert_array_equal(model.field(STATES, t=7.5), model.field(STATES))


def test_the_field_with_learned_damping_and_forcing(run, models):
    model = models["damped"]
    # dissipation_parameters: L (D = L^2), then the forcing's a and b at frequency 1.3.
    checkpoint = hnn._hnn.read_yaml(str(run.path / "checkpoints" / "damped.yaml"))
    lower, a, b = checkpoint["dissipation_parameters"]
    assert lower != 0.1  # trained away from its start sqrt(0.01)
    assert a != 0 and b != 0
    for t in [0.0, 0.4, 2.0]:
        gradient = model.gradient(STATES)
        expected = symplectic(gradient)
        expected[:, 1] += -lower * lower * gradient[:, 1] + a * np.cos(1.3 * t) + b * np.sin(1.3 * t)
        np.testing.assert_allclose(model.field(STATES, t), expected, rtol=1e-14, atol=1e-15)
    # The run's power balance along its rollout: dissipated g_p D g_p, supplied g_p F(t).
    trajectories = run.trajectories
    t = trajectories["t"]
    gradient_p = model.gradient(model.rollout([1.0, 0.0], t))[:, 1]
    np.testing.assert_allclose(trajectories["damped_dissipated_power"],
                               gradient_p * lower * lower * gradient_p, rtol=1e-13, atol=1e-16)
    np.testing.assert_allclose(trajectories["damped_supplied_power"],
                               gradient_p * (a * np.cos(1.3 * t) + b * np.sin(1.3 * t)),
                               rtol=1e-13, atol=1e-16)


def test_a_baseline_has_a_field_but_no_h(models):
    model = models["base"]
    field = model.field(STATES)
    assert field.shape == STATES.shape and np.all(np.isfinite(field))
    with pytest.raises(TypeError, match="base: a baseline model learns the field dx/dt, not H"):
        model.hamiltonian(STATES)
    with pytest.raises(TypeError, match="not H"):
        model.gradient(STATES[0])


@pytest.mark.parametrize("name", ALL_MODELS)
def test_one_state_is_a_batch_of_one(models, name):
    model = models[name]
    batch = model.field(STATES, 0.3)
    for row, state in enumerate(STATES):
        single = model.field(state, 0.3)
        assert single.shape == (2,)
        np.testing.assert_allclose(single, batch[row], rtol=1e-15, atol=1e-16)
        if model.kind == "hnn":
            h = model.hamiltonian(state)
            assert isinstance(h, float)
            np.testing.assert_allclose(h, model.hamiltonian(STATES)[row], rtol=1e-15)
            np.testing.assert_allclose(model.gradient(state), model.gradient(STATES)[row],
                                       rtol=1e-15, atol=1e-16)


def test_any_layout_or_dtype_gives_the_same_numbers(models):
    model = models["mlp"]
    expected_h = model.hamiltonian(STATES)
    expected_g = model.gradient(STATES)
    integers = np.array([[1, 0], [0, -1], [2, 1]])
    fortran = np.asfortranarray(STATES)
    assert not fortran.flags.c_contiguous
    strided = np.zeros((len(STATES), 4))
    strided[:, ::2] = STATES
    for same in [fortran, strided[:, ::2], STATES.tolist(), STATES.astype(np.longdouble)]:
        np.testing.assert_array_equal(model.hamiltonian(same), expected_h)
        np.testing.assert_array_equal(model.gradient(same), expected_g)
    np.testing.assert_array_equal(model.hamiltonian(integers),
                                  model.hamiltonian(integers.astype(np.float64)))
    single = np.float32(STATES[:, 0:2])
    np.testing.assert_array_equal(model.hamiltonian(single),
                                  model.hamiltonian(single.astype(np.float64)))
    # The input is left as it was; results are fresh arrays.
    before = STATES.copy()
    result = model.gradient(STATES)
    np.testing.assert_array_equal(STATES, before)
    assert result.flags.c_contiguous and result.flags.writeable
    assert not np.shares_memory(result, STATES)


def test_calls_from_several_threads_give_each_its_own_numbers(models):
    from concurrent.futures import ThreadPoolExecutor
    model = models["kan"]
    rng = np.random.default_rng(1)
    batches = [rng.uniform(-1, 1, size=(2000, 2)) for _ in range(8)]
    expected = [model.gradient(batch) for batch in batches]
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(model.gradient, batches))
    for result, wanted in zip(results, expected):
        np.testing.assert_array_equal(result, wanted)


def test_an_empty_batch_gives_empty_results(models):
    empty = np.zeros((0, 2))
    assert models["mlp"].hamiltonian(empty).shape == (0,)
    assert models["mlp"].gradient(empty).shape == (0, 2)
    assert models["base"].field(empty).shape == (0, 2)
    assert models["kan"].rollout([1.0, 0.0], []).shape == (0, 2)


def test_wrong_shapes_and_types_name_the_expected_shape(models):
    model = models["mlp"]
    with pytest.raises(ValueError, match=r"^x: expected shape \(N, 2\) or \(2,\), got \(5, 3\)$"):
        model.hamiltonian(np.zeros((5, 3)))
    with pytest.raises(ValueError, match=r"got \(3,\)$"):
        model.gradient(np.zeros(3))
    with pytest.raises(ValueError, match=r"got \(2, 2, 2\)$"):
        model.field(np.zeros((2, 2, 2)))
    with pytest.raises(ValueError, match=r"got \(\)$"):
        model.field(1.0)
    with pytest.raises(TypeError, match="x: expected real numbers, got an array of dtype <U"):
        model.hamiltonian([["a", "b"]])
    with pytest.raises(TypeError, match="dtype complex128"):
        model.gradient(np.zeros((1, 2), dtype=complex))
    with pytest.raises(ValueError, match=r"^x0: expected shape \(2,\), got \(1, 2\)$"):
        model.rollout([[1.0, 0.0]], [0, 1])
    with pytest.raises(ValueError, match=r"^t: expected shape \(T,\), got \(2, 1\)$"):
        model.rollout([1.0, 0.0], [[0], [1]])
    with pytest.raises(ValueError, match="non-decreasing"):
        model.rollout([1.0, 0.0], [0, 1, 0.5])
    with pytest.raises(hnn.ConfigError, match="unknown integrator 'rk4S'") as caught:
        model.rollout([1.0, 0.0], [0, 1], integrator="rk4S")
    assert caught.value.problems[0].path == "rollout.integrator.plugin"
    with pytest.raises(TypeError, match="integrator: expected None, a plugin name or a dict"):
        model.rollout([1.0, 0.0], [0, 1], integrator=3)


def test_a_model_the_run_does_not_have_is_a_key_error(run):
    with pytest.raises(KeyError, match="no model 'mpl' \\(its models: mlp, kan, base, damped\\)"):
        run.model("mpl")


def test_a_missing_checkpoint_is_file_not_found(run, tmp_path):
    copy = tmp_path / "run"
    shutil.copytree(run.path, copy)
    (copy / "checkpoints" / "kan.yaml").unlink()
    with pytest.raises(FileNotFoundError, match="no checkpoint of the model") as caught:
        hnn.open_run(copy).model("kan")
    assert caught.value.filename == str(copy / "checkpoints" / "kan.yaml")
    with pytest.raises(FileNotFoundError, match="no such checkpoint file"):
        hnn.load_model(tmp_path / "nowhere.yaml")


def test_a_malformed_checkpoint_is_a_located_config_error(run, tmp_path):
    copy = tmp_path / "run"
    shutil.copytree(run.path, copy)
    file = copy / "checkpoints" / "mlp.yaml"
    lines = file.read_text().splitlines()
    line = next(i for i, text in enumerate(lines) if text.startswith("parameters:"))
    lines[line] = lines[line].replace("[", "[x, ", 1)
    file.write_text("\n".join(lines) + "\n")
    with pytest.raises(hnn.ConfigError) as caught:
        hnn.open_run(copy).model("mlp")
    problem = caught.value.problems[0]
    assert problem.file == str(file)
    assert problem.line == line + 1
    assert problem.path == "parameters"
    assert "expected a real, found 'x'" in problem.message
    with pytest.raises(hnn.ConfigError, match="expected a real, found 'x'"):
        hnn.load_model(file)


def test_a_checkpoint_that_does_not_match_its_pipeline(run, tmp_path):
    copy = tmp_path / "run"
    shutil.copytree(run.path, copy)
    shutil.copy(copy / "checkpoints" / "kan.yaml", copy / "checkpoints" / "mlp.yaml")
    with pytest.raises(hnn.ConfigError, match="the checkpoint holds a 'kan' model"):
        hnn.open_run(copy).model("mlp")


def test_load_model_finds_the_run_of_a_checkpoint(run, models):
    model = hnn.load_model(run.path / "checkpoints" / "damped.yaml")
    assert model.coordinates == ["q", "p"]
    np.testing.assert_array_equal(model.field(STATES, 0.4), models["damped"].field(STATES, 0.4))


@pytest.mark.parametrize("name", ["mlp", "kan"])
def test_a_checkpoint_alone_loads_with_the_default_training(run, models, tmp_path, name):
    file = tmp_path / f"{name}.yaml"
    shutil.copy(run.path / "checkpoints" / f"{name}.yaml", file)
    model = hnn.load_model(file)
    assert (model.name, model.kind, model.coordinates) == (name, "hnn", [])
    np.testing.assert_array_equal(model.hamiltonian(STATES), models[name].hamiltonian(STATES))
    np.testing.assert_array_equal(model.field(STATES), models[name].field(STATES))
    np.testing.assert_array_equal(model.rollout([1.0, 0.0], [0, 0.5, 1]),
                                  models[name].rollout([1.0, 0.0], [0, 0.5, 1]))


def test_a_checkpoint_with_dissipation_needs_its_run(run, tmp_path):
    file = tmp_path / "damped.yaml"
    shutil.copy(run.path / "checkpoints" / "damped.yaml", file)
    with pytest.raises(hnn.ConfigError, match="learned damping or forcing") as caught:
        hnn.load_model(file)
    assert caught.value.problems[0].path == "dissipation_parameters"
