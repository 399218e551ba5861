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
    if "orthogonal" in config.get("directions", []) and config["d"] < 2:
        raise ConfigError(f"{claim_id}.d = {config['d']}: an orthogonal shift direction needs d >= 2")
    if "generators" in config:
        need = max(5, config["d_for_n"])
        if min(config["n_min"]) <= need:
            raise ConfigError(f"{claim_id}.n_min = {min(config['n_min'])}: must exceed {need} "
                              "(SMOTE's 5 neighbours and the plug-in's covariance at d_for_n)")
        if config["n_min_for_d"] <= max(config["d"]):
            raise ConfigError(f"{claim_id}.n_min_for_d = {config['n_min_for_d']}: must exceed the "
                              f"largest d = {max(config['d'])} (the plug-in's covariance)")
