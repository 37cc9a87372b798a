"""BKW exact solution of the 2D homogeneous Landau equation for Maxwell molecules (THEORY.md section 6).

For A(z) = (|z|^2 I - z (x) z)/16 (kernels.MAXWELL_2D), mass 1, momentum 0, energy int |v|^2 f = 2:

    f(v, t) = exp(-|v|^2 / 2K) / (2 pi K) * ((2K - 1)/K + (1 - K) |v|^2 / (2 K^2)),
    K(t)    = 1 - exp(-t/8) / 2.

The time scale t/8 of issue 8 is right for this normalisation (checked in tests/test_kinetic_bkw.py by
quadrature of the full Landau operator: the residual converges to zero at second order, whereas t/4 or
t/16 leave an O(1) residual). With the radial form Q = (1/16) (2h + r h'), h = f'/r + f, this follows
from dK/dt = (1 - K)/8.

Moments: int |v|^4 f = 8 K (2 - K) (6 at t = 0, 8 for the Maxwellian).
"""

import numpy as np


def bkw_k(t: float | np.ndarray) -> float | np.ndarray:
    """K(t) = 1 - exp(-t/8)/2."""
    return 1.0 - 0.5 * np.exp(-np.asarray(t) / 8.0)


def bkw_f(vx: np.ndarray, vy: np.ndarray, t: float) -> np.ndarray:
    """BKW density f(v, t) at velocities (vx, vy)."""
    k = bkw_k(t)
    r2 = vx * vx + vy * vy
    return np.exp(-r2 / (2 * k)) / (2 * np.pi * k) * ((2 * k - 1) / k + (1 - k) * r2 / (2 * k * k))


def bkw_fourth_moment(t: float | np.ndarray) -> float | np.ndarray:
    """<|v|^4>(t) = 8 K (2 - K)."""
    k = bkw_k(t)
    return 8.0 * k * (2.0 - k)


def sample_bkw_initial(n: int, rng: np.random.Generator) -> np.ndarray:
    """n velocities from f(v, 0) = |v|^2 exp(-|v|^2) / pi: |v|^2 ~ Gamma(2, 1), uniform angle. Shape (n, 2)."""
    r = np.sqrt(rng.gamma(2.0, 1.0, n))
    a = rng.uniform(0.0, 2 * np.pi, n)
    return np.column_stack((r * np.cos(a), r * np.sin(a)))
