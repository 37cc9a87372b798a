"""Ensembles of hard-rod MD realisations: initial states, threaded runs, checkpoint/restart (docs/theory.md §5).

Initial state (figure 2 of Biagetti et al., docs/theory.md (5.24)): N = rho_bar L rods; contracted positions
uniform on [0, L - N a) (the hard-rod equilibrium, Tonks gas, at density rho_bar), velocities from the boosted
thermal pair rho(theta) ~ exp(-beta (theta - 1)^2) + exp(-beta (theta + 1)^2), i.e. +/- theta0 + N(0, 1/(2 beta)).
Realisation r draws from SeedSequence(seed).spawn(R)[r], so results do not depend on how realisations
are split over threads or MPI ranks.

Note: numba's on-disk cache of _advance_all is not invalidated when md.py or potential.py change; delete
the __pycache__/*.nbi, *.nbc files after editing those modules.
"""
import os
from collections.abc import Callable
from functools import lru_cache
from dataclasses import dataclass, field

import numba
import numpy as np

from .md import forces, min_gap, step, work_array
from .potential import ring_table

# Columns of the per-sample observable array.
OBS_NAMES: tuple[str, ...] = ("m1", "m2", "m3", "m4", "ekin", "eint", "min_gap", "collisions")


@dataclass(frozen=True)
class RodSystem:
    """Physical and numerical parameters of one hard-rod MD ensemble."""
    n: int = 100
    ring: float = 500.0
    a: float = 1.0
    v0: float = 4.0
    xi: float = 20.0
    kind: int = 0            # potential.PHI6 or potential.PHI3
    table_dx: float = 0.05   # node spacing of the tabulated periodic potential
    beta: float = 2.5
    theta0: float = 1.0
    h: float = 0.1           # time step


@lru_cache(maxsize=8)
def table(sys: RodSystem) -> np.ndarray:
    """Tabulated periodic potential V_L of the system (cached per parameter set)."""
    return ring_table(sys.v0, sys.xi, sys.ring, sys.kind, sys.table_dx)


@dataclass
class EnsembleState:
    """Phase-space state of R realisations and the observables sampled so far."""
    y: np.ndarray            # (R, N) contracted positions
    u: np.ndarray            # (R, N) velocities by rank
    f: np.ndarray            # (R, N) forces at y
    steps: int = 0
    obs: list[np.ndarray] = field(default_factory=list)   # each (R, len(OBS_NAMES))
    hist: list[np.ndarray] = field(default_factory=list)  # each (R, n_bins)
    times: list[float] = field(default_factory=list)


def initial_state(sys: RodSystem, n_real: int, seed: int, first: int = 0, stride: int = 1) -> EnsembleState:
    """Sample realisations first, first+stride, ... < n_real of the boosted hard-rod state."""
    children = np.random.SeedSequence(seed).spawn(n_real)[first::stride]
    contracted = sys.ring - sys.n * sys.a
    y = np.empty((len(children), sys.n))
    u = np.empty((len(children), sys.n))
    for r, ss in enumerate(children):
        rng = np.random.default_rng(ss)
        y[r] = np.sort(rng.uniform(0.0, contracted, sys.n))
        sign = np.where(rng.random(sys.n) < 0.5, -1.0, 1.0)
        u[r] = sign * sys.theta0 + rng.normal(0.0, np.sqrt(0.5 / sys.beta), sys.n)
    f = np.empty_like(y)
    tab = table(sys)
    for r in range(y.shape[0]):
        forces(y[r], sys.a, tab, sys.table_dx, sys.ring, f[r])
    return EnsembleState(y=y, u=u, f=f)


@numba.njit(cache=True, parallel=True)
def _advance_all(y, u, f, n_steps, h, a, tab, dx, ring, edges, obs, hist):
    """Advance every realisation by n_steps and fill obs (R, 8) and hist (R, n_bins) at the end."""
    n_real, n = y.shape
    contracted = ring - n * a
    nb = edges.size - 1
    for r in numba.prange(n_real):
        gmin = min_gap(y[r], contracted)
        ncoll = 0
        work = work_array(n)
        for _ in range(n_steps):
            ncoll += step(y[r], u[r], f[r], h, a, tab, dx, ring, work)
            gmin = min(gmin, min_gap(y[r], contracted))
        eint = forces(y[r], a, tab, dx, ring, f[r])
        m = np.zeros(4)
        hist[r, :] = 0
        for i in range(n):
            v = u[r, i]
            m[0] += v
            m[1] += v * v
            m[2] += v * v * v
            m[3] += v * v * v * v
            b = np.searchsorted(edges, v) - 1
            if 0 <= b < nb:
                hist[r, b] += 1
        obs[r, 0:4] = m / n
        obs[r, 4] = 0.5 * m[1] / n
        obs[r, 5] = eint / n
        obs[r, 6] = gmin
        obs[r, 7] = ncoll


def run(state: EnsembleState, sys: RodSystem, n_samples: int, steps_per_sample: int, edges: np.ndarray,
        checkpoint: str | None = None, observe: Callable[[EnsembleState], None] | None = None) -> EnsembleState:
    """Advance the ensemble n_samples x steps_per_sample steps, sampling observables; checkpoint after each
    sample if a path is given. The observable at step 0 is recorded on the first call. observe(state) is
    called after every sample (e.g. particles.h5md.rod_observer, writing a trajectory)."""
    if not state.obs:
        _sample(state, sys, 0, edges)
        if observe is not None:
            observe(state)
    for _ in range(n_samples):
        _sample(state, sys, steps_per_sample, edges)
        if observe is not None:
            observe(state)
        if checkpoint is not None:
            save(checkpoint, state)
    return state


def _sample(state: EnsembleState, sys: RodSystem, n_steps: int, edges: np.ndarray) -> None:
    obs = np.empty((state.y.shape[0], len(OBS_NAMES)))
    hist = np.empty((state.y.shape[0], edges.size - 1), dtype=np.int64)
    _advance_all(state.y, state.u, state.f, n_steps, sys.h, sys.a, table(sys), sys.table_dx,
                 sys.ring, edges, obs, hist)
    state.steps += n_steps
    state.obs.append(obs)
    state.hist.append(hist)
    state.times.append(state.steps * sys.h)


def save(path: str, state: EnsembleState) -> None:
    """Atomic checkpoint: write <path>.tmp.npz, then rename over path."""
    tmp = path + ".tmp.npz"
    np.savez(tmp, y=state.y, u=state.u, f=state.f, steps=state.steps, obs=np.array(state.obs),
             hist=np.array(state.hist), times=np.array(state.times))
    os.replace(tmp, path)


def load(path: str) -> EnsembleState:
    """Read a checkpoint written by save()."""
    with np.load(path) as d:
        return EnsembleState(y=d["y"].copy(), u=d["u"].copy(), f=d["f"].copy(), steps=int(d["steps"]),
                             obs=list(d["obs"]), hist=list(d["hist"]), times=list(d["times"]))


def run_ensemble(sys: RodSystem, n_real: int, seed: int, t_end: float, n_samples: int, edges: np.ndarray,
                 comm=None, checkpoint: str | None = None,
                 observe: Callable[[EnsembleState], None] | None = None,
                 part: tuple[int, int] | None = None) -> dict[str, np.ndarray] | None:
    """Run n_real realisations to t_end, sampling n_samples + 1 times (t = 0 included); observe(state) after
    each sample this process computes (``run``; e.g. particles.h5md.rod_observer).

    With an MPI communicator, rank p runs realisations p, p + size, ...; rank 0 returns the gathered
    arrays in realisation order (other ranks return None). With a checkpoint prefix each rank keeps
    <prefix>.rank<p>.npz and resumes from it. Returns times (S,), obs (R, S, 8), hist (R, S, n_bins).
    Without a communicator, part = (p, P) runs (and checkpoints) only the share of rank p of P ranks, returning it
    ungathered: an MPI run split into sequential pieces, with the same checkpoint files.
    """
    if part is not None and (comm is not None or not 0 <= part[0] < part[1]):
        raise ValueError(f"part: expected (p, P) with 0 <= p < P and no communicator, got {part}")
    rank, size = (comm.Get_rank(), comm.Get_size()) if comm is not None else (part or (0, 1))
    steps_per_sample = max(1, int(round(t_end / (n_samples * sys.h))))
    path = f"{checkpoint}.rank{rank}.npz" if checkpoint else None
    state = load(path) if path and os.path.exists(path) else initial_state(sys, n_real, seed, rank, size)
    done = len(state.obs) - 1 if state.obs else 0
    run(state, sys, n_samples - done, steps_per_sample, edges, path, observe)
    obs = np.array(state.obs).transpose(1, 0, 2)
    hist = np.array(state.hist).transpose(1, 0, 2)
    if comm is not None:
        parts = comm.gather((obs, hist), root=0)
        if rank != 0:
            return None
        obs = np.empty((n_real,) + obs.shape[1:])
        hist = np.empty((n_real,) + hist.shape[1:], dtype=np.int64)
        for p, (o, hh) in enumerate(parts):
            obs[p::size] = o
            hist[p::size] = hh
    return {"times": np.array(state.times), "obs": obs, "hist": hist}
