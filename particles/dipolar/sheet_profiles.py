"""Slab profiles of one configuration across a sheet pair normal to x (docs/theory.md §4).

The square box [0, L)^2 carries sheets of charge +sigma0 cos(w t) at x = a = L/4 and -sigma0 cos(w t) at
x = b = 3L/4 (per length). The box is cut into n slabs of width h = L/n normal to x; profiles are given at
the slab centres. With d_x = cos theta, the potential of the sharp sheets plus the point dipoles follows
exactly in 1D from
    psi'(x) = (P_x(x) - <P_x>) / eps0 - E_sheets(x),   E_sheets = +sigma / (2 eps0) between the sheets,
                                                                 -sigma / (2 eps0) outside,
with P_x = mu rho D_x and <P_x> the box mean (conducting boundary: zero mean field).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from hydrobridge.particles.dipolar.model import DipolarBoxModel

__all__ = ["SheetGeometry", "sheet_geometry", "sheet_profiles"]


@dataclass(frozen=True)
class SheetGeometry:
    """Box length L, sheet positions a = L/4, b = 3L/4, slab centres `points` (n,) and the vacuum drop
    psi(a) - psi(b) = sigma0 L / (4 eps0) (all in the model's length and potential units)."""

    length: float
    a: float
    b: float
    points: np.ndarray
    drop_vacuum: float


def sheet_geometry(params: DipolarBoxModel, n_slabs: int, sigma0: float) -> SheetGeometry:
    """The sheet pair of amplitude sigma0 in the (square) box of params, profiles on n_slabs slabs."""
    if not (isinstance(n_slabs, int) and n_slabs >= 4):
        raise ValueError(f"n_slabs = {n_slabs!r}: expected an integer >= 4")
    L = params.Lx
    return SheetGeometry(length=L, a=0.25 * L, b=0.75 * L, points=(np.arange(n_slabs) + 0.5) * L / n_slabs,
                         drop_vacuum=sigma0 * L / (4 * params.eps0))


def sheet_profiles(x: np.ndarray, theta: np.ndarray, v: np.ndarray, params: DipolarBoxModel, geo: SheetGeometry,
                   sigma0: float, phase: float) -> np.ndarray:
    """[rho (n), P_x (n), psi (n), drop, P_dv_xx (n)] of one configuration x (N, 2), theta (N,), v (N, 2):
    slab averages of rho and mu rho D_x at the slab centres, psi of the sharp sheets (charge
    sigma0 cos(phase)) plus the point dipoles (zero mean over the points), psi(a) - psi(b), and the kinetic
    P_dv_xx = [d_x v_x] - [d_x][v_x]/[1] per slab (particles.dipolar.pressure)."""
    L, pts, eps0 = geo.length, geo.points, params.eps0
    n = len(pts)
    h = L / n
    dx = np.cos(theta)
    slab = np.minimum((x[:, 0] / h).astype(int), n - 1)
    rho = np.bincount(slab, minlength=n) / (h * params.Ly)
    px = params.mu * np.bincount(slab, weights=dx, minlength=n) / (h * params.Ly)
    mean_px = params.mu * dx.sum() / params.area

    def psi(s):
        """psi(s) up to a constant: psi' = (P_x - <P_x>)/eps0 - E_sheets, E_sheets = +-sigma/(2 eps0)."""
        inside = params.mu * np.sum(dx[None, :] * (x[None, :, 0] < s[:, None]), axis=1) / params.Ly
        pol = (inside - mean_px * s) / eps0
        sig = sigma0 * math.cos(phase) / (2 * eps0)
        vac = -sig * (np.clip(s, geo.a, geo.b) - geo.a) + sig * (np.clip(s, 0, geo.a) + np.clip(s - geo.b, 0, None))
        return pol + vac

    ends = psi(np.array([geo.a, geo.b]))
    profile = psi(pts)
    count = np.maximum(np.bincount(slab, minlength=n), 1)
    sums = [np.bincount(slab, weights=w, minlength=n) for w in (dx * v[:, 0], dx, v[:, 0])]
    pdv = (sums[0] - sums[1] * sums[2] / count) / (h * params.Ly)
    return np.concatenate([rho, px, profile - profile.mean(), [ends[0] - ends[1]], pdv])
