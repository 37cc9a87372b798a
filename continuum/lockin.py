"""Lock-in projection of a periodic response (docs/theory.md §4 (4.1)).

X^ = (2/T) int_0^T X(t) exp(+i w t) dt over whole periods, so that X(t) = Re[X^ exp(-i w t)]
for a pure harmonic. Samples must be uniform in time and cover an integer number of periods
(endpoint excluded): the rectangle rule is then exact for every harmonic the samples resolve.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

__all__ = ["lockin_amplitude"]


def lockin_amplitude(t: npt.NDArray[np.float64], x: npt.NDArray[np.float64], omega: float) -> complex:
    """Complex amplitude at omega of samples x(t), t uniform over whole periods (endpoint excluded)."""
    t, x = np.asarray(t, float), np.asarray(x, float)
    if t.shape != x.shape or t.ndim != 1 or t.size < 3:
        raise ValueError(f"t, x: expected two 1-D arrays of equal length >= 3, got {t.shape} and {x.shape}")
    if not omega > 0:
        raise ValueError(f"omega = {omega}: expected a positive angular frequency")
    dt = np.diff(t)
    if not np.allclose(dt, dt[0], rtol=1e-9, atol=0):
        raise ValueError("t: expected uniformly spaced samples")
    periods = t.size * dt[0] * omega / (2 * np.pi)
    if not np.isclose(periods, round(periods), atol=1e-6) or round(periods) < 1:
        raise ValueError(f"t: samples cover {periods:.6g} periods; expected a whole number >= 1 (endpoint excluded)")
    return complex(2.0 * np.mean(x * np.exp(1j * omega * t)))
