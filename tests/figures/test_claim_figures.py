"""Each verify figure states its verdict, its interval levels and its checks' values; IMB-2 shows the
cost without oversampling; every line of AUG-2's curve panel is named in a legend; rendering a
figure leaves matplotlib's global settings as they were."""

from types import SimpleNamespace

import matplotlib
import numpy as np

from synthlaw.figures.claims import claim_figure
from synthlaw.figures.style import RC, png
from synthlaw.theory.claims import registry
from synthlaw.theory.claims.check import Check
from synthlaw.theory.stats.intervals import Estimate


def grid_table(x_name, xs, seeds=4, **extra):
    """A tidy table: every x for every seed, excess falling in x."""
    seed_r, x_r = np.repeat(np.arange(seeds), len(xs)), np.tile(np.asarray(xs), seeds)
    rng = np.random.default_rng(0)
    return {"seed": seed_r, x_name: x_r, "excess": 1.0 / x_r * (1 + 0.1 * rng.standard_normal(len(x_r))),
            **{k: np.resize(np.asarray(v), len(x_r)) for k, v in extra.items()}}


def imb2_outcome():
    claim = registry()["IMB-2"]
    config = claim.config(True, {"n_min": [500, 1000, 2000]})
    checks = [Check("n_min 500..2000", "log-log slope in n", -1.0, Estimate(-1.02, -1.3, -0.8), "absolute", rival=-0.5),
              Check("n_min 500..2000", "whole curve", 1.0, Estimate(1.4, 1.2, 1.6), "relative")]
    prediction = {"excess": 1.0 / np.array([500.0, 1000, 2000]), "no_oversampling": 0.0537}
    return SimpleNamespace(claim=claim, config=config, columns=grid_table("n_min", config.n_min), checks=checks,
                           prediction=prediction, verdict="FAIL")


def test_a_figure_states_verdict_levels_and_each_checks_values():
    outcome = imb2_outcome()
    head = claim_figure(outcome).get_suptitle()
    assert head.startswith("IMB-2: FAIL. Error bars: 95% intervals over 4 seeds; checks: 99.9% intervals")
    assert "PASS  n_min 500..2000: log-log slope in n: predicted -1, measured -1.02 [-1.3, -0.8]; rival -0.5" in head
    assert "FAIL  n_min 500..2000: whole curve: predicted 1, measured 1.4 [1.2, 1.6]" in head


def test_imb2_shows_the_cost_without_oversampling():
    outcome = imb2_outcome()
    (ax,) = outcome.claim.figure(outcome).axes
    lines = {line.get_label(): line for line in ax.get_lines()}
    label = "no oversampling: E(rho, Delta), n -> inf"
    assert label in lines and np.allclose(lines[label].get_ydata(), 0.0537)


def test_every_line_of_aug2_is_named():
    claim = registry()["AUG-2"]
    config = claim.quick
    curve = grid_table("n_syn", config.n_syn, panel="curve", n_gen=config.n_gen[0])
    second = grid_table("n_syn", config.n_syn, panel="curve", n_gen=config.n_gen[1])
    floor = grid_table("n_gen", config.n_gen_floor, panel="floor", n_syn=config.n_syn[-1])
    columns = {k: np.concatenate([curve[k], second[k], floor[k]]) for k in curve}
    columns["excess_controlled"] = columns["excess"]
    g_0, g_1 = config.n_gen
    prediction = {"curve": {g: 1.0 / np.asarray(config.n_syn, float) for g in config.n_gen}, "b": {g_0: -9.9, g_1: 1.2},
                  "a": {g_0: 1e-3, g_1: 1e-5}, "no_augmentation": {g_0: 2e-3, g_1: 3e-3},
                  "floor": 1.0 / np.asarray(config.n_gen_floor, float)}
    fig = claim.figure(SimpleNamespace(claim=claim, config=config, columns=columns, prediction=prediction))
    curves = fig.axes[0]
    named = {text.get_text() for text in fig.legends[0].get_texts()}
    in_error_bars = {id(artist) for c in curves.containers for artist in c.get_children()}
    drawn = [line.get_label() for line in curves.get_lines() if id(line) not in in_error_bars]
    drawn += [c.get_label() for c in curves.containers]
    assert len(drawn) == 8 and all(not label.startswith("_") and label in named for label in drawn)


def test_a_figure_renders_to_png_in_the_style_without_changing_global_settings():
    before = dict(matplotlib.rcParams)
    drawn = []

    def draw(outcome):
        figure = claim_figure(outcome)
        drawn.append(figure.axes[0].title.get_fontsize())
        return figure

    assert png(draw, imb2_outcome()).startswith(b"\x89PNG")
    assert drawn == [RC["axes.titlesize"]] and RC["axes.titlesize"] != before["axes.titlesize"]
    assert dict(matplotlib.rcParams) == before


def test_many_panels_wrap_into_rows_of_three():
    """GEN-2's five panels were one 3431 px row; at 1200 px wide its text was unreadable."""
    from synthlaw.figures.style import PANEL_INCHES, panels

    fig, axes = panels(5)
    assert len(axes) == 5 and len(fig.axes) == 5  # the sixth cell is removed
    assert tuple(fig.get_size_inches()) == (3 * PANEL_INCHES[0], 2 * PANEL_INCHES[1])
    fig, axes = panels(2)
    assert tuple(fig.get_size_inches()) == (2 * PANEL_INCHES[0], PANEL_INCHES[1])
