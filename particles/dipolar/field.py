"""Uniform external field E(t) = E0 e cos(w t) acting on point dipoles (THEORY.md sections 2 and 4).

    U_ext = -sum_i p_i . E(t),   F_i = (p_i . grad) E = 0 (uniform field),   tau_i = p_i x E(t)
with p_i = mu d(theta_i) and a x b = a_x b_y - a_y b_x.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from particles.dipolar.forcefield import Contribution
from particles.dipolar.space import Pairs


@dataclass(frozen=True)
class UniformACField:
    """E(t) = (E0x, E0y) cos(omega_ac t); omega_ac = 0 gives a static field."""

    mu: float
    e0: tuple[float, float]
    omega_ac: float = 0.0
    r_cut: float = 0.0

    def field(self, t: float) -> np.ndarray:
        """E(t) as a 2-vector."""
        return np.asarray(self.e0, dtype=np.float64) * math.cos(self.omega_ac * t)

    def __call__(self, x: np.ndarray, theta: np.ndarray, t: float, pairs: Pairs | None) -> Contribution:
        ex, ey = self.field(t)
        c, s = np.cos(theta), np.sin(theta)
        energy = -self.mu * float(np.sum(c * ex + s * ey))
        torque = self.mu * (c * ey - s * ex)
        return Contribution(energy, np.zeros((theta.shape[0], 2)), torque)
