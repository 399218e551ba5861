"""The sweep engine's options: one frozen, validated object that the runner builds and passes down
to every run_sweep (the memory budget, the chunk folder, seeds per block, calls per sweep)."""

import dataclasses
import os
from pathlib import Path
from typing import ClassVar

from synthlaw.settings import Settings, at_least, rule


@dataclasses.dataclass(frozen=True)
class SweepOptions(Settings):
    """memory_budget: bytes the replicates of one compiled call may use; checkpoint: the folder
    where finished chunks are saved and found again (None: no resume); seed_block: seeds a lax.map
    step computes together (benchmarks/sweep_speed.py measures 1, 2, 4, 8); chunks: compiled
    calls a sweep is cut into when no chunk size is given (the progress and resume unit)."""

    owner: ClassVar[str] = "sweep"
    memory_budget: int = at_least(1, "bytes", default=4 * 2**30)
    checkpoint: Path | None = rule(lambda v: True, "a folder, or None for no resume", default=None)
    seed_block: int = at_least(1, "seeds a lax.map step computes together", default=1)
    chunks: int = at_least(1, "compiled calls a sweep is cut into", default=8)

    def __post_init__(self):
        if isinstance(self.checkpoint, (str, os.PathLike)):
            object.__setattr__(self, "checkpoint", Path(self.checkpoint))
        elif self.checkpoint is not None:
            self.fail("checkpoint", "must be a folder, or None for no resume")
        super().__post_init__()
