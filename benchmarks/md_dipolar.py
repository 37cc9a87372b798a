"""Throughput of the 2D dipolar MD (particle-steps per second), NVE velocity Verlet.

Workload: dipolar liquid at n s^2 = 0.6, kT = 1.5, mu = 1.5, dt = 0.002; short-range Phi and Ewald real
space cut at r_cut (default 3.0), reciprocal part by particle mesh (order 6) or, with --ewald, by plain Ewald.
Run serially, or under `mpiexec -n 2` to run one independent replica per rank (the ensemble mode) and report
the aggregate throughput. Prints one line per N with the per-step time split by term. The kernels are
serial: the two-core numbers come from MPI replicas, not from threads.

    NUMBA_NUM_THREADS=1 PYTHONPATH=. python benchmarks/md_dipolar.py --sizes 1024 4096 16384
    NUMBA_NUM_THREADS=1 PYTHONPATH=. mpiexec -n 2 python benchmarks/md_dipolar.py --sizes 1024 4096
"""

from __future__ import annotations

import argparse
import math
import time

import numpy as np

from particles.dipolar.integrate import VelocityVerlet
from particles.dipolar.model import DipolarParams, lattice_state
from particles.dipolar.space import neighbor_pairs
from particles.dipolar.system import dipolar_force_field


def benchmark(n: int, steps: int, accuracy: float, r_cut: float, ewald: bool, seed: int) -> dict[str, float]:
    """Seconds per step in total and per term, after 5 warm-up steps."""
    length = math.sqrt(n / 0.6)
    params = DipolarParams(Lx=length, Ly=length, q=3.0)
    state = lattice_state(params, n, 1.5, np.random.default_rng(seed))
    ff = dipolar_force_field(params, accuracy, r_cut, r_cut, mesh_order=None if ewald else 6)
    vv = VelocityVerlet(ff, params, 0.002)
    c = ff(state.x, state.theta, 0.0)
    for _ in range(5):
        state, c = vv.step(state, c)
    t0 = time.perf_counter()
    for _ in range(steps):
        state, c = vv.step(state, c)
    out = {"step": (time.perf_counter() - t0) / steps}
    t0 = time.perf_counter()
    pairs = neighbor_pairs(state.x, params.box, r_cut)
    out["pairs"] = time.perf_counter() - t0
    for term in ff.terms:
        t0 = time.perf_counter()
        term(state.x, state.theta, state.t, pairs)
        out[type(term).__name__] = time.perf_counter() - t0
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1024, 4096, 16384])
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--accuracy", type=float, default=1e-4)
    parser.add_argument("--r-cut", type=float, default=3.0)
    parser.add_argument("--ewald", action="store_true", help="plain Ewald instead of particle mesh")
    args = parser.parse_args()
    try:
        from mpi4py import MPI

        comm = MPI.COMM_WORLD
    except ImportError:
        comm = None
    rank, size = (comm.Get_rank(), comm.Get_size()) if comm is not None else (0, 1)
    for n in args.sizes:
        if comm is not None:
            comm.Barrier()
        wall = time.perf_counter()
        res = benchmark(n, args.steps, args.accuracy, args.r_cut, args.ewald, seed=rank)
        wall = time.perf_counter() - wall
        if comm is not None:
            wall = comm.allreduce(wall, op=MPI.MAX)
            res = {k: comm.allreduce(v, op=MPI.MAX) for k, v in res.items()}
        if rank == 0:
            split = " ".join(f"{k}={1e3 * v:.2f}ms" for k, v in res.items() if k != "step")
            print(f"N={n:6d} ranks={size} step={1e3 * res['step']:.2f}ms "
                  f"particle-steps/s={size * n / res['step']:.3e} ({split}) wall={wall:.1f}s", flush=True)


if __name__ == "__main__":
    main()
