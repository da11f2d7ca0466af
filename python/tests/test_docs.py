"""Every ```python block of docs/python.md runs (in a fresh folder) without an error."""
import os
import pathlib
import re

DOC = pathlib.Path(os.environ.get("HNN_SOURCE_DIR", pathlib.Path(__file__).parents[2])) / "docs" / "python.md"


def python_blocks():
    return re.findall(r"^```python\n(.*?)^```", DOC.read_text(), flags=re.S | re.M)


def test_every_python_snippet_of_the_doc_runs(tmp_path, monkeypatch, capsys):
    blocks = python_blocks()
    assert blocks, f"{DOC} has no python block"
    monkeypatch.chdir(tmp_path)
    for block in blocks:
        exec(compile(block, str(DOC), "exec"), {})
    printed = capsys.readouterr().out
    assert "training.optimizer.lr" in printed
    assert (tmp_path / "runs" / "quick" / "summary.yaml").is_file()
