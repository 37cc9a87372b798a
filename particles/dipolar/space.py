"""Periodic space of docs/theory.md §2: box [0, Lx) x [0, Ly), minimum image, cell-list pair search.

The pair list is rebuilt from the positions at every call (no Verlet skin), so forces are a deterministic
function of the configuration; this is what makes a restarted run reproduce a trajectory bit for bit.
"""

from __future__ import annotations

from dataclasses import dataclass

import numba
import numpy as np


def wrap(x: np.ndarray, box: np.ndarray) -> np.ndarray:
    """Map positions into [0, L): x - L floor(x / L)."""
    return x - box * np.floor(x / box)


@numba.njit(cache=True, inline="always")
def min_image(d: float, length: float) -> float:
    """Nearest periodic image of a 1D separation: d - L round(d / L)."""
    return d - length * np.rint(d / length)


@numba.njit(cache=True)
def _neighbor_offsets(nc: int) -> np.ndarray:
    if nc >= 3:
        return np.array([-1, 0, 1], dtype=np.int64)
    return np.arange(nc, dtype=np.int64)


@numba.njit(cache=True)
def _fill_pairs(x, box, r_cut, out_i, out_j, out_d):
    """Cell-list search for pairs i < j with |min_image(x_i - x_j)| < r_cut; returns the count found.

    Stops writing (but keeps counting) when the output arrays are full.
    """
    n = x.shape[0]
    ncx = max(1, int(box[0] // r_cut))
    ncy = max(1, int(box[1] // r_cut))
    cell = np.empty(n, dtype=np.int64)
    for i in range(n):
        cx = int(np.floor(x[i, 0] / box[0] * ncx)) % ncx
        cy = int(np.floor(x[i, 1] / box[1] * ncy)) % ncy
        cell[i] = cx * ncy + cy
    order = np.argsort(cell, kind="mergesort")
    start = np.zeros(ncx * ncy + 1, dtype=np.int64)
    for i in range(n):
        start[cell[i] + 1] += 1
    for c in range(ncx * ncy):
        start[c + 1] += start[c]
    offx = _neighbor_offsets(ncx)
    offy = _neighbor_offsets(ncy)
    rc2 = r_cut * r_cut
    cap = out_i.shape[0]
    count = 0
    for cx in range(ncx):
        for cy in range(ncy):
            c = cx * ncy + cy
            for a in range(start[c], start[c + 1]):
                i = order[a]
                for ox in offx:
                    for oy in offy:
                        c2 = ((cx + ox) % ncx) * ncy + (cy + oy) % ncy
                        for b in range(start[c2], start[c2 + 1]):
                            j = order[b]
                            if j <= i:
                                continue
                            dx = min_image(x[i, 0] - x[j, 0], box[0])
                            dy = min_image(x[i, 1] - x[j, 1], box[1])
                            if dx * dx + dy * dy < rc2:
                                if count < cap:
                                    out_i[count] = i
                                    out_j[count] = j
                                    out_d[count, 0] = dx
                                    out_d[count, 1] = dy
                                count += 1
    return count


@dataclass(frozen=True)
class Pairs:
    """Pairs i < j closer than r_cut, with minimum-image separations d = x_i - x_j (shape (P, 2))."""

    i: np.ndarray
    j: np.ndarray
    d: np.ndarray
    r_cut: float


def neighbor_pairs(x: np.ndarray, box: np.ndarray, r_cut: float) -> Pairs:
    """All pairs within r_cut (minimum image; requires r_cut <= min(Lx, Ly) / 2 so the image is unique)."""
    if not 0.0 < r_cut <= 0.5 * float(np.min(box)):
        raise ValueError(f"r_cut must be in (0, min(Lx, Ly)/2] = (0, {0.5 * float(np.min(box))}], got {r_cut}")
    x = np.ascontiguousarray(x, dtype=np.float64)
    box = np.ascontiguousarray(box, dtype=np.float64)
    cap = max(64, 8 * x.shape[0])
    while True:
        out_i = np.empty(cap, dtype=np.int64)
        out_j = np.empty(cap, dtype=np.int64)
        out_d = np.empty((cap, 2), dtype=np.float64)
        count = _fill_pairs(x, box, r_cut, out_i, out_j, out_d)
        if count <= cap:
            return Pairs(out_i[:count], out_j[:count], out_d[:count], r_cut)
        cap = count
