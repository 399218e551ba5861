"""PaperSettings: errors name the field; the generator runs pair every method with every fit-on mode."""

from pathlib import Path

import pytest

from synthlaw.settings import ConfigError
from synthlaw.tables.generators import METHODS
from synthlaw.tables.settings import PaperSettings

FOLDER = Path("data")


def test_runs_pair_every_method_with_every_fit_on_mode_and_name_their_files():
    settings = PaperSettings(label="y", data=FOLDER, generators=(METHODS["smote"], METHODS["ros"]),
                             fit_on=("seed", "use"))
    assert [run.name for run in settings.runs] == ["smote_seed", "smote_use", "ros_seed", "ros_use"]
    assert [run.method.kind.value for run in settings.runs[::2]] == ["per class", "per class"]
    assert PaperSettings(label="y", data=FOLDER, generators=()).runs == ()
    assert settings.tasks == ("imbalance",)
    assert PaperSettings(label="y", data=FOLDER, spurious="s").tasks == ("imbalance", "spurious")


@pytest.mark.parametrize("change, message", [
    (dict(seed_size=1), "paper.seed_size = 1: must be an integer, >= 2"),
    (dict(test_fraction=1.5), "paper.test_fraction = 1.5: must be a number, between 0 and 1"),
    (dict(fit_on=("all",)), "paper.fit_on = 'all': must be a string, one of seed, use"),
    (dict(sweeps=()), "paper.sweeps = []: must be a non-empty list of one of ratio, augmentation"),
    (dict(protocol="pandas"), "paper.protocol = 'pandas': must be a string, one of jax, paper"),
    (dict(generators=("ros",)), "paper.generators = 'ros': must be a Method"),
    (dict(csv=Path("t.csv")), "paper.data = PosixPath('data'): give a data folder or a csv table, one of them"),
])
def test_errors_name_the_field_the_value_and_what_is_allowed(change, message):
    with pytest.raises(ConfigError) as raised:
        PaperSettings(**{"label": "y", "data": FOLDER, **change})
    assert str(raised.value).startswith(message), str(raised.value)
