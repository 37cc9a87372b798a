"""Canonical hard-rod MD: the exact MD of hydrobridge.particles.hard_rods.md with Andersen velocity resampling
(docs/theory.md §1, §5 (5.25)-(5.26)), measuring the equilibrium pair correlation and the pressure.

The near-integrable NVE gas does not thermalise in affordable time, so the equilibrium structure is sampled
with Andersen's thermostat: after every MD step of length h each rod, with probability 1 - exp(-nu h),
gets a fresh velocity from the Maxwellian N(0, kT) (m = 1). Between resamplings the dynamics is the real
MD (hard-core collisions, smooth force). The Hamiltonian flow and the resampling both keep the canonical
measure exp(-beta H), so the run samples the same NVT state as the Monte Carlo of
hydrobridge.particles.hard_rods.equilibrium, but through the MD.

Observables, averaged over snapshots every `sample_interval` after `t_equilibrate`: g(r) and the kinetic +
virial + contact pressure of particles.hard_rods.structure (the same estimator as for a user's snapshots).
For V = 0 the pressure is the exact finite-N Tonks pressure kT (1/L + (N - 1)/(L - N a)).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numba
import numpy as np

from .md import forces, step, work_array
from .potential import ring_table
from .structure import CanonicalSample, accumulate_snapshot, reduce_histograms

__all__ = ["CanonicalRun", "CanonicalSample", "sample_canonical", "sample_canonical_runs"]


@numba.njit(cache=True)
def _run(y, u, f, n_steps, h, a, tab, dx, ring, kT, resample_prob, sample_every, first_sample, r_max,
         hist, gap_max, gap_hist, acc, seed):
    """Advance n_steps Andersen-MD steps; from step first_sample on, every sample_every steps add the pair
    histogram to hist, the gap histogram to gap_hist and (sum u^2, sum d F) to acc[0:2]; acc[2] counts."""
    np.random.seed(seed)
    n = y.size
    work = work_array(n)
    sd = math.sqrt(kT)
    for s in range(n_steps):
        step(y, u, f, h, a, tab, dx, ring, work)
        for i in range(n):
            if np.random.random() < resample_prob:
                u[i] = sd * np.random.standard_normal()
        if s < first_sample or (s - first_sample) % sample_every != 0:
            continue
        accumulate_snapshot(y, u, a, tab, dx, ring, r_max, hist, gap_max, gap_hist, acc)


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
    return reduce_histograms(hist, gap_hist, acc, n, ring, a, beta, r_max, gap_max)


@dataclass(frozen=True)
class CanonicalRun:
    """One state of sample_canonical: n rods on a ring of length `ring` at inverse temperature beta, seed."""

    n: int
    ring: float
    beta: float
    seed: int


def sample_canonical_runs(runs: Sequence[CanonicalRun], a: float, v0: float, xi: float, kind: int, comm=None,
                          **options) -> list[CanonicalSample]:
    """sample_canonical for every run (rods of length a, potential v0, xi, kind; further keywords of
    sample_canonical in `options`), spread over the ranks of an mpi4py communicator (rank q runs q, q + size,
    ...); every rank returns all samples in the order of `runs`."""
    size, rank = (1, 0) if comm is None else (comm.size, comm.rank)
    local = [sample_canonical(r.n, r.ring, a, r.beta, v0, xi, kind, seed=r.seed, **options)
             for r in runs[rank::size]]
    parts = [local] if comm is None else comm.allgather(local)
    return [parts[k % size][k // size] for k in range(len(runs))]
