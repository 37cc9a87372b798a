"""Short-range ("collision") pair potential of docs/theory.md (2.15), truncated at r_cut.

    Phi(r, dtheta) = e_s ((s/r)^alpha - b(dtheta)) exp(-(r/s)^2),   b(t) = (1 - cos t)^2 / 4,
    U_Phi = sum_{i<j, r_ij < r_cut} Phi(|x_i - x_j|, theta_i - theta_j).

Derivatives: dPhi/dr = e_s [-alpha (s/r)^alpha / r - 2 r ((s/r)^alpha - b) / s^2] exp(-(r/s)^2),
dPhi/d(dtheta) = -e_s b'(dtheta) exp(-(r/s)^2), b'(t) = (1 - cos t) sin t / 2.
The truncation leaves an energy jump |Phi(r_cut)| <= e_s exp(-(r_cut/s)^2) (2.6e-9 e_s at r_cut = 4.5 s).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numba
import numpy as np

from hydrobridge.particles.dipolar.forcefield import Contribution
from hydrobridge.particles.dipolar.pairsum import pair_sum
from hydrobridge.particles.dipolar.space import Pairs


@numba.njit(cache=True, inline="always")
def _short_range_pair(rx, ry, r2, ci, si, cj, sj, c):
    """(Phi, F_i x, F_i y, tau_i, tau_j) of one pair (module docstring); c = (e_s, s, alpha)."""
    e_s, s, alpha = c
    r = math.sqrt(r2)
    g = math.exp(-r2 / (s * s))
    rep = (s / r) ** alpha
    cos_dth = ci * cj + si * sj  # cos(theta_i - theta_j)
    sin_dth = si * cj - ci * sj
    one_minus_cos = 1.0 - cos_dth
    b = 0.25 * one_minus_cos * one_minus_cos
    dphi_dr = e_s * g * (-alpha * rep / r - 2.0 * r * (rep - b) / (s * s))
    tau = e_s * g * 0.5 * one_minus_cos * sin_dth
    return e_s * (rep - b) * g, -dphi_dr * rx / r, -dphi_dr * ry / r, tau, -tau


@numba.njit(cache=True)
def _short_range_kernel(pi_idx, pj_idx, d, cos_t, sin_t, e_s, s, alpha, r_cut, force, torque, virial):
    energy, (wxx, wxy, wyx, wyy) = pair_sum(_short_range_pair, (e_s, s, alpha), r_cut, pi_idx, pj_idx, d, cos_t,
                                            sin_t, force, torque)
    virial[0, 0] += wxx
    virial[0, 1] += wxy
    virial[1, 0] += wyx
    virial[1, 1] += wyy
    return energy


@dataclass(frozen=True)
class ShortRange:
    """Truncated short-range term U_Phi (module docstring)."""

    e_s: float
    s: float
    alpha: float
    r_cut: float

    def __post_init__(self) -> None:
        for name in ("e_s", "s", "alpha", "r_cut"):
            if not getattr(self, name) > 0:
                raise ValueError(f"{name} must be positive, got {getattr(self, name)}")

    def _evaluate(self, theta: np.ndarray, pairs: Pairs) -> tuple[Contribution, np.ndarray]:
        n = theta.shape[0]
        force, torque, virial = np.zeros((n, 2)), np.zeros(n), np.zeros((2, 2))
        energy = _short_range_kernel(pairs.i, pairs.j, pairs.d, np.cos(theta), np.sin(theta), self.e_s, self.s,
                                     self.alpha, self.r_cut, force, torque, virial)
        return Contribution(energy, force, torque), virial

    def __call__(self, x: np.ndarray, theta: np.ndarray, t: float, pairs: Pairs | None) -> Contribution:
        return self._evaluate(theta, pairs)[0]

    def virial(self, theta: np.ndarray, pairs: Pairs) -> np.ndarray:
        """W_ab = sum_{i<j} r_a F_b with r = x_i - x_j and F the force on i from j (2 x 2)."""
        return self._evaluate(theta, pairs)[1]
