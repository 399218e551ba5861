"""The one registry of synthetic-row generators: names map to typed callables.

Every generator is called as fn(x_real_nd, n_new, *, key, n_real, law) -> Synthetic, where
x_real_nd holds the real rows (the first n_real valid, the rest padding) and law is the true law
of the class or group being synthesised (only the perfect and shifted generators read it).
An unknown name raises UnknownGenerator; nothing falls back to a default.

ADASYN (models/adasyn.py) is not registered: its weights count the other classes' rows among
each row's nearest neighbours, and this signature carries only the rows of the class being
synthesised. It is fitted on a whole table by tables/generators.py instead.
"""

from collections.abc import Callable
from typing import NamedTuple

import jax

from synthlaw.models import gaussian_generators, random_oversampling, smote
from synthlaw.models.synthetic import Synthetic


class TrueLaw(NamedTuple):
    """N(mu_d, cov_dd), and the offset_d that a shifted generator adds to the mean (delta * u)."""

    mu_d: jax.Array
    cov_dd: jax.Array
    offset_d: jax.Array


class Generator(NamedTuple):
    """A named generator: fn(x_real_nd, n_new, *, key, n_real, law) -> Synthetic."""

    name: str
    fn: Callable[..., Synthetic]
    summary: str


class UnknownGenerator(ValueError):
    """A generator name that the registry does not hold."""


def _ros(x_real_nd, n_new, *, key, n_real, law):
    return random_oversampling.generate(x_real_nd, n_new, key=key, n_real=n_real)


def _smote(x_real_nd, n_new, *, key, n_real, law):
    return smote.generate(x_real_nd, n_new, key=key, n_real=n_real)


def _plugin(x_real_nd, n_new, *, key, n_real, law):
    return gaussian_generators.generate_plugin(x_real_nd, n_new, key=key, n_real=n_real)


def _perfect(x_real_nd, n_new, *, key, n_real, law):
    return gaussian_generators.generate_perfect(x_real_nd, n_new, key=key, mu_d=law.mu_d, cov_dd=law.cov_dd)


def _shifted(x_real_nd, n_new, *, key, n_real, law):
    return gaussian_generators.generate_shifted(x_real_nd, n_new, key=key, mu_d=law.mu_d, cov_dd=law.cov_dd,
                                                offset_d=law.offset_d)


GENERATORS: dict[str, Generator] = {g.name: g for g in (
    Generator("ros", _ros, "random oversampling: duplicates of real rows"),
    Generator("smote", _smote, "SMOTE: uniform interpolation towards one of 5 nearest real neighbours"),
    Generator("plugin", _plugin, "Gaussian plug-in: N(sample mean, sample covariance) of the real rows"),
    Generator("perfect", _perfect, "the true law N(mu, cov)"),
    Generator("shifted", _shifted, "the true law with its mean off by delta u: N(mu + delta u, cov)"),
)}


def generator(name: str) -> Generator:
    """The registered generator called name; UnknownGenerator otherwise."""
    if name not in GENERATORS:
        raise UnknownGenerator(f"generator = {name!r}: unknown; allowed: {', '.join(GENERATORS)}")
    return GENERATORS[name]
