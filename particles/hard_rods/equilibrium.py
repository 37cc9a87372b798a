"""Equilibrium structure of hard rods + long-range potential on a ring (docs/theory.md §5 (5.25)).

Metropolis Monte Carlo of the configurational canonical distribution exp(-beta sum_{i<j} V_L(x_i - x_j))
restricted to non-overlapping rods (every gap >= a). Single-rod displacements never cross a neighbour, so
the rods stay in ring order and the hard core is a check on the two adjacent gaps. The pair correlation

    g(r) = L / (N (N - 1)) * (ordered pairs with |x_i - x_j| (minimum image) in [r, r + dr)) / (2 dr)

is the reference for the OZ closures (hydrobridge.closures.ornstein_zernike) and the MD/gBBGKY correlations; it has
O(1/N) canonical corrections at large r (g -> 1 - O(1/N)).
"""

from __future__ import annotations

import math

import numba
import numpy as np

from hydrobridge.particles.hard_rods.potential import ring_eval, ring_table

__all__ = ["sample_pair_correlation"]


@numba.njit(cache=True)
def _sweeps(x, n_sweeps, a, ring, beta, tab, dx, step, seed, r_max, nbins, hist):
    np.random.seed(seed)
    n = x.size
    accepted = 0
    for sweep in range(n_sweeps):
        for _ in range(n):
            i = np.random.randint(n)
            new = x[i] + step * (2.0 * np.random.random() - 1.0)
            left, right = x[(i - 1) % n], x[(i + 1) % n]
            gap_l = (new - left) % ring
            gap_r = (right - new) % ring
            if gap_l < a or gap_r < a or gap_l + gap_r > ring - (n - 2) * a + 1e-12:
                continue
            de = 0.0
            for j in range(n):
                if j != i:
                    de += ring_eval(new - x[j], tab, dx, ring)[0] - ring_eval(x[i] - x[j], tab, dx, ring)[0]
            if de <= 0.0 or np.random.random() < math.exp(-beta * de):
                x[i] = new % ring
                accepted += 1
        if hist.size and sweep % 5 == 0:
            for i in range(n):
                for j in range(n):
                    if i != j:
                        d = abs((x[i] - x[j] + 0.5 * ring) % ring - 0.5 * ring)
                        if d < r_max:
                            hist[int(d / r_max * nbins)] += 1.0
    return accepted


def sample_pair_correlation(n: int, ring: float, a: float, beta: float, v0: float, xi: float, kind: int,
                            r_max: float, nbins: int, sweeps: int = 20000, equilibration: int = 2000,
                            seed: int = 1) -> tuple[np.ndarray, np.ndarray, float]:
    """(bin centres, g(r), acceptance rate) from Metropolis sampling (module doc)."""
    if n * a >= ring:
        raise ValueError(f"n * a = {n * a}: the rods do not fit on the ring of length {ring}")
    if not 0 < r_max <= ring / 2:
        raise ValueError(f"r_max = {r_max}: expected 0 < r_max <= ring/2")
    dx = 0.05
    tab = ring_table(v0, xi, ring, kind, dx=dx)
    x = (np.arange(n) + 0.5) * ring / n
    step = 0.5 * (ring / n - a)
    empty = np.zeros(0)
    _sweeps(x, equilibration, a, ring, beta, tab, dx, step, seed, r_max, nbins, empty)
    hist = np.zeros(nbins)
    acc = _sweeps(x, sweeps, a, ring, beta, tab, dx, step, seed + 1, r_max, nbins, hist)
    samples = len(range(0, sweeps, 5))
    dr = r_max / nbins
    g = hist / samples * ring / (n * (n - 1)) / (2 * dr)
    return (np.arange(nbins) + 0.5) * dr, g, acc / (sweeps * n)
