"""Ensemble observables of the hard-rod MD with error bars over realisations (docs/theory.md §5 (5.24)).

The quasi-particle distribution rho(theta) of the ensemble is the pooled velocity distribution; its excess
kurtosis is kappa = mu_4 / mu_2^2 - 3 with central moments of the pooled distribution (not the mean of
per-realisation kurtoses, which is biased at N = 100). Error bars are jackknife (leave-one-realisation-out)
standard errors, so they apply to nonlinear functionals of the moments too.
"""
import numpy as np


def kurtosis_from_moments(m: np.ndarray) -> np.ndarray:
    """Excess kurtosis from raw moments m[..., 0:4] = <u>, <u^2>, <u^3>, <u^4>."""
    m1, m2, m3, m4 = m[..., 0], m[..., 1], m[..., 2], m[..., 3]
    mu2 = m2 - m1**2
    mu4 = m4 - 4 * m1 * m3 + 6 * m1**2 * m2 - 3 * m1**4
    return mu4 / mu2**2 - 3.0


def jackknife(per_real: np.ndarray, functional) -> tuple[np.ndarray, np.ndarray]:
    """Value and jackknife standard error of functional(mean over realisations); per_real: (R, ...)."""
    r = per_real.shape[0]
    total = per_real.sum(axis=0)
    value = functional(total / r)
    if r < 2:
        return value, np.full_like(np.asarray(value, dtype=float), np.nan)
    loo = np.array([functional((total - per_real[i]) / (r - 1)) for i in range(r)])
    err = np.sqrt((r - 1) / r * ((loo - loo.mean(axis=0)) ** 2).sum(axis=0))
    return value, err


def mean_and_error(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Mean over realisations (axis 0) and its standard error."""
    r = x.shape[0]
    return x.mean(axis=0), (x.std(axis=0, ddof=1) / np.sqrt(r) if r > 1 else np.full(x.shape[1:], np.nan))


def rescaled_time(t: np.ndarray, a: float, density: float, v0: float, xi: float, v_bar: float) -> np.ndarray:
    """Figure-2 time t_bar = t (a rho_bar V0)^2 / (xi v_bar)^3, with E_kin = v_bar^2 / 2 at t = 0."""
    return np.asarray(t) * (a * density * v0) ** 2 / (xi * v_bar) ** 3


def boosted_kurtosis(beta: float, theta0: float) -> float:
    """Excess kurtosis of (1/2)[N(theta0, 1/(2 beta)) + N(-theta0, 1/(2 beta))] (-1.389 at beta=2.5, theta0=1)."""
    s2 = 0.5 / beta
    return (theta0**4 + 6 * theta0**2 * s2 + 3 * s2**2) / (theta0**2 + s2) ** 2 - 3.0
