"""Peak memory per rank of the continuum at scale: mesh creation + one time step (docs/performance.md).

    NUMBA_NUM_THREADS=1 nice -n 10 .venv/bin/python benchmarks/continuum_memory.py --cells 1e6 4e6 --ranks 1 2
    NUMBA_NUM_THREADS=1 nice -n 10 .venv/bin/python benchmarks/continuum_memory.py --model dipolar --cells 2.5e5 1e6

For every (cells, ranks) pair a fresh ``mpiexec -n ranks`` process group builds the x sheet-pair mesh
(:func:`hydrobridge.meshes.sheets.sheet_pair_mesh`, n x n squares split in two triangles, n = sqrt(cells/2)),
a model on it and takes one SSP-RK3 step: ``dg1-poisson`` (default) advects a DG1 scalar and solves the P1
Poisson problem with the AC sheet charges at every stage; ``dipolar`` is
:class:`hydrobridge.continuum.dipolar.DipolarFluid` (DG1 state with translation, Debye closure, P2 Poisson,
AC sheet forcing). Each rank reads its peak resident set size (``resource.getrusage``, ru_maxrss) after the
mesh, after the model setup and after the step; the table shows the maximum over ranks. Results are appended
to ``--out`` (JSON lines) as each run ends.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def _dg1_poisson(sp):
    """DG1 scalar advection whose stages each solve the P1 Poisson problem with the AC sheet charges."""
    import ufl
    from dolfinx import fem

    from hydrobridge.continuum.dg import DGConservationLaw, linear_advection
    from hydrobridge.continuum.forcing import SheetForcing
    from hydrobridge.continuum.poisson import PoissonSolver

    V = fem.functionspace(sp.mesh, ("Discontinuous Lagrange", 1))
    stage = fem.Function(V)
    poisson = PoissonSolver(fem.functionspace(sp.mesh, ("Lagrange", 1)), 1.0, facet_tags=sp.facet_tags,
                            forcing=SheetForcing(1.0, 1.0), source=stage, rtol=1e-8)

    def couple(u):
        stage.x.array[:] = u.x.array
        poisson.solve(solver.stage_time)

    solver = DGConservationLaw(linear_advection(ufl.as_vector([1.0, 0.5])), V, before_rate=couple)
    return lambda dt: solver.step(dt)


def _dipolar(sp):
    """The dipolar system with translation (Debye closure), P2 Poisson and the AC sheet forcing."""
    from hydrobridge.closures.rotational import Debye
    from hydrobridge.continuum.dipolar import DipolarFluid, DipolarParameters
    from hydrobridge.continuum.forcing import SheetForcing

    fluid = DipolarFluid(sp.mesh, DipolarParameters(), Debye(1.0), 0.5, translation=True, facet_tags=sp.facet_tags,
                         forcing=SheetForcing(1.0, 1.0), sheet_length=sp.sheet_length)
    # 1e-12 (the default) is below the round-off of CG + GAMG on millions of P2 dofs: PETSc stops with
    # DIVERGED_INDEFINITE_PC at 1e6 cells; one step at 1e-8 exercises the same solver
    fluid.poisson.ksp.setTolerances(rtol=1e-8)
    return fluid.step


MODELS = {"dg1-poisson": _dg1_poisson, "dipolar": _dipolar}


def measure(cells: float, model: str) -> dict:
    """One measurement on MPI.COMM_WORLD (run under mpiexec); returns the record on every rank."""
    import hydrobridge  # noqa: F401  (dolfinx_solver before dolfinx)
    from mpi4py import MPI

    from hydrobridge.meshes.sheets import sheet_pair_mesh

    comm = MPI.COMM_WORLD
    n = 4 * max(1, round((cells / 2) ** 0.5 / 4))           # positions 1/4, 3/4 on grid lines
    comm.barrier()
    t0 = time.perf_counter()
    sp = sheet_pair_mesh(comm, "x", n, n)
    comm.barrier()
    t_mesh = time.perf_counter() - t0
    peak_mesh = comm.allreduce(_peak_mib(), op=MPI.MAX)
    t0 = time.perf_counter()
    step = MODELS[model](sp)
    comm.barrier()
    t_setup = time.perf_counter() - t0
    peak_setup = comm.allreduce(_peak_mib(), op=MPI.MAX)
    t0 = time.perf_counter()
    step(1e-4)
    comm.barrier()
    t_step = time.perf_counter() - t0
    peak = comm.allreduce(_peak_mib(), op=MPI.MAX)
    ncells = sp.mesh.topology.index_map(2).size_global
    return {"model": model, "cells": ncells, "ranks": comm.size, "peak_mesh_mib": peak_mesh,
            "peak_setup_mib": peak_setup, "peak_mib": peak, "mesh_s": t_mesh, "setup_s": t_setup, "step_s": t_step}


def table(records: list[dict]) -> str:
    head = ("| model | cells | ranks | peak RSS/rank after mesh (MiB) | after model setup (MiB) | after step (MiB) "
            "| mesh creation (s) | model setup (s) | step (s) |\n|---|---|---|---|---|---|---|---|---|")
    rows = [f"| {r['model']} | {r['cells']} | {r['ranks']} | {r['peak_mesh_mib']:.0f} | {r['peak_setup_mib']:.0f} "
            f"| {r['peak_mib']:.0f} | {r['mesh_s']:.1f} | {r['setup_s']:.1f} | {r['step_s']:.1f} |" for r in records]
    return "\n".join([head, *rows])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cells", type=float, nargs="+", default=[1e6, 4e6], help="approximate numbers of cells")
    ap.add_argument("--ranks", type=int, nargs="+", default=[1, 2], help="MPI ranks")
    ap.add_argument("--model", choices=sorted(MODELS), default="dg1-poisson", help="what one step solves")
    ap.add_argument("--out", type=Path, default=Path("continuum_memory.jsonl"), help="JSON-lines results file")
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        record = measure(args.cells[0], args.model)
        from mpi4py import MPI
        if MPI.COMM_WORLD.rank == 0:
            with args.out.open("a") as fh:
                fh.write(json.dumps(record) + "\n")
        return
    mpiexec = Path(sys.executable).parent / "mpiexec"
    records = []
    for cells in args.cells:
        for ranks in args.ranks:
            before = args.out.read_text().splitlines() if args.out.exists() else []
            subprocess.run([str(mpiexec), "-n", str(ranks), sys.executable, __file__, "--child",
                            "--cells", str(cells), "--model", args.model, "--out", str(args.out)],
                           check=True, env=os.environ)
            records.append(json.loads(args.out.read_text().splitlines()[len(before)]))
            print(table(records[-1:]).splitlines()[-1], flush=True)
    print(table(records))


if __name__ == "__main__":
    main()
