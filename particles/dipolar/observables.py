"""Observables of the particle rung (docs/theory.md §3, §4 (4.9)).

* kinetic energies, total momentum; total polarisation M = mu sum_i d(theta_i)
* static permittivity, 2D conducting boundary: eps - 1 = beta (<M^2> - <M>^2) / (2 eps0 |Omega|)
* time-origin-averaged correlation <a(0) . a(t)>; block averages with standard errors
* radial distribution g(r)
* moment fields rho, rho U, rho D, rho Omega (section 3) deposited by cloud-in-cell on a periodic grid:
  each particle's weight is shared by the 4 surrounding nodes with bilinear weights that sum to 1, so
  sum(field) * cell_area equals the particle sum exactly (up to round-off).
"""

from __future__ import annotations

import math

import numba
import numpy as np

from hydrobridge.particles.dipolar.model import DipolarBoxModel, State
from hydrobridge.particles.dipolar.space import Pairs


def kinetic_energies(state: State, params: DipolarBoxModel) -> tuple[float, float]:
    """(sum m v^2 / 2, sum I omega^2 / 2)."""
    return (0.5 * params.m * float(np.sum(state.v**2)), 0.5 * params.inertia * float(np.sum(state.omega**2)))


def total_momentum(state: State, params: DipolarBoxModel) -> np.ndarray:
    """P = m sum_i v_i."""
    return params.m * state.v.sum(axis=0)


def polarization(theta: np.ndarray, mu: float) -> np.ndarray:
    """M = mu sum_i d(theta_i), shape (2,)."""
    return mu * np.array([np.sum(np.cos(theta)), np.sum(np.sin(theta))])


def block_average(series: np.ndarray, n_blocks: int = 20) -> tuple[np.ndarray, np.ndarray]:
    """Mean over axis 0 and its standard error from n_blocks contiguous block means.

    Blocks must be longer than the correlation time for the error to be honest; the leftover samples at
    the end (len % n_blocks) are dropped from the error estimate only.
    """
    series = np.asarray(series, dtype=np.float64)
    if n_blocks < 2 or series.shape[0] < n_blocks:
        raise ValueError(f"need n_blocks >= 2 and at least n_blocks samples, got {n_blocks}, {series.shape[0]}")
    size = series.shape[0] // n_blocks
    blocks = series[: size * n_blocks].reshape(n_blocks, size, *series.shape[1:]).mean(axis=1)
    return series.mean(axis=0), blocks.std(axis=0, ddof=1) / math.sqrt(n_blocks)


def static_permittivity(m_series: np.ndarray, kT: float, eps0: float, area: float,
                        n_blocks: int = 20) -> tuple[float, float]:
    """(eps, standard error) from eps - 1 = (<|M - <M>|^2>) / (2 eps0 |Omega| kT), M samples (T, 2).

    The block estimate uses the global mean <M>, so the blocks average to exactly the full-run value.
    """
    dm = m_series - m_series.mean(axis=0)
    chi, err = block_average(np.sum(dm**2, axis=1) / (2.0 * eps0 * area * kT), n_blocks)
    return 1.0 + float(chi), float(err)


def time_correlation(series: np.ndarray, max_lag: int) -> np.ndarray:
    """C(k) = <a(s) . a(s + k)>_s for lags k = 0..max_lag (a of shape (T,) or (T, d)), by FFT.

    Each lag averages over all T - k available origins.
    """
    a = np.asarray(series, dtype=np.float64).reshape(series.shape[0], -1)
    t = a.shape[0]
    if not 0 <= max_lag < t:
        raise ValueError(f"max_lag must be in [0, {t - 1}], got {max_lag}")
    nfft = 1 << (2 * t - 1).bit_length()
    f = np.fft.rfft(a, n=nfft, axis=0)
    c = np.fft.irfft(np.sum(f * f.conj(), axis=1), n=nfft)[: max_lag + 1]
    return c / (t - np.arange(max_lag + 1))


def radial_distribution(pairs: Pairs, n: int, area: float, n_bins: int) -> tuple[np.ndarray, np.ndarray]:
    """(bin centres r, g(r)) on [0, pairs.r_cut) from one configuration's pair list.

    g(r) = count(r) / (N (N - 1) / (2 |Omega|) * 2 pi r dr), so that g = 1 for an ideal gas.
    """
    r = np.hypot(pairs.d[:, 0], pairs.d[:, 1])
    counts, edges = np.histogram(r, bins=n_bins, range=(0.0, pairs.r_cut))
    shell = math.pi * (edges[1:] ** 2 - edges[:-1] ** 2)
    return 0.5 * (edges[1:] + edges[:-1]), counts / (0.5 * n * (n - 1) / area * shell)


@numba.njit(cache=True)
def _cic_kernel(x, weights, box, nx, ny, out):
    hx, hy = box[0] / nx, box[1] / ny
    for p in range(x.shape[0]):
        gx = x[p, 0] / hx
        gy = x[p, 1] / hy
        ix, iy = math.floor(gx), math.floor(gy)
        fx, fy = gx - ix, gy - iy
        i0, j0 = int(ix) % nx, int(iy) % ny
        i1, j1 = (i0 + 1) % nx, (j0 + 1) % ny
        for c in range(weights.shape[1]):
            w = weights[p, c]
            out[i0, j0, c] += (1.0 - fx) * (1.0 - fy) * w
            out[i1, j0, c] += fx * (1.0 - fy) * w
            out[i0, j1, c] += (1.0 - fx) * fy * w
            out[i1, j1, c] += fx * fy * w


def deposit_cic(x: np.ndarray, weights: np.ndarray, box: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
    """Cloud-in-cell density on nodes (i Lx/nx, j Ly/ny): returns (nx, ny, k) per unit area.

    weights (N,) or (N, k); sum over nodes of the result times Lx Ly / (nx ny) equals weights.sum(axis=0).
    """
    w = np.ascontiguousarray(np.asarray(weights, dtype=np.float64).reshape(x.shape[0], -1))
    nx, ny = shape
    out = np.zeros((nx, ny, w.shape[1]))
    _cic_kernel(np.ascontiguousarray(x, dtype=np.float64), w, np.asarray(box, dtype=np.float64), nx, ny, out)
    return out * (nx * ny / (box[0] * box[1]))


def moment_fields(state: State, params: DipolarBoxModel, shape: tuple[int, int]) -> dict[str, np.ndarray]:
    """rho (nx, ny), rho U, rho D (nx, ny, 2) and rho Omega (nx, ny) of docs/theory.md §3 by CIC."""
    d = np.column_stack((np.cos(state.theta), np.sin(state.theta)))
    w = np.column_stack((np.ones(state.n), state.v, d, state.omega))
    f = deposit_cic(state.x, w, params.box, shape)
    return {"rho": f[..., 0], "rhoU": f[..., 1:3], "rhoD": f[..., 3:5], "rhoOmega": f[..., 5]}
