"""Conservative, entropy-decaying finite-difference Landau operator in 2D velocity space (THEORY.md section 6).

Homogeneous Landau equation, written with g = grad log f:

    d_t f = div J,   J(v) = int A(v - w) f(v) f(w) (g(v) - g(w)) dw,   A(z) = Phi(|z|) (|z|^2 I - z (x) z).

Discretisation (the "entropic" scheme of Degond & Lucquin-Desreux, Numer. Math. 68 (1994), on a uniform
cell-centred grid v_k of [-L, L]^2, spacing h): D is a difference operator exact on quadratics (centred
inside, second-order one-sided on the edge rows), g_k = (D log f)_k, and

    J_k = h^2 f_k sum_j A(v_k - v_j) f_j (g_k - g_j),     Q = -(D_x^T J_x + D_y^T J_y).

Because sum_i phi_i Q_i = -(1/2) sum_kj f_k f_j ((D phi)_k - (D phi)_j) . A_kj (g_k - g_j), and
D 1 = 0, D v = e, D |v|^2 = 2 v exactly while A(z) z = 0, the grid sums of f, v f and |v|^2 f are
conserved for every f (to round-off), and every Runge-Kutta step inherits this. With phi = log f the
same identity gives the discrete H-theorem  d/dt sum f log f <= 0  (A is positive semi-definite).
log M of a (drifting) Maxwellian is quadratic, so D log M is exact, g_k - g_j is parallel to v_k - v_j
and Q(M) = 0: Maxwellians are stationary on the grid.
The sums over j are discrete convolutions (A depends on v_k - v_j only), evaluated by zero-padded FFT.
"""

from collections.abc import Callable
from typing import NamedTuple

import numpy as np
from numba import njit
from scipy import fft

from particles.kinetic.kernels import LandauKernel, kernel_components


class LandauGrid(NamedTuple):
    """Cell-centred velocity grid (same nodes on both axes) and the FFTs of the padded kernel A."""

    v: np.ndarray
    h: float
    a_hat: tuple[np.ndarray, np.ndarray, np.ndarray]


def make_grid(n: int, half_width: float, kernel: LandauKernel) -> LandauGrid:
    """n x n nodes v_i = -L + h (i + 1/2), h = 2L/n, and rfft2 of A on differences (padded to 2n)."""
    h = 2.0 * half_width / n
    v = -half_width + h * (np.arange(n) + 0.5)
    m = np.arange(2 * n)
    z = h * np.where(m < n, m, m - 2 * n)  # circular layout of the differences -(n-1)..(n-1)
    zx, zy = np.meshgrid(z, z, indexing="ij")
    a_hat = tuple(fft.rfft2(c) for c in kernel_components(zx, zy, kernel))
    return LandauGrid(v, h, a_hat)


@njit(cache=True)
def diff_axis0(u: np.ndarray, h: float) -> np.ndarray:
    """(D u) along axis 0: centred inside, (-3, 4, -1)/(2h) and (1, -4, 3)/(2h) on the edge rows."""
    n = u.shape[0]
    out = np.empty_like(u)
    for j in range(u.shape[1]):
        out[0, j] = (-3.0 * u[0, j] + 4.0 * u[1, j] - u[2, j]) / (2 * h)
        for i in range(1, n - 1):
            out[i, j] = (u[i + 1, j] - u[i - 1, j]) / (2 * h)
        out[n - 1, j] = (u[n - 3, j] - 4.0 * u[n - 2, j] + 3.0 * u[n - 1, j]) / (2 * h)
    return out


@njit(cache=True)
def diff_transpose_axis0(w: np.ndarray, h: float) -> np.ndarray:
    """(D^T w) along axis 0, the exact transpose of diff_axis0."""
    n = w.shape[0]
    out = np.zeros_like(w)
    for j in range(w.shape[1]):
        out[0, j] += -3.0 * w[0, j] / (2 * h)
        out[1, j] += 4.0 * w[0, j] / (2 * h)
        out[2, j] += -w[0, j] / (2 * h)
        for i in range(1, n - 1):
            out[i + 1, j] += w[i, j] / (2 * h)
            out[i - 1, j] -= w[i, j] / (2 * h)
        out[n - 3, j] += w[n - 1, j] / (2 * h)
        out[n - 2, j] += -4.0 * w[n - 1, j] / (2 * h)
        out[n - 1, j] += 3.0 * w[n - 1, j] / (2 * h)
    return out


def gradient(u: np.ndarray, h: float) -> tuple[np.ndarray, np.ndarray]:
    """(D_x u, D_y u) on the grid (axis 0 is v_x)."""
    return diff_axis0(u, h), diff_axis0(u.T, h).T


def _unpad(spectrum: np.ndarray, n: int) -> np.ndarray:
    """Inverse of a padded (2n x 2n) spectrum restricted to the n x n grid: sum_j A(v_k - v_j) u_j."""
    return fft.irfft2(spectrum, s=(2 * n, 2 * n))[:n, :n]


def landau_flux(f: np.ndarray, grid: LandauGrid) -> tuple[np.ndarray, np.ndarray]:
    """J_k = h^2 f_k sum_j A_kj f_j (g_k - g_j), g = D log f (f > 0 everywhere)."""
    n = f.shape[0]
    gx, gy = gradient(np.log(f), grid.h)
    s = (2 * n, 2 * n)
    f_hat, fgx_hat, fgy_hat = fft.rfft2(f, s=s), fft.rfft2(f * gx, s=s), fft.rfft2(f * gy, s=s)
    kxx, kxy, kyy = grid.a_hat
    axx, axy, ayy = (_unpad(k * f_hat, n) for k in grid.a_hat)
    bx = _unpad(kxx * fgx_hat + kxy * fgy_hat, n)
    by = _unpad(kxy * fgx_hat + kyy * fgy_hat, n)
    h2f = grid.h**2 * f
    return h2f * (axx * gx + axy * gy - bx), h2f * (axy * gx + ayy * gy - by)


def landau_operator(f: np.ndarray, grid: LandauGrid) -> np.ndarray:
    """Q(f) = -(D_x^T J_x + D_y^T J_y)."""
    jx, jy = landau_flux(f, grid)
    return -(diff_transpose_axis0(jx, grid.h) + diff_transpose_axis0(jy.T, grid.h).T)


class Diagnostics(NamedTuple):
    """Grid quadratures h^2 sum(.) of f, v f, |v|^2 f and the entropy S = -h^2 sum f log f."""

    mass: float
    momentum_x: float
    momentum_y: float
    energy: float
    entropy: float


def diagnostics(f: np.ndarray, grid: LandauGrid) -> Diagnostics:
    """Mass, momentum, energy (int |v|^2 f) and entropy of f on the grid."""
    vx, vy = np.meshgrid(grid.v, grid.v, indexing="ij")
    w = grid.h**2
    return Diagnostics(
        w * f.sum(),
        w * (vx * f).sum(),
        w * (vy * f).sum(),
        w * ((vx * vx + vy * vy) * f).sum(),
        -w * (f * np.log(f)).sum(),
    )


def stable_time_step(f: np.ndarray, grid: LandauGrid, safety: float = 0.5) -> float:
    """Explicit RK4 step safety * h^2 / max_k lambda_max(a_k), a_k = h^2 sum_j A_kj f_j."""
    n = f.shape[0]
    f_hat = fft.rfft2(f, s=(2 * n, 2 * n))
    axx, axy, ayy = (grid.h**2 * _unpad(k * f_hat, n) for k in grid.a_hat)
    lam = 0.5 * (axx + ayy) + np.sqrt(0.25 * (axx - ayy) ** 2 + axy**2)
    return safety * grid.h**2 / lam.max()


def rk4_step(f: np.ndarray, dt: float, q: np.ndarray, operator: Callable[[np.ndarray], np.ndarray]) -> np.ndarray:
    """One classical Runge-Kutta step of d_t f = operator(f), given q = operator(f); raises if f loses positivity."""
    k2 = operator(f + 0.5 * dt * q)
    k3 = operator(f + 0.5 * dt * k2)
    k4 = operator(f + dt * k3)
    out = f + dt / 6.0 * (q + 2 * k2 + 2 * k3 + k4)
    if not np.all(out > 0.0):
        raise FloatingPointError("f lost positivity: reduce max_rel_change")
    return out


def evolve(
    f0: np.ndarray,
    grid: LandauGrid,
    t_end: float,
    max_rel_change: float = 0.25,
    safety: float = 0.5,
    operator: Callable[[np.ndarray], np.ndarray] | None = None,
) -> tuple[np.ndarray, np.ndarray, list[Diagnostics]]:
    """RK4 to t_end with dt = min(stable_time_step(f0), max_rel_change / max_k |Q_k / f_k|).

    operator defaults to the Landau operator of `grid` (any other collision operator of the same form,
    e.g. Lenard-Balescu, can be passed; the stability bound still uses the kernel of `grid`). The second
    bound keeps the far tails (f ~ 1e-15 and below, where neighbouring values differ by orders of magnitude
    on a coarse grid) positive. Returns f(t_end), the step times and the diagnostics after every step.
    """
    if operator is None:
        def operator(u: np.ndarray) -> np.ndarray:
            return landau_operator(u, grid)

    dt_max = stable_time_step(f0, grid, safety)
    f = f0.copy()
    t = 0.0
    times = [t]
    history = [diagnostics(f, grid)]
    while t < t_end * (1.0 - 1e-14):
        q = operator(f)
        dt = min(dt_max, max_rel_change / np.max(np.abs(q) / f), t_end - t)
        f = rk4_step(f, dt, q, operator)
        t += dt
        times.append(t)
        history.append(diagnostics(f, grid))
    return f, np.array(times), history
