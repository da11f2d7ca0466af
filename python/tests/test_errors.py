"""Errors from Python: a bad pipeline is an hnn.ConfigError carrying every located
problem; a run folder that is not there is FileNotFoundError."""
import pytest

import hnn


def test_a_bad_file_gives_the_line_column_and_key_path(quick_pipeline_file):
    text = quick_pipeline_file.read_text().replace("lr: 0.01", "lr: -1.0")
    quick_pipeline_file.write_text(text)
    with pytest.raises(hnn.ConfigError) as caught:
        hnn.check(quick_pipeline_file)
    (problem,) = caught.value.problems
    assert problem.file == str(quick_pipeline_file)
    assert (problem.line, problem.column) == (6, 35)
    assert problem.path == "training.optimizer.lr"
    assert problem.message == "expected a real > 0, found '-1.0'"
    assert str(caught.value).startswith(f"{quick_pipeline_file}:6:35: error: training.optimizer.lr: ")
    message, problems = caught.value.args
    assert problems == caught.value.problems
    with pytest.raises(hnn.ConfigError):
        hnn.run(quick_pipeline_file, output=quick_pipeline_file.parent / "never")
    assert not (quick_pipeline_file.parent / "never").exists()


def test_a_bad_dict_gives_every_problem_with_its_key_path(quick_pipeline):
    quick_pipeline["training"]["optimizer"]["lr"] = -1.0
    quick_pipeline["models"]["mlp"]["hiden"] = [8]
    with pytest.raises(hnn.ConfigError) as caught:
        hnn.check(quick_pipeline)
    problems = {p.path: p for p in caught.value.problems}
    assert set(problems) == {"training.optimizer.lr", "models.mlp.hiden"}
    assert "did you mean 'hidden'" in problems["models.mlp.hiden"].message
    # Their lines and columns point into hnn.pipeline_yaml(pipeline), named "<dict>".
    lines = hnn.pipeline_yaml(quick_pipeline).splitlines()
    for key, problem in problems.items():
        assert problem.file == "<dict>"
        at = lines[problem.line - 1][problem.column - 1:]
        assert at.startswith('"hiden"' if key.endswith("hiden") else "-1.0")


def test_a_pipeline_must_be_a_dict_or_a_path():
    with pytest.raises(TypeError):
        hnn.check(["name"])
    with pytest.raises(TypeError, match="not set"):
        hnn.check({"name": {1, 2}})


def test_a_missing_run_folder_is_file_not_found(tmp_path):
    with pytest.raises(FileNotFoundError, match="no such run folder") as caught:
        hnn.open_run(tmp_path / "nowhere")
    assert caught.value.filename == str(tmp_path / "nowhere")
    with pytest.raises(ValueError, match="not a run folder"):
        hnn.open_run(tmp_path)
    (tmp_path / "file").write_text("")
    with pytest.raises(NotADirectoryError):
        hnn.open_run(tmp_path / "file")


def test_a_missing_or_malformed_file_of_a_run_folder(tmp_path):
    (tmp_path / "pipeline.yaml").write_text("name: x\n")
    (tmp_path / "history.csv").write_text("epoch,train_loss\n0,1.5\n1\n")
    run = hnn.open_run(tmp_path)
    assert run.pipeline == {"name": "x"}
    with pytest.raises(FileNotFoundError, match="summary.yaml"):
        run.summary
    with pytest.raises(ValueError, match="history.csv:3"):
        run.history
