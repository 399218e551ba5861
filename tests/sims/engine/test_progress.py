"""Progress lines: drawn on a terminal with counts, rate and time left; nothing elsewhere."""

import io

import jax
import numpy as np

from synthlaw.sims.engine import progress
from synthlaw.sims.engine.options import SweepOptions
from synthlaw.sims.engine.sweep import run_sweep


class Terminal(io.StringIO):
    def isatty(self):
        return True


def noisy(point, *, key):
    return {"value": jax.random.normal(key) + point["m"]}


def four_chunks():
    run_sweep(noisy, key=jax.random.key(0), n_seeds=4, grid={"m": np.arange(2.0)}, options=SweepOptions(),
              name="noisy", chunk_size=2)


def test_a_terminal_sees_every_chunk_of_a_sweep_and_the_line_is_cleared(monkeypatch):
    monkeypatch.setattr(progress, "REFRESH_SECONDS", 0.0)
    stream = Terminal()
    with progress.progress_line("AUG-1", stream):
        four_chunks()
    text = stream.getvalue()
    assert [f"sweep chunks {i}/4" in text for i in range(1, 5)] == [True] * 4
    assert "AUG-1: " in text and "/s, ~" in text and " s left" in text
    assert text.endswith("\r")  # cleared: the next line of the log starts clean


def test_nested_stages_share_the_line(monkeypatch):
    monkeypatch.setattr(progress, "REFRESH_SECONDS", 0.0)
    line = progress.Line("GEN-2", Terminal())
    line.update("seeds", 1, 3)
    line.update("training steps", 200, 1000)
    assert "seeds 1/3" in line.stream.getvalue().split("\r")[-1]
    assert "training steps 200/1000" in line.stream.getvalue().split("\r")[-1]


def test_logs_and_pipes_get_nothing():
    stream = io.StringIO()
    with progress.progress_line("AUG-1", stream):
        four_chunks()
        progress.report("training steps", 1, 2)
    assert stream.getvalue() == ""
    progress.report("outside any line", 1, 2)  # a no-op
