"""Quality of a generator's rows against the true law and the training rows (GEN-2 in CLAIMS).

Computed in float64 numpy on one replicate: Gaussian-fit KL and Frechet distance to the true
law N(mu, cov), MMD^2 against a fresh sample of the true law, and the memorisation rate.
"""

import numpy as np
from scipy.spatial.distance import cdist


def fitted_gaussian(x_nd):
    """Sample mean m_d and unbiased covariance s_dd of the rows."""
    x_nd = np.asarray(x_nd, np.float64)
    return x_nd.mean(axis=0), np.cov(x_nd, rowvar=False).reshape(x_nd.shape[1], x_nd.shape[1])


def gaussian_fit_kl(x_nd, mu_d, cov_dd) -> float:
    """KL(N(m, S) || N(mu, cov)) for the fitted Gaussian N(m, S) of the rows, in closed form
    (1/2) [tr(cov^-1 S) + (mu - m)^T cov^-1 (mu - m) - d + ln det cov - ln det S]."""
    m_d, s_dd = fitted_gaussian(x_nd)
    mu_d, cov_dd = np.asarray(mu_d, np.float64), np.asarray(cov_dd, np.float64)
    prec_dd = np.linalg.inv(cov_dd)
    diff_d = mu_d - m_d
    logdet_cov, logdet_s = np.linalg.slogdet(cov_dd)[1], np.linalg.slogdet(s_dd)[1]
    return 0.5 * float(np.trace(prec_dd @ s_dd) + diff_d @ prec_dd @ diff_d - len(m_d) + logdet_cov - logdet_s)


def _sqrt_psd(a_dd):
    eig_d, vec_dd = np.linalg.eigh(a_dd)
    return (vec_dd * np.sqrt(np.clip(eig_d, 0.0, None))[None, :]) @ vec_dd.T


def frechet_distance(x_nd, mu_d, cov_dd) -> float:
    """Squared Frechet (2-Wasserstein) distance between N(m, S) and N(mu, cov):
    |m - mu|^2 + tr(S + cov - 2 (S^1/2 cov S^1/2)^1/2)."""
    m_d, s_dd = fitted_gaussian(x_nd)
    mu_d, cov_dd = np.asarray(mu_d, np.float64), np.asarray(cov_dd, np.float64)
    root_s_dd = _sqrt_psd(s_dd)
    cross_dd = _sqrt_psd(root_s_dd @ cov_dd @ root_s_dd)
    return float(np.sum((m_d - mu_d) ** 2) + np.trace(s_dd + cov_dd - 2.0 * cross_dd))


def mmd2(x_nd, z_md, bandwidth: float) -> float:
    """Unbiased MMD^2 between the rows x_nd and z_md with k(a, b) = exp(-|a - b|^2 / (2 h^2))."""
    x_nd, z_md = np.asarray(x_nd, np.float64), np.asarray(z_md, np.float64)

    def gram(a, b):
        return np.exp(-cdist(a, b, "sqeuclidean") / (2.0 * bandwidth**2))

    n, m = len(x_nd), len(z_md)
    k_xx, k_zz = gram(x_nd, x_nd), gram(z_md, z_md)
    within_x = (k_xx.sum() - np.trace(k_xx)) / (n * (n - 1))
    within_z = (k_zz.sum() - np.trace(k_zz)) / (m * (m - 1))
    return float(within_x + within_z - 2.0 * gram(x_nd, z_md).mean())


def memorisation_rate(x_nd, train_md) -> float:
    """Share of rows whose nearest training row is strictly closer than the median, over training
    rows, of the distance from a training row to its nearest other training row."""
    train_md = np.asarray(train_md, np.float64)
    within_mm = cdist(train_md, train_md)
    np.fill_diagonal(within_mm, np.inf)
    threshold = np.median(within_mm.min(axis=1))
    return float(np.mean(cdist(np.asarray(x_nd, np.float64), train_md).min(axis=1) < threshold))
