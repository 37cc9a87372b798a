"""Independent reference for the periodic dipole energy: the image sum done row by row
(docs/theory.md §2 (2.13)-(2.14)).

Summing the images along x first gives, in closed form, the Green's function of a row of unit sources,
    G_1(x, y) = -(1/(4 pi)) ln(cosh(c y) - cos(c x)),   c = 2 pi / Lx,
whose Hessian H_1 decays like exp(-c |y|). The remaining sum over rows, y -> y + n Ly, then converges
exponentially. G_1 grows like -|y| / (2 Lx); replacing that by the zero-mean periodic solution of
-h'' = (1/Lx) sum_n delta(y - n Ly) - 1/|Omega| (tin-foil, -Lap G = delta - 1/|Omega|) adds
h'' = 1/|Omega| to H_yy. Hence, for x not on the lattice,

    H(x, y) = sum_n H_1(x, y + n Ly) + e_y e_y / |Omega|,

and the regular part at the origin (a dipole's interaction with its own images) is
    H_reg = sum_{n != 0} H_1(0, n Ly) + (pi / (6 Lx^2)) diag(1, -1) + e_y e_y / |Omega|
(the middle term is the O(r^2) part of G_1 - G_free). Energy:
    U_E = -(1/eps0) sum_{i<j} p_i . H(x_i - x_j) . p_j - (1/(2 eps0)) sum_i p_i . H_reg . p_i.
No Ewald splitting enters, so agreement with the Ewald terms is an independent check.
"""

from __future__ import annotations

import math

import numpy as np


def _row_hessian(x: np.ndarray, y: np.ndarray, lx: float) -> np.ndarray:
    """Hessian of G_1 at (x, y) (broadcast arrays), shape (..., 2, 2)."""
    c = 2.0 * math.pi / lx
    u, w = c * x, c * y
    delta = np.cosh(w) - np.cos(u)
    pref = -(c * c) / (4.0 * math.pi)
    hxx = pref * (np.cos(u) / delta - np.sin(u) ** 2 / delta**2)
    hyy = pref * (np.cosh(w) / delta - np.sinh(w) ** 2 / delta**2)
    hxy = -pref * np.sin(u) * np.sinh(w) / delta**2
    return np.stack((np.stack((hxx, hxy), -1), np.stack((hxy, hyy), -1)), -2)


def _rows(box: np.ndarray) -> int:
    """Rows per side so that the neglected terms are below exp(-40): exp(-2 pi n Ly / Lx) < exp(-40)."""
    return 2 + math.ceil(40.0 * float(box[0]) / (2.0 * math.pi * float(box[1])))


def periodic_hessian(r: np.ndarray, box: np.ndarray) -> np.ndarray:
    """H = grad grad G of the zero-mean periodic Green's function at separations r (P, 2); shape (P, 2, 2)."""
    lx, ly = float(box[0]), float(box[1])
    n_rows = _rows(box)
    rx = r[:, 0] - lx * np.rint(r[:, 0] / lx)
    ry = r[:, 1] - ly * np.rint(r[:, 1] / ly)
    shifts = ly * np.arange(-n_rows, n_rows + 1)
    h = _row_hessian(rx[:, None], ry[:, None] + shifts[None, :], lx).sum(axis=1)
    h[:, 1, 1] += 1.0 / (lx * ly)
    return h


def regular_hessian_at_origin(box: np.ndarray) -> np.ndarray:
    """H_reg = lim_{r -> 0} (H(r) - H_free(r)), shape (2, 2)."""
    lx, ly = float(box[0]), float(box[1])
    n_rows = _rows(box)
    n = np.concatenate((np.arange(-n_rows, 0), np.arange(1, n_rows + 1)))
    h = _row_hessian(np.zeros(n.size), ly * n, lx).sum(axis=0)
    h += (math.pi / (6.0 * lx * lx)) * np.diag([1.0, -1.0])
    h[1, 1] += 1.0 / (lx * ly)
    return h


def dipole_energy(x: np.ndarray, theta: np.ndarray, mu: float, eps0: float, box: np.ndarray) -> float:
    """Periodic (tin-foil) point-dipole energy U_E by the row-summed image sum (module docstring)."""
    p = mu * np.column_stack((np.cos(theta), np.sin(theta)))
    i, j = np.triu_indices(theta.shape[0], k=1)
    h = periodic_hessian(x[i] - x[j], box)
    pair = np.einsum("pa,pab,pb->", p[i], h, p[j])
    self_part = np.einsum("ia,ab,ib->", p, regular_hessian_at_origin(box), p)
    return float(-pair / eps0 - 0.5 * self_part / eps0)
