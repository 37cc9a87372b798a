"""Ornstein-Zernike equation with Percus-Yevick or HNC closure, in 1D (docs/theory.md §1, §5 (1.14)-(1.17)).

    h(r) = c(r) + rho int c(|r - r'|) h(r') dr'          (OZ; in Fourier space h^ = c^ / (1 - rho c^))
    PY:  c = f (1 + gamma),   f = exp(-beta u) - 1         gamma = h - c (indirect correlation)
    HNC: c = exp(-beta u + gamma) - 1 - gamma

Solved on a symmetric periodic grid r in [-R, R) by FFT, Picard iteration on gamma with Ng's
acceleration (Ng 1974, three-point extrapolation). A hard core of length a is put on the grid with
a/dr an integer and the Mayer function averaged (f(a) = -1/2 at the jump), which makes the jump's
quadrature error O(dr^2). In 1D, PY is exact for bare hard rods (the Tonks gas, :func:`tonks_g`); with
a smooth potential added it is approximate, as is HNC. Output g = 1 + h gives the quasi-equilibrium
closure h of docs/theory.md §1.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np
from scipy.special import gammaln

__all__ = ["OZSolution", "solve_oz_1d", "tonks_g"]


@dataclass(frozen=True)
class OZSolution:
    """r >= 0 grid (n/2 points), g, c, the closure name, iterations, the final residual max|dgamma| and
    the number density solved for."""

    r: np.ndarray
    g: np.ndarray
    c: np.ndarray
    closure: str
    iterations: int
    residual: float
    density: float


def solve_oz_1d(beta_u: Callable[[np.ndarray], np.ndarray], density: float, closure: str = "py",
                hard_core: float = 0.0, r_max: float = 50.0, n: int = 2**16, tol: float = 1e-12,
                max_iter: int = 5000, mixing: float = 0.5) -> OZSolution:
    """Solve OZ + closure for the pair potential beta u(r) (r > hard_core) at number density `density`."""
    if closure not in ("py", "hnc"):
        raise ValueError(f"closure = {closure!r}: expected 'py' or 'hnc'")
    if not density > 0:
        raise ValueError(f"density = {density}: expected a positive number density")
    if hard_core < 0 or density * hard_core >= 1:
        raise ValueError(f"hard_core = {hard_core}: expected 0 <= hard_core < 1/density (packing fraction < 1)")
    if not 0 < mixing <= 1:
        raise ValueError(f"mixing = {mixing}: expected 0 < mixing <= 1")
    dr = 2 * r_max / n
    if hard_core > 0:                                   # put r = a on the grid
        dr = hard_core / max(1, round(hard_core / dr))
        r_max = dr * n / 2
    r = np.abs(np.fft.fftfreq(n, d=1.0 / (n * dr)))     # |r| in FFT order on [-R, R)
    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
        bu = np.where(r >= hard_core, beta_u(np.maximum(r, hard_core)), np.inf)
    mayer = np.expm1(-bu)
    if hard_core > 0:
        mayer[np.isclose(r, hard_core)] = 0.5 * (-1.0 + np.expm1(-beta_u(np.array([hard_core])))[0])

    def c_of(gamma):
        if closure == "py":
            return mayer * (1.0 + gamma)
        # HNC, inside the core exp(-beta u + gamma) = 0 -> c = -1 - gamma
        return np.where(np.isfinite(bu), np.exp(np.minimum(-bu + gamma, 700.0)), 0.0) - 1.0 - gamma

    def picard(gamma):
        c_hat = np.fft.fft(c_of(gamma)).real * dr
        return np.fft.ifft(density * c_hat**2 / (1.0 - density * c_hat)).real / dr

    g0 = np.zeros(n)
    history: list[tuple[np.ndarray, np.ndarray]] = []   # (gamma_in, gamma_out) pairs for Ng
    residual = np.inf
    for it in range(1, max_iter + 1):
        g1 = picard(g0)
        residual = float(np.max(np.abs(g1 - g0)))
        if residual < tol:
            g0 = g1
            break
        history = (history + [(g0, g1)])[-3:]
        if len(history) == 3:
            (f2, g2), (f1, gg1), (f0, gg0) = history        # oldest .. newest
            d0, d1, d2 = gg0 - f0, gg1 - f1, g2 - f2
            a = np.array([[np.dot(d0 - d1, d0 - d1), np.dot(d0 - d1, d0 - d2)],
                          [np.dot(d0 - d2, d0 - d1), np.dot(d0 - d2, d0 - d2)]])
            b = np.array([np.dot(d0, d0 - d1), np.dot(d0, d0 - d2)])
            try:
                c1, c2 = np.linalg.solve(a, b)
                g0 = (1 - c1 - c2) * gg0 + c1 * gg1 + c2 * g2
                continue
            except np.linalg.LinAlgError:
                pass
        g0 = (1 - mixing) * g0 + mixing * g1
    else:
        raise RuntimeError(f"OZ/{closure}: no convergence in {max_iter} iterations (residual {residual:.2e}); "
                           "lower the density or the coupling, or raise max_iter")
    c = c_of(g0)
    h = c + g0
    half = n // 2
    return OZSolution(r[:half], 1.0 + h[:half], c[:half], closure, it, residual, float(density))


def tonks_g(r: np.ndarray, density: float, a: float) -> np.ndarray:
    """Exact pair correlation of hard rods (length a) at density rho: g = (1/rho) sum_k f_k(r), with the
    k-th neighbour distance r = k a + (sum of k exponential gaps of mean l = (1 - rho a)/rho)."""
    r = np.asarray(r, float)
    l_free = (1.0 - density * a) / density
    g = np.zeros_like(r)
    kmax = int(np.max(r) / a) + 1
    for kk in range(1, kmax + 1):
        s = r - kk * a
        pos = s > 0
        lf = (kk - 1) * np.log(np.where(pos, s, 1.0)) - s / l_free - kk * np.log(l_free) - gammaln(kk)
        g += np.where(pos, np.exp(lf), 0.0)
    return g / density
