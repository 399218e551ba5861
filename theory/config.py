"""Claim configs: defaults merged with user overrides, checked where they enter.

Every failure is one ConfigError line naming the field, the value and what is allowed.
"""

import numbers

from synthlaw.theory.imbalance import GENERATORS


class ConfigError(ValueError):
    """A user-supplied config value is not allowed."""


def _numbers(value):
    return value if isinstance(value, list) else [value]


def _is_int(v):
    return isinstance(v, numbers.Integral) and not isinstance(v, bool)


def _is_real(v):
    return isinstance(v, numbers.Real) and not isinstance(v, bool)


# field -> (test of one value, what is allowed)
RULES = {
    "d": (lambda v: _is_int(v) and v >= 1, "an integer >= 1"),
    "d_for_n": (lambda v: _is_int(v) and v >= 1, "an integer >= 1"),
    "n_min": (lambda v: _is_int(v) and v >= 2, "integers >= 2 (the minority needs two rows)"),
    "n_min_for_d": (lambda v: _is_int(v) and v >= 2, "an integer >= 2"),
    "rho": (lambda v: _is_real(v) and v >= 1, "numbers >= 1 (rho = n_maj / n_min)"),
    "separation": (lambda v: _is_real(v) and v > 0, "numbers > 0 (the Mahalanobis separation Delta)"),
    "shift": (lambda v: _is_real(v) and v > 0, "numbers > 0 (the generator's mean shift delta; "
                                                 "a log-log slope needs delta > 0)"),
    "seeds": (lambda v: _is_int(v) and v >= 2, "an integer >= 2 (intervals need two seeds)"),
    "l2": (lambda v: _is_real(v) and v >= 0, "a number >= 0"),
    "tolerance": (lambda v: _is_real(v) and v >= 0, "a number >= 0"),
    "directions": (lambda v: v in ("parallel", "orthogonal"), "'parallel' or 'orthogonal'"),
    "generators": (lambda v: v in GENERATORS[:-1], f"names among {', '.join(GENERATORS[:-1])}"),
    # GEN-1: the task law, the transformer's size and training, the evaluation
    "tau": (lambda v: _is_real(v) and v > 0, "a number > 0 (prior sd of the task mean)"),
    "sigma": (lambda v: _is_real(v) and v > 0, "a number > 0 (sd of points around the task mean)"),
    "context": (lambda v: _is_int(v) and v >= 3, "an integer >= 3 (points the transformer reads)"),
    "layers": (lambda v: _is_int(v) and v >= 1, "an integer >= 1"),
    "width": (lambda v: _is_int(v) and v >= 1, "an integer >= 1 (divisible by heads)"),
    "heads": (lambda v: _is_int(v) and v >= 1, "an integer >= 1 (dividing width)"),
    "steps": (lambda v: _is_int(v) and v >= 1, "an integer >= 1 (training steps)"),
    "batch": (lambda v: _is_int(v) and v >= 1, "an integer >= 1 (tasks per training step)"),
    "learning_rate": (lambda v: _is_real(v) and v > 0, "a number > 0"),
    "eval_tasks": (lambda v: _is_int(v) and v >= 1, "an integer >= 1 (fresh test tasks per seed)"),
    "factor": (lambda v: _is_real(v) and v >= 1, "a number >= 1 (allowed KL ratio to Bayes)"),
    "slope_slack": (lambda v: _is_real(v) and v >= 0, "a number >= 0"),
    # GEN-2: the tabular transformer's bins and sampling temperature
    "n_bins": (lambda v: _is_int(v) and v >= 2, "an integer >= 2 (quantile bins per column)"),
    "temperature": (lambda v: _is_real(v) and v > 0, "a number > 0 (softmax temperature of sampling)"),
    # SPU-1..3 and AUG-1..3: Setting S and the augmentation sweeps
    "n": (lambda v: _is_int(v) and v >= 4, "integers >= 4 (real training rows)"),
    "n_syn": (lambda v: _is_int(v) and v >= 2 and v % 2 == 0, "even integers >= 2 (synthetic rows, half per class)"),
    "weight": (lambda v: _is_real(v) and v > 0, "a number > 0 (loss weight of a synthetic row)"),
    "n_gen": (lambda v: _is_int(v) and v >= 24, "integers >= 24 (generator-fit rows; n_gen/2 per class must exceed d)"),
    "n_gen_floor": (lambda v: _is_int(v) and v >= 24, "integers >= 24 (generator-fit rows of the floor panel)"),
    "d_core": (lambda v: _is_int(v) and v >= 1, "an integer >= 1"),
    "d_spur": (lambda v: _is_int(v) and v >= 1, "an integer >= 1"),
    "core": (lambda v: _is_real(v) and v > 0, "a number > 0 (||mu_c||)"),
    "spur": (lambda v: _is_real(v) and v >= 0, "a number >= 0 (||mu_s||)"),
    "p": (lambda v: _is_real(v) and 0 < v <= 0.5, "numbers in (0, 0.5] (minority-group mass)"),
    "n_group": (lambda v: _is_int(v) and v >= 2, "an integer >= 2 (rows per group after augmentation)"),
    "n_minor": (lambda v: _is_int(v) and v >= 6, "integers >= 6 (real rows per minority group; the plug-in "
                                                  "needs more rows than d_core + d_spur)"),
}


def merged_config(claim, quick: bool, overrides: dict) -> dict:
    """The claim's quick or full defaults with overrides applied, every field checked."""
    config = dict(claim.quick if quick else claim.full)
    for field, value in overrides.items():
        if field not in config:
            raise ConfigError(f"{claim.id}.{field}: unknown field; allowed: {', '.join(sorted(config))}")
        if isinstance(config[field], list) and not isinstance(value, list):
            value = [value]
        config[field] = value
    for field, value in config.items():
        test, allowed = RULES[field]
        if isinstance(value, list) and not value:
            raise ConfigError(f"{claim.id}.{field} = []: must not be empty")
        for v in _numbers(value):
            if not test(v):
                raise ConfigError(f"{claim.id}.{field} = {v!r}: must be {allowed}")
    _check_dimensions(claim.id, config)
    return config


def _check_dimensions(claim_id, config):
    """Cross-field limits: an orthogonal shift needs d >= 2; SMOTE and the plug-in need rows."""
    if isinstance(config.get("n"), list) and "n_gen" in config and len(config["n"]) != len(config["n_gen"]):
        raise ConfigError(f"{claim_id}.n = {config['n']}: must pair with n_gen = {config['n_gen']} (one n per regime)")
    if "orthogonal" in config.get("directions", []) and config["d"] < 2:
        raise ConfigError(f"{claim_id}.d = {config['d']}: an orthogonal shift direction needs d >= 2")
    if "heads" in config and config["width"] % config["heads"]:
        raise ConfigError(f"{claim_id}.heads = {config['heads']}: must divide width = {config['width']}")
    if "n_bins" in config and config["n_min"] <= max(5, max(config["d"])):
        raise ConfigError(f"{claim_id}.n_min = {config['n_min']}: must exceed {max(5, max(config['d']))} "
                          "(SMOTE's 5 neighbours and the plug-in's covariance)")
    if "generators" in config:
        need = max(5, config["d_for_n"])
        if min(config["n_min"]) <= need:
            raise ConfigError(f"{claim_id}.n_min = {min(config['n_min'])}: must exceed {need} "
                              "(SMOTE's 5 neighbours and the plug-in's covariance at d_for_n)")
        if config["n_min_for_d"] <= max(config["d"]):
            raise ConfigError(f"{claim_id}.n_min_for_d = {config['n_min_for_d']}: must exceed the "
                              f"largest d = {max(config['d'])} (the plug-in's covariance)")
