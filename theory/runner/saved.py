"""Saved results: the claims a folder holds, a claim's outcome rebuilt from them, cached predictions.

A verify folder holds OUT/CLAIM/table.csv and meta.json (see runner/verify.py) and, beside them,
prediction.json: the claim's prediction for that config, tagged with a hash of the config and the
source fingerprint. predict is a pure function of both (closed forms, no sweep), so the file records
what the report judged against and spares recomputing it; a changed config or source computes it anew.
"""

import json
import time
from pathlib import Path
from typing import Any

import numpy as np

from synthlaw.sims.engine.fingerprint import source_fingerprint
from synthlaw.sims.engine.hosts import agreed
from synthlaw.sims.engine.store import config_hash, read_json, read_table, write_atomic
from synthlaw.theory.claims.check import Claim
from synthlaw.theory.claims.spec import Config
from synthlaw.theory.runner.outcome import Outcome


def saved_claim_ids(out_dir: Path, registry: dict) -> list[str]:
    """Ids of the claims (in registry order) whose table.csv and meta.json are in out_dir."""
    out_dir = Path(out_dir)
    return [i for i in registry if (out_dir / i / "table.csv").is_file() and (out_dir / i / "meta.json").is_file()]


def saved_chunks(folder: Path) -> int:
    """How many finished sweep chunks (.../chunks/.../NNNNN.npz) lie under folder."""
    return sum(1 for path in Path(folder).rglob("*.npz") if "chunks" in path.parts)


def saved_config(claim: Claim, meta: dict) -> Config:
    """The config a saved table was measured with, validated again (ConfigError if no longer valid)."""
    return claim.quick.with_overrides(meta["config"])


def prediction_hash(claim: Claim, config: Config) -> str:
    return config_hash({"claim": claim.id, "config": config.as_dict(), "source": source_fingerprint()})


def saved_prediction(claim: Claim, config: Config, folder: Path) -> dict | None:
    """The prediction in folder/prediction.json when its hash matches claim, config and source, else None."""
    path = Path(folder) / "prediction.json"
    saved = agreed(path.is_file() and read_json(path).get("hash") == prediction_hash(claim, config))
    return decode(read_json(path)["prediction"]) if saved else None


def save_prediction(claim: Claim, config: Config, folder: Path, prediction: dict) -> dict:
    """Writes prediction to folder/prediction.json with its hash, and returns it."""
    digest = prediction_hash(claim, config)
    write_atomic(Path(folder) / "prediction.json",
                 json.dumps({"hash": digest, "prediction": encode(prediction)}, indent=1) + "\n")
    return prediction


def cached_prediction(claim: Claim, config: Config, folder: Path) -> dict:
    """claim.predict(config), read from folder/prediction.json when its hash matches, else computed and saved."""
    saved = saved_prediction(claim, config, folder)
    return saved if saved is not None else save_prediction(claim, config, folder, claim.predict(config))


def load_outcome(claim: Claim, out_dir: Path) -> Outcome:
    """A claim's outcome from its saved table: nothing measured; predicted (or cached) and judged again."""
    start = time.perf_counter()
    folder = Path(out_dir) / claim.id
    meta = read_json(folder / "meta.json")
    config = saved_config(claim, meta)
    columns = read_table(folder / "table.csv")
    prediction = cached_prediction(claim, config, folder)
    checks = claim.judge(columns, config, prediction)
    return Outcome(claim, config, columns, prediction, checks, time.perf_counter() - start, reused=True,
                   meta=meta, rerun=False)


# A prediction is a dict of floats, arrays and dicts keyed by numbers or names; JSON keeps only
# string keys and lists, so keys and arrays are tagged and come back with their types.

def encode(value):
    if isinstance(value, dict):
        return {"dict": [[encode(k), encode(v)] for k, v in value.items()]}
    if isinstance(value, (list, tuple)):
        return {"list": [encode(v) for v in value]}
    if isinstance(value, (np.ndarray, np.generic)) or type(value).__module__.startswith("jax"):
        array = np.asarray(value)
        return {"array": array.tolist(), "dtype": array.dtype.str}
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    raise TypeError(f"cannot save a prediction value of type {type(value).__name__}")


def decode(value) -> Any:
    if not isinstance(value, dict):
        return value
    if "dict" in value:
        return {decode(k): decode(v) for k, v in value["dict"]}
    if "list" in value:
        return [decode(v) for v in value["list"]]
    array = np.array(value["array"], dtype=np.dtype(value["dtype"]))
    return array[()] if array.ndim == 0 else array
