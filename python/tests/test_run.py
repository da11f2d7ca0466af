"""hnn.check() and hnn.run(): a pipeline from a dict and from a file, validated and run by
the host's own code, and what the run folder holds read back."""
import csv
import math

import numpy as np
import pytest

import hnn


def read_csv_as_text(path):
    with open(path, newline="") as file:
        rows = list(csv.reader(file))
    return rows[0], rows[1:]


def test_check_fills_in_the_defaults(quick_pipeline):
    resolved = hnn.check(quick_pipeline)
    assert resolved["name"] == "python_quick"
    (stage,) = resolved["training"]["stages"]
    assert stage["optimizer"] == {"plugin": "adam", "epochs": 5, "lr": 0.01, "beta1": 0.9,
                                  "beta2": 0.999, "eps": 1e-08, "weight_decay": 0.0}
    assert resolved["training"]["objective"] == "hnn"  # defaults, filled in
    assert resolved["models"]["mlp"]["hidden"] == [8]
    assert resolved["models"]["mlp"]["activation"] == "tanh"


def test_a_run_from_a_dict_reads_back_as_its_files_say(quick_pipeline, tmp_path):
    run = hnn.run(quick_pipeline, output=tmp_path / "run")
    assert run.path == tmp_path / "run"
    summary = run.summary
    assert summary["pipeline"] == "python_quick"
    assert summary["system"] == "spring_mass"
    model = summary["models"]["mlp"]
    assert model["trained"] is True
    assert model["epochs"] == 5

    # history.csv: every column, every number, as the file has it.
    header, rows = read_csv_as_text(run.path / "history.csv")
    assert list(run.history) == header
    assert len(run.history["epoch"]) == len(rows)
    for index, name in enumerate(header):
        column = run.history[name]
        for row, value in zip(rows, column):
            if name == "model":
                assert value == row[index]
            elif row[index] == "":
                assert math.isnan(value)
            else:
                assert value == float(row[index])
    assert run.history["epoch"].dtype == np.float64
    assert list(run.history["model"]) == ["mlp"] * len(rows)
    assert run.history["epoch"][-1] == 5
    assert run.history["train_loss"][-1] == model["final_train_loss"]

    # summary.yaml's numbers as the file writes them.
    text = (run.path / "summary.yaml").read_text()
    assert f"final_train_loss: {model['final_train_loss']!r}" in text
    assert f"parameters: {model['parameters']}" in text

    data = run.data
    assert set(data["split"]) == {"train", "test"}
    assert {"t", "q", "p", "dq_dt", "dp_dt"} <= set(data)
    trajectories = run.trajectories
    assert len(trajectories["t"]) == 20
    assert trajectories["truth_q"][0] == 1.0 and trajectories["mlp_q"][0] == 1.0
    assert run.pipeline["models"]["mlp"]["plugin"] == "mlp"


def test_a_run_from_a_file_equals_the_run_from_the_dict(quick_pipeline, quick_pipeline_file,
                                                        tmp_path):
    from_dict = hnn.run(quick_pipeline, output=tmp_path / "dict")
    from_file = hnn.run(quick_pipeline_file, output=tmp_path / "file")
    for column in ["train_loss", "test_loss", "penalty"]:
        np.testing.assert_array_equal(from_dict.history[column], from_file.history[column])
    np.testing.assert_array_equal(from_dict.trajectories["mlp_q"], from_file.trajectories["mlp_q"])
    assert from_file.summary["models"]["mlp"]["final_test_loss"] == \
        from_dict.summary["models"]["mlp"]["final_test_loss"]


def test_an_existing_run_folder_is_replaced_only_with_force(quick_pipeline, tmp_path):
    hnn.run(quick_pipeline, output=tmp_path / "run")
    with pytest.raises(hnn.ConfigError):
        hnn.run(quick_pipeline, output=tmp_path / "run")
    quick_pipeline["training"]["optimizer"]["epochs"] = 3
    assert hnn.run(quick_pipeline, output=tmp_path / "run", force=True).summary[
        "models"]["mlp"]["epochs"] == 3


def test_a_diverged_model_is_a_run_error_with_the_complete_folder(quick_pipeline, tmp_path):
    quick_pipeline["training"]["l1"] = 1e308  # its penalty is not finite: diverges at once
    with pytest.raises(hnn.RunError, match="mlp: diverged") as caught:
        hnn.run(quick_pipeline, output=tmp_path / "run")
    assert caught.value.run_folder.summary["models"]["mlp"]["termination"] == "diverged"


def test_overrides_set_keys_as_hnn_host_set_does(quick_pipeline, quick_pipeline_file, tmp_path):
    overrides = {"models.mlp.hidden": [4, 5], "training.optimizer.epochs": 2,
                 "models.mlp.activation": "softplus", "output.export": True}
    for pipeline in (quick_pipeline, quick_pipeline_file):
        resolved = hnn.check(pipeline, overrides=overrides)
        assert resolved["models"]["mlp"]["hidden"] == [4, 5]
        assert resolved["models"]["mlp"]["activation"] == "softplus"
        assert resolved["training"]["stages"][0]["optimizer"]["epochs"] == 2
        assert resolved["output"]["export"] is True
    run = hnn.run(quick_pipeline, output=tmp_path / "run", quiet=True, overrides=overrides)
    assert run.summary["models"]["mlp"]["epochs"] == 2
    assert (run.path / "export" / "mlp.hpp").is_file()
    assert quick_pipeline["models"]["mlp"]["hidden"] == [8]  # the dict is not changed

    with pytest.raises(hnn.ConfigError) as error:
        hnn.check(quick_pipeline, overrides={"models.mlp.hidden": -3})
    (problem,) = error.value.problems
    assert problem.file == "--set 'models.mlp.hidden=-3'"
    assert (problem.line, problem.column) == (1, 19)
    assert problem.path == "models.mlp.hidden"
    with pytest.raises(TypeError, match="one by one"):
        hnn.check(quick_pipeline, overrides={"models.mlp": {"hidden": [4]}})
