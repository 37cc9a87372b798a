"""Pair density and orientational pair moments binned in the separation vector (docs/theory.md §3 (3.17)).

For a homogeneous configuration and r in a square bin b of area |b| on [-r_max, r_max)^2 (minimum image):
    n2(r)     = (1/(A |b|)) #{ordered pairs i != j : x_i - x_j in b}                (pair density rho^(2))
    M2(r)     = (1/(A |b|)) sum_{i != j, x_i - x_j in b} d(theta_i) (x) d(theta_j)
    M2perp(r) = (1/(A |b|)) sum_{i != j, x_i - x_j in b} d_perp(theta_i) (x) d(theta_j)
These are the rho^(2)-weighted moments entering D2 and D2perp; subtracting rho(x1) rho(x2) (the
uncorrelated part, with its D (x) D for polarised states) gives the h_2-weighted D2 and D2perp.
An ideal gas has n2 = N (N - 1) / A^2; M2(-r) = M2(r)^T.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from hydrobridge.particles.dipolar.space import neighbor_pairs


@dataclass(frozen=True)
class PairMoments:
    """Bin edges (n_bins + 1,), n2 (n_bins, n_bins), M2 and M2perp (n_bins, n_bins, 2, 2); axis 0 is r_x."""

    edges: np.ndarray
    n2: np.ndarray
    m2: np.ndarray
    m2perp: np.ndarray


def pair_moments(x: np.ndarray, theta: np.ndarray, box: np.ndarray, r_max: float, n_bins: int) -> PairMoments:
    """Binned n2, M2, M2perp of one configuration (module docstring); needs sqrt(2) r_max <= min(Lx, Ly) / 2."""
    if not 0.0 < np.sqrt(2.0) * r_max <= 0.5 * np.min(box):
        raise ValueError(f"r_max must be in (0, min(Lx, Ly) / (2 sqrt 2)], got {r_max}")
    p = neighbor_pairs(x, box, np.sqrt(2.0) * r_max)
    i = np.concatenate((p.i, p.j))
    j = np.concatenate((p.j, p.i))
    r = np.concatenate((p.d, -p.d))
    d = np.column_stack((np.cos(theta), np.sin(theta)))
    dperp = np.column_stack((-d[:, 1], d[:, 0]))
    edges = np.linspace(-r_max, r_max, n_bins + 1)
    norm = (box[0] * box[1]) * (edges[1] - edges[0]) ** 2

    def hist(w):
        return np.histogram2d(r[:, 0], r[:, 1], bins=(edges, edges), weights=w)[0] / norm

    m2 = np.empty((n_bins, n_bins, 2, 2))
    m2perp = np.empty((n_bins, n_bins, 2, 2))
    for a in range(2):
        for b in range(2):
            m2[..., a, b] = hist(d[i, a] * d[j, b])
            m2perp[..., a, b] = hist(dperp[i, a] * d[j, b])
    return PairMoments(edges, hist(None), m2, m2perp)
