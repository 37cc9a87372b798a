"""Classical Lenard-Balescu operator in 3D velocity space, docs/theory.md (6.8), (6.9), (6.11)
(eqs. (1.17)-(1.19) of Le Bihan, "Around the quantum Lenard-Balescu equation", arXiv:2501.06544).

    Q(f)(v) = c_3 div int k (x) k V(k)^2 delta(k.(v - w)) / |eps(k, k.v)|^2 (f(w) grad f(v) - f(v) grad f(w)) dk dw,
    eps = 1 + V(k) chi_e(e.v),   chi_e(u) = int F_e'(s) / (u - s - i0) ds,   c_3 = 2 / (2 pi)^3,

V(k) = alpha / (|k|^2 + kappa0^2), k = kappa e, F_e the projection of f on the direction e (lenard_balescu.py). With
dk = kappa^2 dkappa dOmega and delta(kappa e.z) = delta(e.z) / kappa the operator is of Landau form with

    B(v, w) = (c_3 / |z|) int_0^{2 pi} e (x) e K(e, e.v) dphi,   e = cos(phi) e1 + sin(phi) e2 (e1, e2, z orthogonal),
    K(e, u) = int_0^{kappa_max} kappa^3 alpha^2 / |kappa^2 + kappa0^2 + alpha chi_e(u)|^2 dkappa
            = (alpha^2 / 2) int_0^{X} x dx / ((x + a)^2 + b^2),   X = kappa_max^2, a + i b = kappa0^2 + alpha chi_e(u).

In 3D the kappa-integral diverges logarithmically (the Coulomb logarithm): kappa_max is the inverse distance of
closest approach. e.v = e.w on the circle (e.z = 0), so B(v, w) = B(w, v); B z = 0 and B is positive
semi-definite. The full 3D grid is used (no symmetry reduction): n^3 nodes with n = 12..16 cost O(n^6) pair
terms times the circle quadrature, about a second per operator evaluation in numba. Without screening
(chi = 0) K is constant and B = Lambda (|z|^2 I - z (x) z) / |z|^3 with Lambda = pi c_3 K: the Coulomb Landau kernel.

Discretisation as in 2D (landau_grid.py): J_k = h^3 f_k sum_j B_kj f_j (g_k - g_j), g = D log f, Q = -sum_a D_a^T J_a,
so mass, momentum and energy are conserved to round-off, the discrete H-theorem holds and Maxwellians are
stationary. chi_e(u) is tabulated on a (theta, phi) grid of directions (trapezoid/bilinear) from the grid values
smoothed along u exactly as in lenard_balescu._project (Richardson pair of Gaussian widths 0.8 h and 1.1 h).
"""

import numpy as np
from numba import njit

from hydrobridge.particles.kinetic.landau_grid import LandauGrid, divergence, gradient
from hydrobridge.particles.kinetic.lenard_balescu import (
    ScreenedPotential,
    SusceptibilityTable,
    chi_from_derivative,
    deposit_derivative,
)

C_3D = 2.0 / (2.0 * np.pi) ** 3


@njit(cache=True)
def _project_3d(f, v, h, ex, ey, ez, u0, du, nu):
    """F_e'(u) on the u-grid for every direction (ex, ey, ez flattened), smoothed as in lenard_balescu._project."""
    n = v.shape[0]
    out = np.zeros((ex.shape[0], nu))
    for m in range(ex.shape[0]):
        for a in range(n):
            for b in range(n):
                for c in range(n):
                    proj = ex[m] * v[a] + ey[m] * v[b] + ez[m] * v[c]
                    deposit_derivative(out[m], f[a, b, c] * h * h * h, proj, u0, du, h)
    return out


def susceptibility_3d(f: np.ndarray, grid: LandauGrid, n_theta: int, n_phi: int) -> SusceptibilityTable:
    """chi_e(u) = pi H[F_e'](u) + i pi F_e'(u) on theta_i = pi i / n_theta (i = 0..n_theta), phi_j = 2 pi j / n_phi;
    chi has shape (n_theta + 1, n_phi, n_u)."""
    half = np.sqrt(3.0) * (abs(grid.v[0]) + 7 * grid.h)
    du = grid.h / 8
    nu = int(np.ceil(2 * half / du)) + 1
    th, ph = np.meshgrid(np.pi * np.arange(n_theta + 1) / n_theta, 2 * np.pi * np.arange(n_phi) / n_phi, indexing="ij")
    ex, ey, ez = (np.sin(th) * np.cos(ph)).ravel(), (np.sin(th) * np.sin(ph)).ravel(), np.cos(th).ravel()
    chi = chi_from_derivative(_project_3d(f, grid.v, grid.h, ex, ey, ez, -half, du, nu), du)
    return SusceptibilityTable(chi.reshape(n_theta + 1, n_phi, nu), -half, du)


def kappa_integral(a: np.ndarray, b: np.ndarray, x_max: float) -> np.ndarray:
    """int_0^X x dx / ((x + a)^2 + b^2) = ln|X + a + i b| - ln|a + i b| - a int_0^X dx / ((x + a)^2 + b^2)
    (a > 0 or b != 0); the last integral is (arctan((X + a)/b) - arctan(a/b)) / b, -> 1/a - 1/(X + a) as b -> 0."""
    a = np.asarray(a, dtype=float)
    b = np.abs(np.asarray(b, dtype=float))
    small = b < 1e-8 * np.maximum(np.abs(a), 1e-300)
    safe_b = np.where(small, 1.0, b)
    angle = (np.arctan2(x_max + a, safe_b) - np.arctan2(a, safe_b)) / safe_b
    angle = np.where(small, 1.0 / np.where(small, a, 1.0) - 1.0 / (x_max + np.where(small, a, 0.0)), angle)
    return 0.5 * np.log(((x_max + a) ** 2 + b**2) / (a * a + b * b)) - a * angle


def kernel_table_3d(table: SusceptibilityTable, potential: ScreenedPotential, kappa_max: float) -> np.ndarray:
    """c_3 K(e, u) on the table (module doc); a = kappa0^2 + alpha Re chi must stay > 0 or Im chi != 0."""
    shifted = potential.kappa0**2 + potential.alpha * table.chi
    return C_3D * 0.5 * potential.alpha**2 * kappa_integral(shifted.real, shifted.imag, kappa_max**2)


def unscreened_coulomb_log(potential: ScreenedPotential, kappa_max: float) -> float:
    """Lambda = pi c_3 (alpha^2 / 2) int_0^X x dx / (x + kappa0^2)^2: the Landau kernel Lambda/|z|^3 at eps = 1."""
    return float(np.pi * C_3D * 0.5 * potential.alpha**2
                 * kappa_integral(np.array(potential.kappa0**2), np.array(0.0), kappa_max**2))


@njit(cache=True)
def _kernel_at(kt, u0, du, ex, ey, ez, u):
    """Bilinear in (theta, phi) (phi periodic), linear in u, of the tabulated c_3 K."""
    n_theta, n_phi, n_u = kt.shape[0] - 1, kt.shape[1], kt.shape[2]
    t = np.arccos(min(1.0, max(-1.0, ez))) / np.pi * n_theta
    i = min(int(t), n_theta - 1)
    ft = t - i
    p = (np.arctan2(ey, ex) % (2 * np.pi)) / (2 * np.pi) * n_phi
    j = min(int(p), n_phi - 1)
    fp = p - j
    j1 = (j + 1) % n_phi
    x = (u - u0) / du
    k = min(max(int(np.floor(x)), 0), n_u - 2)
    fu = x - k
    out = 0.0
    for di, wi in ((0, 1 - ft), (1, ft)):
        for jj, wj in ((j, 1 - fp), (j1, fp)):
            out += wi * wj * ((1 - fu) * kt[i + di, jj, k] + fu * kt[i + di, jj, k + 1])
    return out


@njit(cache=True)
def _pair_flux_3d(f, g0, g1, g2, v, h, kt, u0, du, n_circle):
    """J_k = h^3 f_k sum_j f_j B_kj (g_k - g_j), B_kj = (1/|z|) sum_phi e (x) e c_3 K(e, e.v_k) (2 pi / n_circle),
    summed once per unordered pair (exactly antisymmetric)."""
    n = v.shape[0]
    total = n * n * n
    j0 = np.zeros_like(f)
    j1 = np.zeros_like(f)
    j2 = np.zeros_like(f)
    for p in range(total):
        a, b, c = p // (n * n), (p // n) % n, p % n
        for q in range(p + 1, total):
            d, e_, s = q // (n * n), (q // n) % n, q % n
            z0, z1, z2 = v[a] - v[d], v[b] - v[e_], v[c] - v[s]
            r = np.sqrt(z0 * z0 + z1 * z1 + z2 * z2)
            # orthonormal e1, e2 perpendicular to z
            if abs(z0) <= abs(z1) and abs(z0) <= abs(z2):
                w0, w1, w2 = 0.0, -z2, z1
            elif abs(z1) <= abs(z2):
                w0, w1, w2 = -z2, 0.0, z0
            else:
                w0, w1, w2 = -z1, z0, 0.0
            wn = np.sqrt(w0 * w0 + w1 * w1 + w2 * w2)
            a0, a1, a2 = w0 / wn, w1 / wn, w2 / wn
            b0, b1, b2 = (z1 * a2 - z2 * a1) / r, (z2 * a0 - z0 * a2) / r, (z0 * a1 - z1 * a0) / r
            dg0 = g0[a, b, c] - g0[d, e_, s]
            dg1 = g1[a, b, c] - g1[d, e_, s]
            dg2 = g2[a, b, c] - g2[d, e_, s]
            weight = h * h * h * f[a, b, c] * f[d, e_, s] / r * (2 * np.pi / n_circle)
            for m in range(n_circle):
                cp, sp = np.cos(2 * np.pi * m / n_circle), np.sin(2 * np.pi * m / n_circle)
                e0, e1, e2 = cp * a0 + sp * b0, cp * a1 + sp * b1, cp * a2 + sp * b2
                u = 0.5 * (e0 * (v[a] + v[d]) + e1 * (v[b] + v[e_]) + e2 * (v[c] + v[s]))
                wk = weight * _kernel_at(kt, u0, du, e0, e1, e2, u) * (e0 * dg0 + e1 * dg1 + e2 * dg2)
                j0[a, b, c] += wk * e0
                j1[a, b, c] += wk * e1
                j2[a, b, c] += wk * e2
                j0[d, e_, s] -= wk * e0
                j1[d, e_, s] -= wk * e1
                j2[d, e_, s] -= wk * e2
    return j0, j1, j2


def lenard_balescu_operator_3d(f: np.ndarray, grid: LandauGrid, potential: ScreenedPotential, kappa_max: float,
                               n_theta: int = 16, n_phi: int = 32, n_circle: int = 16,
                               screening: bool = True) -> np.ndarray:
    """Q_LB(f) = -sum_a D_a^T J_a with the dynamically screened 3D kernel (eps from f itself; screening=False: eps = 1)."""
    if grid.dim != 3:
        raise ValueError(f"grid.dim must be 3 for the 3D Lenard-Balescu operator, got {grid.dim}")
    if kappa_max <= 0.0:
        raise ValueError(f"kappa_max (Coulomb-logarithm cut-off) must be positive, got {kappa_max}")
    table = susceptibility_3d(f, grid, n_theta, n_phi)
    if not screening:
        table = SusceptibilityTable(np.zeros_like(table.chi), table.u0, table.du)
    kt = kernel_table_3d(table, potential, kappa_max)
    g = gradient(np.log(f), grid.h)
    fluxes = _pair_flux_3d(f, g[0], g[1], g[2], grid.v, grid.h, np.ascontiguousarray(kt), table.u0, table.du, n_circle)
    return divergence(fluxes, grid.h)
