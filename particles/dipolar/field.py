"""External fields acting on point dipoles (docs/theory.md §2, §4 (2.17)), p_i = mu d(theta_i).

    U_ext = -sum_i p_i . E(x_i, t),   F_i = grad (p_i . E) = (p_i . grad) E (curl-free E),   tau_i = p_i x E
with a x b = a_x b_y - a_y b_x.

UniformACField: E(t) = E0 e cos(w t); F_i = 0.
SheetPairField: sheets of surface charge +sigma0 at s = a and -sigma0 at s = b (s = x or y), Gaussian-smeared
with width w << L, times cos(w t). The zero-mean periodic solution of -eps0 psi'' = charge density is
    E_s(s) = (sigma0 / eps0) [F(s - a) - F(s - b)],  F(D) = erf(D / (sqrt 2 w)) / 2 - D / L,
D the minimum-image separation (F is periodic up to erfc(L / (2 sqrt 2 w))). Between sheets a distance L/2
apart E_s = sigma0 / (2 eps0), outside -sigma0 / (2 eps0) (docs/theory.md §4), and
F_i = p_s (sigma0 / eps0) [g_w(s - a) - g_w(s - b)] e_s with g_w the normalised Gaussian.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy.special import erf

from hydrobridge.particles.dipolar.forcefield import Contribution
from hydrobridge.particles.dipolar.space import Pairs


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


@dataclass(frozen=True)
class SheetPairField:
    """Smeared sheet pair normal to axis (0: x, 1: y) at positions a (+sigma0) and b (-sigma0), cos(w t)."""

    mu: float
    eps0: float
    length: float
    axis: int
    a: float
    b: float
    sigma0: float
    width: float
    omega_ac: float = 0.0
    r_cut: float = 0.0

    def __post_init__(self) -> None:
        if self.axis not in (0, 1):
            raise ValueError(f"axis must be 0 or 1, got {self.axis}")
        if not 0.0 < self.width < self.length / 20.0:
            raise ValueError(f"width must be in (0, length/20) for the sheets to be periodic, got {self.width}")

    def _separations(self, s: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        da = s - self.a
        db = s - self.b
        return (da - self.length * np.rint(da / self.length), db - self.length * np.rint(db / self.length))

    def field(self, s: np.ndarray, t: float) -> np.ndarray:
        """E_s at coordinates s along the axis."""
        def f(d):
            return 0.5 * erf(d / (math.sqrt(2.0) * self.width)) - d / self.length

        da, db = self._separations(s)
        return (self.sigma0 / self.eps0) * (f(da) - f(db)) * math.cos(self.omega_ac * t)

    def __call__(self, x: np.ndarray, theta: np.ndarray, t: float, pairs: Pairs | None) -> Contribution:
        s = x[:, self.axis]
        e = self.field(s, t)
        d = np.column_stack((np.cos(theta), np.sin(theta)))
        ps = self.mu * d[:, self.axis]
        energy = -float(np.sum(ps * e))
        # p x E with E along the axis: (mu d) x (E e_s) = mu E (d_x delta_{s,y} - d_y delta_{s,x})
        torque = self.mu * e * (d[:, 0] if self.axis == 1 else -d[:, 1])
        da, db = self._separations(s)
        g = np.exp(-0.5 * (da / self.width) ** 2) - np.exp(-0.5 * (db / self.width) ** 2)
        force = np.zeros_like(x)
        force[:, self.axis] = (ps * (self.sigma0 / self.eps0) * g / (math.sqrt(2.0 * math.pi) * self.width)
                               * math.cos(self.omega_ac * t))
        return Contribution(energy, force, torque)
