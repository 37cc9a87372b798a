"""Particle-mesh (smooth PME) reciprocal part for point dipoles, O(N log N) (docs/theory.md §2 (2.9)-(2.10)).

Replaces EwaldReciprocal; the real-space and self terms of ewald.py are unchanged. With scaled coordinates
u = K x / L on a K1 x K2 grid and cardinal B-splines M_p of even order p, the Euler exponential spline
    exp(i k.x_j) ~ b(k) sum_m W_j(m) exp(2 pi i (k1 m1 / K1 + k2 m2 / K2)),  W_j(m) = M_p(u_j1 - m1) M_p(u_j2 - m2)
turns S(k) = sum_j (p_j . k) exp(i k.x_j) into b(k) sum_a k_a Q~_a(k), Q_a(m) = sum_j p_ja W_j(m), so

    U_pm = (1/(2 eps0 |Omega|)) sum_{k != 0} G(k) |T(k)|^2,  G = exp(-k^2/(4 kappa^2)) |b(k)|^2 / k^2,
    T(k) = sum_a k_a Q~_a(k),  Q~_a(k) = sum_m Q_a(m) exp(2 pi i k.m / K)  (one FFT per component).

Forces and torques are the exact derivatives of U_pm: with Phi_a(m) = dU/dQ_a(m)
    = (1/(eps0 |Omega|)) sum_k G(k) k_a conj(T(k)) exp(2 pi i k.m / K)   (real),
    F_j = -sum_{m,a} Phi_a(m) p_ja grad_x W_j(m),   tau_j = -sum_m (Phi_y(m) p_jx - Phi_x(m) p_jy) W_j(m).
|b(k1)|^-2 = |sum_{j=0}^{p-2} M_p(j + 1) exp(2 pi i k1 j / K1)|^2 (Essmann et al. 1995). Nyquist modes
(k1 = K1/2 or k2 = K2/2) are left out.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cached_property

import numba
import numpy as np
import scipy.fft

from hydrobridge.particles.dipolar.forcefield import Contribution
from hydrobridge.particles.dipolar.space import Pairs


@numba.njit(cache=True, inline="always")
def _bspline(w, order, vals, ders):
    """vals[j] = M_order(w + j), ders[j] = M_order'(w + j) for j = 0..order-1, 0 <= w < 1."""
    vals[:] = 0.0
    vals[0] = w
    vals[1] = 1.0 - w
    for n in range(3, order + 1):
        if n == order:
            ders[0] = vals[0]
            for j in range(1, order):
                ders[j] = vals[j] - vals[j - 1]
        for j in range(n - 1, -1, -1):
            left = vals[j - 1] if j > 0 else 0.0
            vals[j] = ((w + j) * vals[j] + (n - w - j) * left) / (n - 1)
    if order == 2:
        ders[0], ders[1] = 1.0, -1.0


@numba.njit(cache=True)
def _stencils(x, box, grid, order):
    """Each particle's B-spline stencil on the K1 x K2 grid, u = K x / L: rows m1[j, a] = (floor(u1) - a) mod K1,
    columns m2[j, b] = (floor(u2) - b) mod K2 (a, b = 0..order-1) and w[j] = (M_p(u1 - m1), M_p'(u1 - m1),
    M_p(u2 - m2), M_p'(u2 - m2)) along a (first two) and b (last two); W_j(m) = w[j, 0, a] w[j, 2, b]."""
    n = x.shape[0]
    k1, k2 = grid
    m1 = np.empty((n, order), dtype=np.int64)
    m2 = np.empty((n, order), dtype=np.int64)
    w = np.empty((n, 4, order))
    for j in range(n):
        u1 = x[j, 0] / box[0] * k1
        u2 = x[j, 1] / box[1] * k2
        f1, f2 = math.floor(u1), math.floor(u2)
        _bspline(u1 - f1, order, w[j, 0], w[j, 1])
        _bspline(u2 - f2, order, w[j, 2], w[j, 3])
        for a in range(order):
            m1[j, a] = int(f1 - a) % k1
            m2[j, a] = int(f2 - a) % k2
    return m1, m2, w


@numba.njit(cache=True)
def _spread(m1, m2, w, theta, mu, qx, qy):
    """Q_a(m) = sum_j p_ja W_j(m) on the stencils of ``_stencils``."""
    order = m1.shape[1]
    for j in range(theta.shape[0]):
        px, py = mu * math.cos(theta[j]), mu * math.sin(theta[j])
        for a in range(order):
            for b in range(order):
                wab = w[j, 0, a] * w[j, 2, b]
                qx[m1[j, a], m2[j, b]] += px * wab
                qy[m1[j, a], m2[j, b]] += py * wab


@numba.njit(cache=True)
def _gather(m1, m2, w, theta, mu, box, phix, phiy, force, torque):
    """Subtracts sum_{m,a} Phi_a(m) p_ja grad_x W_j(m) from force[j] and sum_m (Phi_y p_jx - Phi_x p_jy) W_j(m)
    from torque[j], on the stencils of ``_stencils``."""
    k1, k2 = phix.shape
    order = m1.shape[1]
    for j in range(theta.shape[0]):
        px, py = mu * math.cos(theta[j]), mu * math.sin(theta[j])
        gx, gy, tq = 0.0, 0.0, 0.0
        for a in range(order):
            for b in range(order):
                fx, fy = phix[m1[j, a], m2[j, b]], phiy[m1[j, a], m2[j, b]]
                pp = fx * px + fy * py
                gx += pp * w[j, 1, a] * w[j, 2, b] * k1 / box[0]
                gy += pp * w[j, 0, a] * w[j, 3, b] * k2 / box[1]
                tq += (fy * px - fx * py) * w[j, 0, a] * w[j, 2, b]
        force[j, 0] -= gx
        force[j, 1] -= gy
        torque[j] -= tq


def _bspline_modulus(k: int, order: int) -> np.ndarray:
    """|b(k1)|^2 for k1 = 0..K-1 (FFT order)."""
    vals, ders = np.empty(order), np.empty(order)
    _bspline(0.0, order, vals, ders)  # vals[j] = M_p(j); M_p(j + 1) = vals[j + 1]
    j = np.arange(order - 1)
    s = np.exp(2j * np.pi * np.outer(np.arange(k), j) / k) @ vals[1:order]
    return 1.0 / np.abs(s) ** 2


def pm_grid(box: np.ndarray, kappa: float, accuracy: float, order: int = 6) -> tuple[int, int]:
    """Even FFT-friendly grid sizes K_i >= L_i / h, h = (4 accuracy)^(1/order) / kappa.

    Empirical rule (measured against Ewald for orders 4-8): relative error of U_pm and of its forces is
    about (kappa h)^order / 4.
    """
    if not 0.0 < accuracy < 1.0:
        raise ValueError(f"accuracy must be in (0, 1), got {accuracy}")
    h = (4.0 * accuracy) ** (1.0 / order) / kappa
    return tuple(2 * scipy.fft.next_fast_len(math.ceil(0.5 * max(float(length) / h, order)), real=True)
                 for length in box)


@dataclass(frozen=True)
class ParticleMesh:
    """Smooth-PME reciprocal dipole term on a (K1, K2) grid with B-splines of even order (module docstring)."""

    mu: float
    eps0: float
    kappa: float
    box: np.ndarray
    grid: tuple[int, int]
    order: int = 6
    r_cut: float = 0.0

    def __post_init__(self) -> None:
        if self.order < 2 or self.order % 2:
            raise ValueError(f"order must be an even integer >= 2, got {self.order}")
        if min(self.grid) < self.order:
            raise ValueError(f"grid {self.grid} must be at least order = {self.order} in each direction")

    @cached_property
    def _influence(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(kx, ky, w G) on the half spectrum of rfft2 (k2 >= 0), G(0) = 0, w = 2 for k2 > 0 (the -k2 twins)."""
        k1, k2 = self.grid
        kx = 2.0 * np.pi * np.fft.fftfreq(k1, d=self.box[0] / k1)
        ky = 2.0 * np.pi * np.fft.rfftfreq(k2, d=self.box[1] / k2)
        kx, ky = np.meshgrid(kx, ky, indexing="ij")
        k2v = kx**2 + ky**2
        k2v[0, 0] = 1.0
        g = np.exp(-k2v / (4.0 * self.kappa**2)) / k2v
        g *= np.outer(_bspline_modulus(k1, self.order), _bspline_modulus(k2, self.order)[: ky.shape[1]])
        g[0, 0] = 0.0
        # Nyquist modes (K/2) have no Hermitian partner; drop them so U_pm stays real and exactly differentiable
        if k1 % 2 == 0:
            g[k1 // 2, :] = 0.0
        if k2 % 2 == 0:
            g[:, k2 // 2] = 0.0
        g[:, 1:] *= 2.0
        return kx, ky, g

    def __call__(self, x: np.ndarray, theta: np.ndarray, t: float, pairs: Pairs | None) -> Contribution:
        n = theta.shape[0]
        area = float(self.box[0] * self.box[1])
        qx, qy = np.zeros(self.grid), np.zeros(self.grid)
        m1, m2, w = _stencils(x, self.box, self.grid, self.order)
        _spread(m1, m2, w, theta, self.mu, qx, qy)
        kx, ky, g = self._influence
        # sum_m Q(m) e^{+2 pi i k.m / K} = conj(rfft2(Q)) for real Q
        tk = np.conj(kx * scipy.fft.rfft2(qx) + ky * scipy.fft.rfft2(qy))
        energy = float(np.sum(g * (tk.real**2 + tk.imag**2))) / (2.0 * self.eps0 * area)
        # Phi_a(m) = (1/(eps0 A)) sum_k G k_a conj(T) e^{+2 pi i k.m/K}; irfft2 undoes the weight 2 of g
        ct = (0.5 * qx.size / (self.eps0 * area)) * g * np.conj(tk)
        ct[:, 0] *= 2.0
        phix = np.ascontiguousarray(scipy.fft.irfft2(kx * ct, s=self.grid))
        phiy = np.ascontiguousarray(scipy.fft.irfft2(ky * ct, s=self.grid))
        force, torque = np.zeros((n, 2)), np.zeros(n)
        _gather(m1, m2, w, theta, self.mu, self.box, phix, phiy, force, torque)
        return Contribution(energy, force, torque)
