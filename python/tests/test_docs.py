"""docs/python.md runs: every ```python block, in order and in one namespace, like the cells
of a notebook, in a fresh folder that has the repository's configs/ (the walkthrough trains
configs/spring_study.yaml); the checks in the blocks are the page's own."""
import os
import pathlib
import re

SOURCE = pathlib.Path(os.environ.get("HNN_SOURCE_DIR", pathlib.Path(__file__).parents[2]))
DOC = SOURCE / "docs" / "python.md"


def python_blocks():
    return re.findall(r"^```python\n(.*?)^```", DOC.read_text(), flags=re.S | re.M)


def test_every_python_snippet_of_the_doc_runs(tmp_path, monkeypatch, capsys):
    blocks = python_blocks()
    assert len(blocks) >= 8, f"{DOC} has {len(blocks)} python blocks"
    (tmp_path / "configs").symlink_to(SOURCE / "configs", target_is_directory=True)
    monkeypatch.chdir(tmp_path)
    notebook = {}
    for block in blocks:
        exec(compile(block, str(DOC), "exec"), notebook)
    printed = capsys.readouterr().out
    assert "training.optimizer.lr" in printed
    assert (tmp_path / "runs" / "quick" / "summary.yaml").is_file()
    # The walkthrough: the study trained, its formula printed and exported.
    assert re.search(r"^1\.00\*q\^2 \+ 1\.00\*p\^2 \+ \d+\.\d\d$", printed, flags=re.M)
    assert re.search(r"^mlp +\d+ epochs, test loss ", printed, flags=re.M)
    assert (tmp_path / "runs" / "spring_study" / "export" / "kan.hpp").is_file()
