"""Ctrl-C during hnn.run stops the run at the end of an epoch, raises hnn.RunInterrupted
with the run folder, and hnn.resume continues it to the uninterrupted run's numbers; the
run's progress goes to sys.stdout (what a notebook cell shows)."""
import _thread
import signal
import subprocess
import sys
import textwrap
import threading
import time

import numpy as np
import pytest

import hnn

# About 8 000 Adam epochs of a 2-64-64-2 MLP: a few seconds, long enough to interrupt.
LONG = {
    "name": "python_interrupt",
    "system": {"plugin": "spring_mass"},
    "data": {"trajectories": 10, "points": 20, "time_span": [0, 3], "seed": 3},
    "training": {"optimizer": {"plugin": "adam", "epochs": 8000, "lr": 0.001}},
    "models": {"mlp": {"plugin": "mlp", "hidden": [64, 64]},
               "kan": {"plugin": "kan", "width": [2, 1, 2]}},
    "evaluation": {"initial_state": [1.0, 0.0], "points": 20, "time_span": [0, 1]},
}


class when_started:
    """Calls action() from another thread as soon as the run has written pipeline.yaml;
    never after the with-block (a run that failed early must not be interrupted later)."""

    def __init__(self, folder, action):
        self.folder, self.action = folder, action
        self.done = threading.Event()
        self.thread = threading.Thread(target=self.watch, daemon=True)

    def watch(self):
        while not (self.folder / "pipeline.yaml").exists():
            if self.done.wait(0.001):
                return
        self.action()

    def __enter__(self):
        self.thread.start()

    def __exit__(self, *exception):
        self.done.set()
        self.thread.join()


def test_ctrl_c_stops_the_run_and_resume_gives_the_uninterrupted_numbers(tmp_path):
    folder = tmp_path / "interrupted"
    with pytest.raises(hnn.RunInterrupted) as stopped:
        with when_started(folder, _thread.interrupt_main):  # as Ctrl-C does
            hnn.run(LONG, output=folder, quiet=True)
    assert isinstance(stopped.value, KeyboardInterrupt)
    assert stopped.value.run_folder.path == folder
    assert "hnn.resume(" in str(stopped.value)
    summary = stopped.value.run_folder.summary
    assert summary["interrupted"] is True
    mlp = summary["models"]["mlp"]
    assert mlp["interrupted"] is True and 0 < mlp["epochs"] < 8000
    assert summary["not_started"] == ["kan"]

    resumed = hnn.resume(folder, quiet=True)
    whole = hnn.run(LONG, output=tmp_path / "whole", quiet=True)
    assert "interrupted" not in resumed.summary
    for name in ("mlp", "kan"):
        assert resumed.summary["models"][name]["epochs"] == 8000
        assert resumed.summary["models"][name]["final_train_loss"] == \
            whole.summary["models"][name]["final_train_loss"]
    np.testing.assert_array_equal(resumed.history["train_loss"], whole.history["train_loss"])


def test_a_real_sigint_to_the_process_is_a_ctrl_c(tmp_path):
    folder = tmp_path / "run"
    script = textwrap.dedent(f"""
        import hnn, sys
        try:
            hnn.run({LONG!r}, output={str(folder)!r}, quiet=True)
        except hnn.RunInterrupted as stopped:
            print("interrupted", stopped.run_folder.summary["interrupted"])
            sys.exit(0)
        print("finished")
    """)
    process = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while not (folder / "pipeline.yaml").exists() and process.poll() is None \
            and time.monotonic() < deadline:
        time.sleep(0.001)
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=120)
    assert process.returncode == 0, err
    assert out.strip() == "interrupted True"
    assert "hnn: stopping at the end of the current epoch" in err


def test_progress_goes_to_sys_stdout(capsys, tmp_path, quick_pipeline, monkeypatch):
    hnn.run(quick_pipeline, output=tmp_path / "plain")
    out = capsys.readouterr().out  # sys.stdout, not the process's file descriptor 1
    assert "data: 20 train and 20 test samples of spring_mass" in out
    assert "mlp: 5 epochs (epochs), train " in out
    assert "\r" not in out

    monkeypatch.setattr(hnn, "_live_output", lambda: True)  # a terminal or a notebook
    hnn.run(quick_pipeline, output=tmp_path / "live")
    out = capsys.readouterr().out
    assert "\rmlp (mlp 2-8-2 tanh)  epoch 5/5  train " in out
    assert "mlp: 5 epochs (epochs), train " in out

    hnn.run(quick_pipeline, output=tmp_path / "quiet", quiet=True)
    assert capsys.readouterr().out == ""
