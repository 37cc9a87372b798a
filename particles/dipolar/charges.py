"""Finite-l model: explicit charges +q, -q at x_i +/- (l/2) d(theta_i), by charge Ewald
(docs/theory.md §2 (2.11)-(2.12)).

This is the microscopic truth that the point-dipole model (ewald.py) approximates to O(l^2).
With charges q_a at y_a (2N of them) and the zero-mean periodic G of ewald.py:

    U = (1/(2 eps0)) sum_{a != b} q_a q_b G(y_a - y_b) + (1/(2 eps0)) sum_a q_a^2 R(0) - N q^2 ln(l) / (2 pi eps0)

R = G - G_free is the regular part (a charge with its own images); the last term removes the bare,
orientation-independent intramolecular Coulomb energy -q^2 G_free(l) / eps0 and leaves its image part.
Ewald parts (r = |y_a - y_b| < r_cut, minimum image):
    real:        (1/eps0) sum_{a<b} q_a q_b E1(kappa^2 r^2) / (4 pi)
    reciprocal:  (1/(2 eps0 |Omega|)) sum_{k != 0} exp(-k^2/(4 kappa^2)) |rho(k)|^2 / k^2,
                 rho(k) = sum_a q_a exp(i k.y_a)
    self:        -(1/(2 eps0)) sum_a q_a^2 (gamma_E + 2 ln kappa) / (4 pi)        (E1(u) + ln u -> -gamma_E)
    constant:    -(1/(8 eps0 kappa^2 |Omega|)) (sum_a q_a)^2     (the zero-mean constant -1/(4 kappa^2 |Omega|)
                 of G over all pairs a, b including a = b; zero for neutral molecules, kept for clarity)
    intramolecular: -N q^2 ln(l) / (2 pi eps0)
Forces on the charges f_a map to molecules as F_i = f_+ + f_-, tau_i = (l/2) d x (f_+ - f_-).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numba
import numpy as np

from hydrobridge.particles.dipolar.ewald import EwaldSetup, half_plane_kvectors, reciprocal_sum
from hydrobridge.particles.dipolar.forcefield import Contribution
from hydrobridge.particles.dipolar.space import Pairs, neighbor_pairs

EULER_GAMMA = 0.5772156649015329


@numba.njit(cache=True)
def exp1(u: float) -> float:
    """Exponential integral E1(u) = int_u^inf exp(-t)/t dt, u > 0 (series for u <= 1, continued fraction else)."""
    if u <= 1.0:
        total, term = 0.0, 1.0
        for k in range(1, 60):
            term *= -u / k
            total += term / k
            if abs(term / k) < 1e-17 * abs(total):
                break
        return -EULER_GAMMA - math.log(u) - total
    # modified Lentz evaluation of e^{-u} / (u + 1 - 1^2/(u + 3 - 2^2/(u + 5 - ...)))
    b = u + 1.0
    c = 1.0 / 1e-300
    d = 1.0 / b
    h = d
    for i in range(1, 200):
        a = -float(i * i)
        b += 2.0
        d = 1.0 / (a * d + b)
        c = b + a / c
        delta = c * d
        h *= delta
        if abs(delta - 1.0) < 1e-16:
            break
    return h * math.exp(-u)


@numba.njit(cache=True)
def _charge_real_kernel(pa, pb, d, q, kappa, r_cut, eps0, force):
    k2 = kappa * kappa
    energy = 0.0
    for p in range(pa.shape[0]):
        r2 = d[p, 0] * d[p, 0] + d[p, 1] * d[p, 1]
        if r2 >= r_cut * r_cut:
            continue
        a, b = pa[p], pb[p]
        qq = q[a] * q[b] / eps0
        energy += qq * exp1(k2 * r2) / (4.0 * math.pi)
        s = qq * math.exp(-k2 * r2) / (2.0 * math.pi * r2)  # -dU/dr / r
        force[a, 0] += s * d[p, 0]
        force[a, 1] += s * d[p, 1]
        force[b, 0] -= s * d[p, 0]
        force[b, 1] -= s * d[p, 1]
    return energy


@numba.njit(cache=True, inline="always")
def _charge_weight(j, kx, ky, c):
    """q_j; c = (q, force)."""
    return c[0][j]


@numba.njit(cache=True, inline="always")
def _charge_kick(j, kx, ky, f, z, c):
    """f_j += f q_j k Im z (both +k and -k); c = (q, force)."""
    q, force = c
    im = z.imag
    force[j, 0] += f * q[j] * kx * im
    force[j, 1] += f * q[j] * ky * im


@numba.njit(cache=True)
def _charge_recip_kernel(y, q, box, kappa, kint, eps0, force):
    return reciprocal_sum(_charge_weight, _charge_kick, (q, force), y, box, kappa, kint, eps0)


def charge_sites(x: np.ndarray, theta: np.ndarray, q: float, l: float) -> tuple[np.ndarray, np.ndarray]:
    """Positions (2N, 2) ordered (+q of 0, -q of 0, +q of 1, ...) and charges (2N,)."""
    half = 0.5 * l * np.column_stack((np.cos(theta), np.sin(theta)))
    y = np.stack((x + half, x - half), axis=1).reshape(-1, 2)
    return np.ascontiguousarray(y), np.tile([q, -q], theta.shape[0]).astype(np.float64)


def to_molecules(f_charges: np.ndarray, theta: np.ndarray, l: float) -> tuple[np.ndarray, np.ndarray]:
    """F_i = f_+ + f_-, tau_i = (l/2) d(theta_i) x (f_+ - f_-)."""
    f = f_charges.reshape(-1, 2, 2)
    df = f[:, 0] - f[:, 1]
    torque = 0.5 * l * (np.cos(theta) * df[:, 1] - np.sin(theta) * df[:, 0])
    return f.sum(axis=1), torque


@dataclass(frozen=True)
class FiniteDipoleEwald:
    """One part ("real", "reciprocal" or "self") of the finite-l charge Ewald energy (module docstring).

    "self" collects the self, zero-mean-constant and intramolecular constants (no force, no torque).
    The term searches its own charge pairs, so it reports r_cut = 0 to the ForceField.
    """

    q: float
    l: float
    eps0: float
    box: np.ndarray
    setup: EwaldSetup
    part: str
    r_cut: float = 0.0

    def __post_init__(self) -> None:
        if self.part not in ("real", "reciprocal", "self"):
            raise ValueError(f"part must be 'real', 'reciprocal' or 'self', got {self.part!r}")

    def __call__(self, x: np.ndarray, theta: np.ndarray, t: float, pairs: Pairs | None) -> Contribution:
        y, qs = charge_sites(x, theta, self.q, self.l)
        f = np.zeros_like(y)
        kappa = self.setup.kappa
        if self.part == "real":
            cp = neighbor_pairs(y, self.box, self.setup.r_cut)
            energy = _charge_real_kernel(cp.i, cp.j, cp.d, qs, kappa, self.setup.r_cut, self.eps0, f)
        elif self.part == "reciprocal":
            kint = half_plane_kvectors(self.box, self.setup.k_cut)
            energy = _charge_recip_kernel(y, qs, self.box, kappa, kint, self.eps0, f)
        else:
            area = float(self.box[0] * self.box[1])
            energy = (-np.sum(qs**2) * (EULER_GAMMA + 2.0 * math.log(kappa)) / (8.0 * math.pi * self.eps0)
                      - np.sum(qs) ** 2 / (8.0 * self.eps0 * kappa**2 * area)
                      - theta.shape[0] * self.q**2 * math.log(self.l) / (2.0 * math.pi * self.eps0))
        force, torque = to_molecules(f, theta, self.l)
        return Contribution(float(energy), force, torque)


def finite_dipole_terms(q: float, l: float, eps0: float, box: np.ndarray,
                        setup: EwaldSetup) -> tuple[FiniteDipoleEwald, ...]:
    """The three parts of the finite-l charge Ewald energy."""
    box = np.asarray(box, dtype=np.float64)
    return tuple(FiniteDipoleEwald(q, l, eps0, box, setup, part) for part in ("real", "reciprocal", "self"))
