"""Progress inside a long measurement: units done, rate and time left, on one terminal line.

The runner opens a line per claim with `progress_line`; the sweep engine (chunks), the
transformer training loops (blocks of steps) and GEN-2's per-seed loop call `report`. Where the
stream is not a terminal (logs, CI, pipes) nothing is written at all.

The open line travels in a ContextVar, not as an argument: it is a display sink that only
receives, and no result depends on it (everything a sweep computes with arrives explicitly, in
sims/engine/options.py's SweepOptions).
"""

import contextlib
import contextvars
import sys
import time

REFRESH_SECONDS = 0.2  # a terminal line is redrawn at most this often (and always at the end)


class Line:
    """One redrawn line, 'label: stage done/total, rate/s, ~left s left; inner stage ...', with
    a part for each unfinished stage (a claim's seeds, then a transformer's training steps)."""

    def __init__(self, label: str, stream):
        self.label, self.stream = label, stream
        self.stages, self.drawn, self.width = {}, 0.0, 0

    def update(self, stage: str, done: int, total: int) -> None:
        now = time.perf_counter()
        if stage not in self.stages or done <= 1:
            self.stages.pop(stage, None)
            self.stages[stage] = {"first": (now, done)}  # the rate skips the first unit (it compiles)
        self.stages[stage]["last"] = (done, total)
        if done < total and now - self.drawn < REFRESH_SECONDS:
            return
        parts = [part_text(name, now, **state) for name, state in self.stages.items()
                 if name == stage or state["last"][0] < state["last"][1]]
        text = f"      {self.label}: " + "; ".join(parts)
        self.stream.write("\r" + text.ljust(self.width))
        self.stream.flush()
        self.drawn, self.width = now, len(text)

    def clear(self) -> None:
        if self.width:
            self.stream.write("\r" + " " * self.width + "\r")
            self.stream.flush()


_LINE: contextvars.ContextVar[Line | None] = contextvars.ContextVar("progress_line", default=None)


def part_text(stage: str, now: float, *, first: tuple, last: tuple) -> str:
    """'stage done/total', with the rate and time left once a unit after the first is done."""
    (start, start_done), (done, total) = first, last
    text = f"{stage} {done}/{total}"
    if done > start_done and now > start:
        rate = (done - start_done) / (now - start)
        text += f", {rate:.3g}/s, ~{(total - done) / rate:.0f} s left"
    return text


@contextlib.contextmanager
def progress_line(label: str, stream=None):
    """Within the block, report() redraws one line on stream (stderr) if it is a terminal."""
    stream = sys.stderr if stream is None else stream
    if not stream.isatty():
        yield
        return
    line = Line(label, stream)
    token = _LINE.set(line)
    try:
        yield
    finally:
        _LINE.reset(token)
        line.clear()


def report(stage: str, done: int, total: int) -> None:
    """done of total units of stage are finished; a no-op outside a terminal progress_line."""
    line = _LINE.get()
    if line is not None:
        line.update(stage, done, total)
