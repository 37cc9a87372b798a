"""Canonical hard-rod MD: the exact MD of hydrobridge.particles.hard_rods.md with Andersen velocity resampling
(docs/theory.md §1, §5 (5.25)-(5.26)), measuring the equilibrium pair correlation and the pressure.

The near-integrable NVE gas does not thermalise in affordable time, so the equilibrium structure is sampled
with Andersen's thermostat: after every MD step of length h each rod, with probability 1 - exp(-nu h),
gets a fresh velocity from the Maxwellian N(0, kT) (m = 1). Between resamplings the dynamics is the real
MD (hard-core collisions, smooth force). The Hamiltonian flow and the resampling both keep the canonical
measure exp(-beta H), so the run samples the same NVT state as the Monte Carlo of
hydrobridge.particles.hard_rods.equilibrium, but through the MD.

Observables, averaged over snapshots every `sample_interval` after `t_equilibrate`:

    g(r) = L / (N (N - 1)) <ordered pairs with minimum-image |x_i - x_j| in [r, r + dr)> / (2 dr)
    p    = (1/L) <sum_i u_i^2>  +  (1/L) <sum_{i<j} d_ij F(d_ij)>  +  kT rho a f(0+)

(1D virial theorem on the ring with minimum-image separations d_ij and F = -V_L'; the last term is the
hard-core collisional pressure, rho^2 kT a g(a+) = kT rho a f(0+), with f the probability density of a
rod's contracted gap to its right neighbour, extrapolated to zero gap from a histogram on [0, gap_max)
by a straight-line fit of log f). For V = 0 this is the exact finite-N Tonks pressure
kT (1/L + (N - 1)/(L - N a)).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numba
import numpy as np

from .md import forces, step, work_array
from .potential import ring_eval, ring_table

__all__ = ["CanonicalSample", "sample_canonical"]


@dataclass(frozen=True)
class CanonicalSample:
    """Equilibrium observables of one Andersen-thermostatted MD run (module doc)."""

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
def _run(y, u, f, n_steps, h, a, tab, dx, ring, kT, resample_prob, sample_every, first_sample, r_max,
         hist, gap_max, gap_hist, acc, seed):
    """Advance n_steps Andersen-MD steps; from step first_sample on, every sample_every steps add the pair
    histogram to hist, the gap histogram to gap_hist and (sum u^2, sum d F) to acc[0:2]; acc[2] counts."""
    np.random.seed(seed)
    n = y.size
    contracted = ring - n * a
    work = work_array(n)
    nb = hist.size
    ng = gap_hist.size
    sd = math.sqrt(kT)
    for s in range(n_steps):
        step(y, u, f, h, a, tab, dx, ring, work)
        for i in range(n):
            if np.random.random() < resample_prob:
                u[i] = sd * np.random.standard_normal()
        if s < first_sample or (s - first_sample) % sample_every != 0:
            continue
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


def sample_canonical(n: int, ring: float, a: float, beta: float, v0: float, xi: float, kind: int,
                     collision_rate: float = 0.2, t_equilibrate: float = 200.0, t_sample: float = 1000.0,
                     sample_interval: float = 1.0, r_max: float = 80.0, nbins: int = 160, h: float = 0.1,
                     gap_max: float = 1.0, gap_bins: int = 10, seed: int = 1,
                     table_dx: float = 0.05) -> CanonicalSample:
    """One Andersen-thermostatted MD run from the hard-rod equilibrium (uniform contracted positions,
    Maxwellian velocities); observables of the module doc. ring / 2 must be a multiple of table_dx."""
    if n < 2 or n * a >= ring:
        raise ValueError(f"n = {n}, a = {a}: expected n >= 2 rods that fit on the ring of length {ring}")
    if not beta > 0 or not collision_rate > 0:
        raise ValueError(f"beta = {beta}, collision_rate = {collision_rate}: expected positive numbers")
    if not 0 < r_max <= ring / 2:
        raise ValueError(f"r_max = {r_max}: expected 0 < r_max <= ring/2")
    if not 0 < sample_interval <= t_sample:
        raise ValueError(f"sample_interval = {sample_interval}: expected 0 < sample_interval <= t_sample")
    kT = 1.0 / beta
    rng = np.random.default_rng(seed)
    contracted = ring - n * a
    y = np.sort(rng.uniform(0.0, contracted, n))
    u = rng.normal(0.0, math.sqrt(kT), n)
    tab = ring_table(v0, xi, ring, kind, table_dx)
    f = np.empty(n)
    forces(y, a, tab, table_dx, ring, f)
    n_eq = int(round(t_equilibrate / h))
    every = max(1, int(round(sample_interval / h)))
    n_steps = n_eq + int(round(t_sample / h))
    hist, gap_hist, acc = np.zeros(nbins), np.zeros(gap_bins), np.zeros(3)
    _run(y, u, f, n_steps, h, a, tab, table_dx, ring, kT, -math.expm1(-collision_rate * h), every, n_eq,
         r_max, hist, gap_max, gap_hist, acc, int(rng.integers(2**31)))
    snaps = int(acc[2])
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
