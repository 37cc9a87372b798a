"""Conservative, entropy-decaying finite-difference Landau operator in 2D and 3D velocity space
(docs/theory.md §6 (6.1)-(6.3)).

Homogeneous Landau equation, written with g = grad log f:

    d_t f = div J,   J(v) = int A(v - w) f(v) f(w) (g(v) - g(w)) dw,   A(z) = Phi(|z|) (|z|^2 I - z (x) z).

Discretisation (the "entropic" scheme of Degond & Lucquin-Desreux, Numer. Math. 68 (1994), on a uniform
cell-centred grid v_k of [-L, L]^d, spacing h): D is a difference operator exact on quadratics (centred
inside, second-order one-sided on the edge rows), g_k = (D log f)_k, and

    J_k = h^d f_k sum_j A(v_k - v_j) f_j (g_k - g_j),     Q = -sum_a D_a^T J_a.

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

from hydrobridge.particles.kinetic.kernels import LandauKernel, kernel_components


class LandauGrid(NamedTuple):
    """Cell-centred velocity grid (same nodes on every axis), dimension, and rfftn of the padded kernel A."""

    v: np.ndarray
    h: float
    dim: int
    a_hat: dict[tuple[int, int], np.ndarray]


def make_grid(n: int, half_width: float, kernel: LandauKernel, dim: int = 2) -> LandauGrid:
    """n^dim nodes v_i = -L + h (i + 1/2), h = 2L/n, and rfftn of A_ab (a <= b) on differences (padded to 2n)."""
    h = 2.0 * half_width / n
    v = -half_width + h * (np.arange(n) + 0.5)
    m = np.arange(2 * n)
    z = h * np.where(m < n, m, m - 2 * n)  # circular layout of the differences -(n-1)..(n-1)
    components = kernel_components(np.meshgrid(*([z] * dim), indexing="ij"), kernel)
    return LandauGrid(v, h, dim, {ab: fft.rfftn(c) for ab, c in components.items()})


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


def _along_axis(kernel1d: Callable[[np.ndarray, float], np.ndarray], u: np.ndarray, axis: int, h: float) -> np.ndarray:
    """Apply an axis-0 numba stencil (diff_axis0 or diff_transpose_axis0) along `axis` of an n^d array."""
    moved = np.moveaxis(u, axis, 0)
    out = kernel1d(np.ascontiguousarray(moved).reshape(moved.shape[0], -1), h).reshape(moved.shape)
    return np.moveaxis(out, 0, axis)


def gradient(u: np.ndarray, h: float) -> tuple[np.ndarray, ...]:
    """(D_1 u, ..., D_d u) on the grid (axis a is v_a)."""
    return tuple(_along_axis(diff_axis0, u, a, h) for a in range(u.ndim))


def divergence(fluxes: tuple[np.ndarray, ...], h: float) -> np.ndarray:
    """-sum_a D_a^T J_a: the discrete divergence adjoint to `gradient` (summation by parts is exact)."""
    return -sum(_along_axis(diff_transpose_axis0, j, a, h) for a, j in enumerate(fluxes))


def _unpad(spectrum: np.ndarray, n: int, dim: int) -> np.ndarray:
    """Inverse of a padded (2n)^d spectrum restricted to the n^d grid: sum_j A(v_k - v_j) u_j."""
    return fft.irfftn(spectrum, s=(2 * n,) * dim)[(slice(0, n),) * dim]


def _tensor(field: dict[tuple[int, int], np.ndarray], a: int, b: int) -> np.ndarray:
    return field[(min(a, b), max(a, b))]


def _diffusion(f: np.ndarray, grid: LandauGrid) -> dict[tuple[int, int], np.ndarray]:
    """a_k = sum_j A(v_k - v_j) f_j (upper-triangular components)."""
    n, dim = f.shape[0], grid.dim
    f_hat = fft.rfftn(f, s=(2 * n,) * dim)
    return {ab: _unpad(k * f_hat, n, dim) for ab, k in grid.a_hat.items()}


def landau_flux(f: np.ndarray, grid: LandauGrid) -> tuple[np.ndarray, ...]:
    """J_k = h^d f_k sum_j A_kj f_j (g_k - g_j), g = D log f (f > 0 everywhere)."""
    n, dim = f.shape[0], grid.dim
    g = gradient(np.log(f), grid.h)
    fg_hat = [fft.rfftn(f * ga, s=(2 * n,) * dim) for ga in g]
    a = _diffusion(f, grid)
    hdf = grid.h**dim * f
    return tuple(
        hdf * (sum(_tensor(a, i, j) * g[j] for j in range(dim))
               - _unpad(sum(_tensor(grid.a_hat, i, j) * fg_hat[j] for j in range(dim)), n, dim))
        for i in range(dim)
    )


def landau_operator(f: np.ndarray, grid: LandauGrid) -> np.ndarray:
    """Q(f) = -sum_a D_a^T J_a."""
    return divergence(landau_flux(f, grid), grid.h)


class Diagnostics(NamedTuple):
    """Grid quadratures h^d sum(.) of f, v f (momentum_z = 0 in 2D), |v|^2 f, and S = -h^d sum f log f."""

    mass: float
    momentum_x: float
    momentum_y: float
    momentum_z: float
    energy: float
    entropy: float


def diagnostics(f: np.ndarray, grid: LandauGrid) -> Diagnostics:
    """Mass, momentum, energy (int |v|^2 f) and entropy of f on the grid."""
    v = np.meshgrid(*([grid.v] * grid.dim), indexing="ij")
    w = grid.h**grid.dim
    momentum = [w * (va * f).sum() for va in v] + [0.0] * (3 - grid.dim)
    return Diagnostics(
        w * f.sum(), *momentum, w * (sum(va * va for va in v) * f).sum(), -w * (f * np.log(f)).sum()
    )


def stable_time_step(f: np.ndarray, grid: LandauGrid, safety: float = 0.5) -> float:
    """Explicit RK4 step safety * h^2 / max_k lambda_max(h^d a_k), a_k = sum_j A_kj f_j."""
    a = _diffusion(f, grid)
    matrices = np.stack([np.stack([_tensor(a, i, j) for j in range(grid.dim)], -1) for i in range(grid.dim)], -1)
    return safety * grid.h**2 / (grid.h**grid.dim * np.linalg.eigvalsh(matrices).max())


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
