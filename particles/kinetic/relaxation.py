"""Relaxation time of an ensemble from its momentum kurtosis, and its scaling with N (docs/theory.md §6).

Input: the kurtosis K_r(t) = <p^4>/<p^2>^2 of realisation r at records t_k = k record_time, an array (R, S)
(e.g. column 1 of particles.kinetic.hmf.hmf_ensemble records); K relaxes towards its equilibrium value
(3 for a Gaussian in p). With the reference index k_ref = t_ref / record_time:

    DeltaK(t) = running mean over `window` records of < K_r(t) - K_r(t_ref) >_r,
    K_r(t_ref) = mean of K_r over the records k_ref .. k_ref + window - 1

(taking the change per realisation cancels its frozen sampling noise); t_f is the first time after the
reference window at which DeltaK reaches f (K_eq - <K(t_ref)>) (linear interpolation between records), and

    tau = exp(mean over f of ln(t_f - t_ref))      (geometric mean over the fractions f),

nan until the largest fraction is reached. In an asymptotic regime where the kinetic equation depends on N
only through t / N^alpha every t_f - t_ref scales alike, so averaging over f reduces the noise; alpha is the
least-squares slope of ln tau against ln N (``size_exponent``), its error the spread of that slope over
bootstrap resamplings of the realisations (``bootstrap_relaxation_times``).
"""

from __future__ import annotations

import numpy as np

__all__ = ["kurtosis_change", "crossing_time", "relaxation_time", "bootstrap_relaxation_times", "size_exponent"]


def kurtosis_change(kurtosis: np.ndarray, window: int, reference: int) -> np.ndarray:
    """DeltaK of the module doc at every record, shape (S,), from kurtosis (R, S); the running mean is
    centred and shorter at the ends."""
    k_ref = kurtosis[:, reference:reference + window].mean(axis=1)
    change = (kurtosis - k_ref[:, None]).mean(axis=0)
    kernel = np.ones(window)
    return np.convolve(change, kernel, mode="same") / np.convolve(np.ones_like(change), kernel, mode="same")


def crossing_time(change: np.ndarray, target: float, start: int, record_time: float) -> float:
    """First time (record index >= start >= 1, linear interpolation) the series reaches target; nan if it
    does not."""
    above = np.nonzero(change[start:] >= target)[0]
    if not len(above):
        return float("nan")
    i = above[0] + start
    return record_time * (i - 1 + (target - change[i - 1]) / (change[i] - change[i - 1]))


def relaxation_time(kurtosis: np.ndarray, record_time: float, fractions: tuple[float, ...], window: int,
                    t_ref: float, equilibrium: float = 3.0) -> float:
    """tau of the module doc from kurtosis (R, S) recorded every record_time; nan while fewer than
    2 window records follow t_ref or the largest fraction is not reached."""
    if kurtosis.ndim != 2 or not (record_time > 0 and window >= 1 and fractions):
        raise ValueError(f"kurtosis {kurtosis.shape}, record_time = {record_time}, window = {window}, fractions = "
                         f"{fractions}: expected an (R, S) array, record_time > 0, window >= 1, some fractions")
    reference = round(t_ref / record_time)
    if kurtosis.shape[1] < reference + 2 * window:
        return float("nan")
    change = kurtosis_change(kurtosis, window, reference)
    gap = equilibrium - kurtosis[:, reference:reference + window].mean()
    times = [crossing_time(change, f * gap, reference + window, record_time) - t_ref for f in fractions]
    return float(np.exp(np.mean(np.log(times))))


def bootstrap_relaxation_times(kurtosis: np.ndarray, record_time: float, fractions: tuple[float, ...], window: int,
                               t_ref: float, rng: np.random.Generator, n_boot: int,
                               equilibrium: float = 3.0) -> np.ndarray:
    """relaxation_time of n_boot resamplings (with replacement) of the realisations (rows of kurtosis)."""
    r = kurtosis.shape[0]
    return np.array([relaxation_time(kurtosis[rng.integers(0, r, r)], record_time, fractions, window, t_ref,
                                     equilibrium) for _ in range(n_boot)])


def size_exponent(sizes: np.ndarray, tau: np.ndarray, bootstrap: np.ndarray) -> tuple[float, float, list[float]]:
    """(alpha, its bootstrap error, local exponents) of tau ~ N^alpha: least-squares slope of ln tau against
    ln N; standard deviation of that slope over the bootstrap columns (bootstrap: (len(sizes), B) resampled
    tau, columns with a nan skipped); d ln tau / d ln N between neighbouring sizes."""
    log_n = np.log(np.asarray(sizes, dtype=float))
    tau, bootstrap = np.asarray(tau, float), np.asarray(bootstrap, float)
    if log_n.size < 2 or tau.shape != log_n.shape or bootstrap.ndim != 2 or bootstrap.shape[0] != log_n.size:
        raise ValueError(f"sizes {log_n.shape}, tau {tau.shape}, bootstrap {bootstrap.shape}: expected >= 2 sizes, "
                         "one tau per size and a (sizes, B) bootstrap table")
    exponent = float(np.polyfit(log_n, np.log(tau), 1)[0])
    slopes = [np.polyfit(log_n, np.log(bootstrap[:, b]), 1)[0] for b in range(bootstrap.shape[1])
              if np.all(np.isfinite(bootstrap[:, b]))]
    return exponent, float(np.std(slopes)), (np.diff(np.log(tau)) / np.diff(log_n)).tolist()
