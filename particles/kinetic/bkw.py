"""BKW exact solutions of the homogeneous Landau equation for Maxwell molecules (docs/theory.md §6 (6.4)).

In d dimensions, for A(z) = c (|z|^2 I - z (x) z), mass 1, momentum 0, temperature 1 (int |v|^2 f = d):

    f(v, t) = exp(-|v|^2 / 2K) / (2 pi K)^(d/2) * (1 - d (1 - K)/(2K) + (1 - K) |v|^2 / (2 K^2)),
    1 - K(t) proportional to exp(-2 c (d - 1) t).

2D: c = 1/16 (kernels.MAXWELL_2D), K(t) = 1 - exp(-t/8)/2, f = ... ((2K - 1)/K + ...).
3D: c = 1/24 (kernels.MAXWELL_3D), K(t) = 1 - exp(-t/6), f = ... ((5K - 3)/(2K) + ...), non-negative for
K >= 3/5, i.e. t >= 6 ln(5/2).

The time scale t/8 is right for this normalisation (checked in tests/test_kinetic_bkw.py by
quadrature of the full Landau operator: the residual converges to zero at second order, whereas t/4 or
t/16 leave an O(1) residual). With the radial form Q = (1/16) (2h + r h'), h = f'/r + f, this follows
from dK/dt = (1 - K)/8.

Moments: int |v|^4 f = 8 K (2 - K) (6 at t = 0, 8 for the Maxwellian).
"""

import numpy as np


def bkw_k(t: float | np.ndarray, dim: int = 2) -> float | np.ndarray:
    """K(t) = 1 - exp(-t/8)/2 in 2D, 1 - exp(-t/6) in 3D."""
    if dim == 2:
        return 1.0 - 0.5 * np.exp(-np.asarray(t) / 8.0)
    if dim == 3:
        return 1.0 - np.exp(-np.asarray(t) / 6.0)
    raise ValueError("BKW is implemented for dim 2 and 3")


def bkw_f(v: list[np.ndarray], t: float) -> np.ndarray:
    """BKW density f(v, t) at velocities v = [v_1, ..., v_d] (d = 2 or 3)."""
    d = len(v)
    k = bkw_k(t, d)
    r2 = sum(c * c for c in v)
    return np.exp(-r2 / (2 * k)) / (2 * np.pi * k) ** (d / 2) * (1 - d * (1 - k) / (2 * k) + (1 - k) * r2 / (2 * k * k))


def bkw_fourth_moment(t: float | np.ndarray) -> float | np.ndarray:
    """2D: <|v|^4>(t) = 8 K (2 - K)."""
    k = bkw_k(t)
    return 8.0 * k * (2.0 - k)


def sample_bkw_initial(n: int, rng: np.random.Generator) -> np.ndarray:
    """n velocities from f(v, 0) = |v|^2 exp(-|v|^2) / pi: |v|^2 ~ Gamma(2, 1), uniform angle. Shape (n, 2)."""
    r = np.sqrt(rng.gamma(2.0, 1.0, n))
    a = rng.uniform(0.0, 2 * np.pi, n)
    return np.column_stack((r * np.cos(a), r * np.sin(a)))
