"""Pair correlation g(r) and pressure of hard-rod configurations on a ring (docs/theory.md §1, §5).

One estimator for snapshots of any origin (the thermostatted MD of particles.hard_rods.thermostat, or a
user's own positions and velocities). Over S snapshots of N rods of length a on a ring of length L:

    g(r) = L / (N (N - 1)) <ordered pairs with minimum-image |x_i - x_j| in [r, r + dr)> / (2 dr)
    p    = (1/L) <sum_i u_i^2>  +  (1/L) <sum_{i<j} d_ij F(d_ij)>  +  kT rho a f(0+)

(1D virial theorem with minimum-image separations d_ij and F = -V_L' of the tabulated ring potential
V(x) = (V0/xi) phi(x/xi); the last term is the hard-core collisional pressure rho^2 kT a g(a+) =
kT rho a f(0+), f the probability density of a rod's gap to its right neighbour, extrapolated to zero gap
from a histogram on [0, gap_max) by a straight-line fit of log f). Units: m = 1, rho = N / L in 1/length,
p in energy/length, kT = 1/beta the temperature of the ensemble the snapshots sample.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numba
import numpy as np

from .potential import ring_eval, ring_table

__all__ = ["CanonicalSample", "snapshot_observables"]


@dataclass(frozen=True)
class CanonicalSample:
    """Equilibrium observables of a set of snapshots (module doc)."""

    r: np.ndarray                  # bin centres of g
    g: np.ndarray
    density: float                 # N / L
    beta: float
    pressure: float                # kinetic + virial + contact
    pressure_kinetic: float
    pressure_virial: float
    pressure_contact: float
    temperature: float             # measured <u^2> (kT, m = 1)
    snapshots: int


@numba.njit(cache=True)
def accumulate_snapshot(y, u, a, tab, dx, ring, r_max, hist, gap_max, gap_hist, acc):
    """Add one snapshot (contracted positions y = x_i - a i in ring order, velocities u) to the pair
    histogram hist on [0, r_max), the gap histogram gap_hist on [0, gap_max) and (sum u^2, sum d F, count)
    to acc[0:3]."""
    n = y.size
    contracted = ring - n * a
    nb = hist.size
    ng = gap_hist.size
    ekin2 = 0.0
    vir = 0.0
    for i in range(n):
        ekin2 += u[i] * u[i]
        xi_ = y[i] + a * i
        for j in range(i + 1, n):
            d = y[j] + a * j - xi_
            d = d - ring * math.floor(d / ring + 0.5)        # minimum image
            vir -= d * ring_eval(d, tab, dx, ring)[1]
            ad = abs(d)
            if ad < r_max:
                hist[int(ad / r_max * nb)] += 2.0
        gap = (y[i + 1] - y[i]) if i < n - 1 else (y[0] + contracted - y[n - 1])
        if gap < gap_max:
            gap_hist[int(gap / gap_max * ng)] += 1.0
    acc[0] += ekin2
    acc[1] += vir
    acc[2] += 1.0


def reduce_histograms(hist: np.ndarray, gap_hist: np.ndarray, acc: np.ndarray, n: int, ring: float, a: float,
                      beta: float, r_max: float, gap_max: float) -> CanonicalSample:
    """g(r) and the pressure terms (module doc) from the sums of accumulate_snapshot."""
    kT = 1.0 / beta
    snaps = int(acc[2])
    nbins, gap_bins = hist.size, gap_hist.size
    dr = r_max / nbins
    g = hist / snaps * ring / (n * (n - 1)) / (2.0 * dr)
    p_kin = acc[0] / snaps / ring
    p_vir = acc[1] / snaps / ring
    p_contact = 0.0
    if a > 0:
        gap_width = gap_max / gap_bins
        density_gap = gap_hist / (snaps * n * gap_width)
        centres = (np.arange(gap_bins) + 0.5) * gap_width
        if np.any(density_gap <= 0):
            raise RuntimeError("no rods near contact in some gap bin: sample longer or raise gap_max")
        slope, intercept = np.polyfit(centres, np.log(density_gap), 1)
        p_contact = kT * (n / ring) * a * math.exp(intercept)
    return CanonicalSample(r=(np.arange(nbins) + 0.5) * dr, g=g, density=n / ring, beta=beta,
                           pressure=p_kin + p_vir + p_contact, pressure_kinetic=p_kin, pressure_virial=p_vir,
                           pressure_contact=p_contact, temperature=acc[0] / (snaps * n), snapshots=snaps)


def snapshot_observables(positions: np.ndarray, velocities: np.ndarray, ring: float, a: float, beta: float,
                         v0: float, xi: float, kind: int, r_max: float = 80.0, nbins: int = 160,
                         gap_max: float = 1.0, gap_bins: int = 10, table_dx: float = 0.05) -> CanonicalSample:
    """g(r) and p of snapshots (module doc). positions, velocities: (..., N) arrays (any leading shape, e.g.
    realisations x times), rod positions on the ring in any order and velocities of the same rods; ring: L
    (ring / 2 a multiple of table_dx); a: rod length (rods may touch, not overlap); beta: 1/kT of the sampled
    ensemble (enters the contact term only); v0, xi, kind: the pair potential (particles.hard_rods.potential)."""
    x, u = np.asarray(positions, float), np.asarray(velocities, float)
    if x.ndim < 1 or x.shape != u.shape or x.shape[-1] < 2:
        raise ValueError(f"positions, velocities: expected equal shapes (..., N) with N >= 2, got {x.shape}, {u.shape}")
    n = x.shape[-1]
    if not (beta > 0 and 0 <= a and n * a < ring):
        raise ValueError(f"beta = {beta}, a = {a}, ring = {ring}: expected beta > 0 and N = {n} rods of length "
                         "a >= 0 that fit on the ring")
    if not 0 < r_max <= ring / 2:
        raise ValueError(f"r_max = {r_max}: expected 0 < r_max <= ring/2")
    x, u = x.reshape(-1, n), u.reshape(-1, n)
    order = np.argsort(np.mod(x, ring), axis=1)
    y = np.take_along_axis(np.mod(x, ring), order, axis=1) - a * np.arange(n)
    u = np.take_along_axis(u, order, axis=1)
    if np.any(np.diff(y, axis=1) < -1e-9 * ring) or np.any(y[:, 0] + ring - n * a - y[:, -1] < -1e-9 * ring):
        raise ValueError(f"positions: rods of length a = {a} overlap in some snapshot")
    tab = ring_table(v0, xi, ring, kind, table_dx)
    hist, gap_hist, acc = np.zeros(nbins), np.zeros(gap_bins), np.zeros(3)
    for ys, us in zip(y, u):
        accumulate_snapshot(np.ascontiguousarray(ys), np.ascontiguousarray(us), a, tab, table_dx, ring, r_max,
                            hist, gap_max, gap_hist, acc)
    return reduce_histograms(hist, gap_hist, acc, n, ring, a, beta, r_max, gap_max)
