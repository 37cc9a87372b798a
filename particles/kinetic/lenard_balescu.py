"""Classical Lenard-Balescu operator in 2D velocity space, docs/theory.md (6.8)-(6.10)
(eqs. (1.17)-(1.19) of Le Bihan, "Around the quantum Lenard-Balescu equation", arXiv:2501.06544).

    Q(f)(v) = c_d div int k (x) k  V(k)^2 delta(k.(v - w)) / |eps(k, k.v)|^2 (f(w) grad f(v) - f(v) grad f(w)) dk dw,
    eps(k, k.v) = 1 + V(k) int k.grad f(v*) / (k.(v - v*) - i0) dv*,     c_d = 2 / (2 pi)^d.

For the screened-Coulomb potential V(k) = alpha / (|k|^2 + kappa0^2) (kappa0 = 0: bare 2D Coulomb) write
k = kappa e. With u = e.v and the projection F_e(u) = int f delta(e.v - u) dv, eps = 1 + V(kappa) chi_e(u),

    chi_e(u) = int F_e'(s) / (u - s - i0) ds = pi H[F_e'](u) + i pi F_e'(u)       (H: Hilbert transform),

independent of kappa. The k-integral is then exact: delta(e.z) puts e = +-z_perp/|z|, and
int_0^inf kappa^2 alpha^2 / |kappa^2 + kappa0^2 + alpha chi|^2 dkappa = pi alpha^2 / (4 Re sqrt(kappa0^2 + alpha chi)),
so the operator is of Landau form with a solution-dependent kernel

    B(v, w) = Psi(e, u) (|z|^2 I - z (x) z) / |z|^3,   Psi = alpha^2 / (4 pi Re sqrt(kappa0^2 + alpha chi_e(u))),

z = v - w, e = z_perp/|z|, u = e.v = e.w. Without screening (eps = 1) this is the Coulomb-type Landau kernel
Lambda / |z|^3 with Lambda = alpha^2 / (4 pi kappa0) (kernels.coulomb); |chi| -> 0 recovers it.
Psi(-e, -u) = Psi(e, u), so a table over directions e(theta), theta in [0, pi], suffices.

Discretisation: the grid scheme of landau_grid.py with B in place of A (B symmetric, positive semi-definite,
B z = 0), so mass, momentum and energy are conserved to round-off, the discrete H-theorem holds and
Maxwellians are stationary. B is not translation invariant: the pair sum is a direct O(n^4) numba loop.
F_e' is built from the grid values (h^2 f_k placed at e.v_k) smoothed by a Gaussian kernel, evaluated
exactly on a fine u-grid (spacing h/8); the Hilbert transform is spectral. Placing grid points on a line
gives a spike train (periodic for grid-aligned directions) whose alias at wavenumber K = 2 pi/h biases
chi(u) by ~ pi K F(u) times its amplitude: widths >= 0.8 h suppress it, and the Richardson combination
of widths 0.8 h and 1.1 h cancels their O(sigma^2) broadening, leaving an O(h^4) smoothing error.
For a Maxwellian of temperature T the result is chi(u) = conj(1 + zeta Z(zeta)) / T, zeta = u / sqrt(2T)
(Z: plasma dispersion function; the -i0 of eq. 1.19 gives the complex conjugate of the usual
Landau-contour response, |eps| is the same).
"""

from typing import NamedTuple

import numpy as np
from numba import njit

from hydrobridge.particles.kinetic.landau_grid import LandauGrid, divergence, gradient


class ScreenedPotential(NamedTuple):
    """V(k) = alpha / (|k|^2 + kappa0^2)."""

    alpha: float
    kappa0: float


class SusceptibilityTable(NamedTuple):
    """chi_e(u) on directions theta_m = pi m / n_dir (m = 0..n_dir) and u_i = u0 + du i."""

    chi: np.ndarray
    u0: float
    du: float


@njit(cache=True)
def deposit_derivative(row: np.ndarray, mass: float, centre_u: float, u0: float, du: float, h: float) -> None:
    """Add -mass K'(u - centre_u) to row (the u-grid u0 + du i), K = (s2^2 G_s1 - s1^2 G_s2) / (s2^2 - s1^2)
    (G_s: centred Gaussian of width s; s1 = 0.8 h, s2 = 1.1 h): one grid value's share of F_e'."""
    s1, s2 = 0.8 * h, 1.1 * h
    a1, a2 = s2 * s2 / (s2 * s2 - s1 * s1), s1 * s1 / (s2 * s2 - s1 * s1)
    reach = int(np.ceil(6.0 * s2 / du))
    centre = int(np.rint((centre_u - u0) / du))
    for i in range(max(0, centre - reach), min(row.shape[0], centre + reach + 1)):
        x = u0 + du * i - centre_u
        g1 = np.exp(-0.5 * (x / s1) ** 2) / (np.sqrt(2 * np.pi) * s1**3)
        g2 = np.exp(-0.5 * (x / s2) ** 2) / (np.sqrt(2 * np.pi) * s2**3)
        row[i] -= mass * x * (a1 * g1 - a2 * g2)


@njit(cache=True)
def _project(f: np.ndarray, v: np.ndarray, h: float, thetas: np.ndarray, u0: float, du: float, nu: int) -> np.ndarray:
    """F_e'(u) on the u-grid for every direction, from h^2 f_k placed at e.v_k and smoothed (deposit_derivative)."""
    out = np.zeros((len(thetas), nu))
    for m in range(len(thetas)):
        ex, ey = np.cos(thetas[m]), np.sin(thetas[m])
        for a in range(v.shape[0]):
            for b in range(v.shape[0]):
                deposit_derivative(out[m], f[a, b] * h * h, ex * v[a] + ey * v[b], u0, du, h)
    return out


def chi_from_derivative(derivative: np.ndarray, du: float) -> np.ndarray:
    """chi = pi H[F'] + i pi F' along the last axis (Hilbert transform by zero-padded FFT)."""
    nu = derivative.shape[-1]
    pad = 4 * nu
    omega = 2 * np.pi * np.fft.fftfreq(pad, du)
    hilbert = np.fft.ifft(-1j * np.sign(omega) * np.fft.fft(derivative, n=pad, axis=-1), axis=-1).real[..., :nu]
    return np.pi * (hilbert + 1j * derivative)


def susceptibility(f: np.ndarray, grid: LandauGrid, n_dir: int) -> SusceptibilityTable:
    """chi_e(u) = pi H[F_e'](u) + i pi F_e'(u) for theta in [0, pi]."""
    half = np.sqrt(2.0) * (abs(grid.v[0]) + 7 * grid.h)
    du = grid.h / 8
    nu = int(np.ceil(2 * half / du)) + 1
    thetas = np.pi * np.arange(n_dir + 1) / n_dir
    return SusceptibilityTable(chi_from_derivative(_project(f, grid.v, grid.h, thetas, -half, du, nu), du), -half, du)


def kernel_table(table: SusceptibilityTable, potential: ScreenedPotential) -> np.ndarray:
    """Psi = alpha^2 / (4 pi Re sqrt(kappa0^2 + alpha chi)) on the table (principal square root)."""
    root = np.sqrt(potential.kappa0**2 + potential.alpha * table.chi).real
    return potential.alpha**2 / (4 * np.pi * np.maximum(root, 1e-12))


@njit(cache=True)
def _psi_at(psi: np.ndarray, u0: float, du: float, ex: float, ey: float, u: float) -> float:
    """Bilinear interpolation of Psi at direction e (folded to theta in [0, pi]) and u."""
    if ey < 0.0 or (ey == 0.0 and ex < 0.0):
        ex, ey, u = -ex, -ey, -u
    n_dir = psi.shape[0] - 1
    t = np.arctan2(ey, ex) / np.pi * n_dir
    m = min(int(t), n_dir - 1)
    wt = t - m
    x = (u - u0) / du
    i = int(np.floor(x))
    wu = x - i
    return ((1 - wt) * ((1 - wu) * psi[m, i] + wu * psi[m, i + 1])
            + wt * ((1 - wu) * psi[m + 1, i] + wu * psi[m + 1, i + 1]))


@njit(cache=True)
def _pair_flux(f, gx, gy, v, h, psi, u0, du):
    """J_k = h^2 f_k sum_j f_j B_kj (g_k - g_j), summed once per unordered pair (exactly antisymmetric)."""
    n = v.shape[0]
    jx = np.zeros_like(f)
    jy = np.zeros_like(f)
    for p in range(n * n):
        a, b = p // n, p % n
        for q in range(p + 1, n * n):
            c, d = q // n, q % n
            zx, zy = v[a] - v[c], v[b] - v[d]
            r = np.sqrt(zx * zx + zy * zy)
            ex, ey = -zy / r, zx / r
            u = 0.5 * (ex * (v[a] + v[c]) + ey * (v[b] + v[d]))
            w = _psi_at(psi, u0, du, ex, ey, u) / r * h * h * f[a, b] * f[c, d]
            proj = ex * (gx[a, b] - gx[c, d]) + ey * (gy[a, b] - gy[c, d])
            jx[a, b] += w * proj * ex
            jy[a, b] += w * proj * ey
            jx[c, d] -= w * proj * ex
            jy[c, d] -= w * proj * ey
    return jx, jy


def lenard_balescu_operator(f: np.ndarray, grid: LandauGrid, potential: ScreenedPotential, n_dir: int = 64) -> np.ndarray:
    """Q_LB(f) = -(D_x^T J_x + D_y^T J_y) with the dynamically screened kernel B (eps from f itself); 2D grids."""
    if grid.dim != 2:
        raise ValueError("the Lenard-Balescu operator is implemented in 2D only")
    table = susceptibility(f, grid, n_dir)
    psi = kernel_table(table, potential)
    gx, gy = gradient(np.log(f), grid.h)
    jx, jy = _pair_flux(f, gx, gy, grid.v, grid.h, psi, table.u0, table.du)
    return divergence((jx, jy), grid.h)
