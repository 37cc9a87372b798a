"""Lock-in projection of a periodic response, for particles and continuum alike (docs/theory.md §4).

Time dependence exp(-i w t): the complex amplitude over whole periods of T = N dt,

    X^ = (2/T) int_0^T X(t) exp(+i w t) dt  ~  (2/N) sum_k x_k exp(i w t_k),

so that X(t) = Re[X^ exp(-i w t)] for a pure harmonic. For samples uniform in time over whole periods
(endpoint excluded) the rectangle rule is exact for every harmonic the samples resolve. With blocks,
the samples are cut into n_blocks contiguous blocks of (nearest to) whole periods and the standard error
of the block mean is returned beside the mean. NumPy only: importable without DOLFINx or numba.
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

__all__ = ["lockin_amplitude", "lockin_amplitude_with_error", "mean_and_standard_error"]


def _phase(n: int, omega: float, dt: float | None, t: npt.ArrayLike | None) -> np.ndarray:
    """w t_k: from the sample times t, or t_k = k dt (k = 0..n-1) for uniform samples from t = 0."""
    if not omega > 0:
        raise ValueError(f"omega = {omega}: expected a positive angular frequency")
    if (dt is None) == (t is None):
        raise ValueError("dt, t: expected exactly one of the sampling step dt and the sample times t")
    if t is None:
        if not dt > 0:
            raise ValueError(f"dt = {dt}: expected a positive sampling step")
        return omega * dt * np.arange(n)
    t = np.asarray(t, float)
    if t.shape != (n,):
        raise ValueError(f"t: expected {n} sample times (one per row of x), got shape {t.shape}")
    return omega * t


def _amplitude(x: np.ndarray, phase: np.ndarray) -> np.ndarray:
    """(2/N) sum_k x_k exp(i phase_k) over the first axis."""
    z = np.exp(1j * phase)
    return 2.0 / len(x) * np.sum(x * (z if x.ndim == 1 else z[:, None]), axis=0)


def mean_and_standard_error(blocks: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Mean over axis 0 and its standard error std / sqrt(n) (ddof = 1), real and imaginary parts separately."""
    n = blocks.shape[0]
    err = (blocks.real.std(axis=0, ddof=1) + 1j * blocks.imag.std(axis=0, ddof=1)) / math.sqrt(n)
    return blocks.mean(axis=0), err


def lockin_amplitude(x: npt.ArrayLike, omega: float, *, dt: float | None = None,
                     t: npt.ArrayLike | None = None) -> complex | np.ndarray:
    """X^ at omega of samples x (N,) or (N, k) (columns separately), uniform in time over whole periods.

    Give either dt (samples at t_k = k dt) or the sample times t (N,). Raises ValueError unless the
    samples are uniformly spaced and cover a whole number >= 1 of periods (endpoint excluded).
    """
    x = np.asarray(x, float)
    if x.ndim not in (1, 2) or x.shape[0] < 3:
        raise ValueError(f"x: expected an array of >= 3 samples (N,) or (N, k), got shape {x.shape}")
    phase = _phase(x.shape[0], omega, dt, t)
    step = np.diff(phase)
    if not np.allclose(step, step[0], rtol=1e-9, atol=0):
        raise ValueError("t: expected uniformly spaced samples")
    periods = x.shape[0] * step[0] / (2 * np.pi)
    if not np.isclose(periods, round(periods), atol=1e-6) or round(periods) < 1:
        raise ValueError(f"t: samples cover {periods:.6g} periods; expected a whole number >= 1 (endpoint excluded)")
    amp = _amplitude(x, phase)
    return complex(amp) if x.ndim == 1 else amp


def lockin_amplitude_with_error(x: npt.ArrayLike, omega: float, n_blocks: int, *, dt: float | None = None,
                                t: npt.ArrayLike | None = None) -> tuple[complex | np.ndarray, complex | np.ndarray]:
    """(X^, standard error): X^ on each of n_blocks contiguous blocks of whole periods (block b covers the
    samples round(b P s) .. round((b + 1) P s), s = 2 pi / (w dt) samples per period, P periods per block),
    mean and standard error over the blocks. Samples past the last block are not used."""
    x = np.asarray(x, float)
    phase = _phase(x.shape[0], omega, dt, t)
    per_period = 2.0 * math.pi / (phase[1] - phase[0]) if x.shape[0] > 1 else math.inf
    periods = int(x.shape[0] / per_period) // n_blocks
    if n_blocks < 2 or periods < 1:
        raise ValueError(f"need n_blocks >= 2 blocks of at least one period; got {x.shape[0]} samples, "
                         f"{per_period:.1f} per period, n_blocks = {n_blocks}")
    blocks = []
    for b in range(n_blocks):
        start, stop = round(b * periods * per_period), round((b + 1) * periods * per_period)
        blocks.append(_amplitude(x[start:stop], phase[start:stop]))
    mean, err = mean_and_standard_error(np.array(blocks))
    return (complex(mean), complex(err)) if x.ndim == 1 else (mean, err)
