"""Foundation numbers (docs/theory.md (1.19)-(1.20), (4.3)) and DG/Poisson throughput; serial and mpiexec -n 2.

    .venv/bin/python benchmarks/continuum_foundation.py
    .venv/bin/mpiexec -n 2 .venv/bin/python benchmarks/continuum_foundation.py

Prints: periodic Poisson L2 errors and rates (P1, P2), DG advection errors, rates and mass drift
(DG1, DG2, velocity (1, 0.5), one period), sheet-pair field error, and wall time of one SSP-RK3
step of DG1 advection on a 128 x 128 periodic mesh (98k dofs) and of one P1 Poisson solve (GAMG).
"""

from __future__ import annotations

import time

import numpy as np

import hydrobridge  # noqa: E402,F401  (dolfinx_solver before dolfinx)
import ufl
from dolfinx import fem
from mpi4py import MPI

from hydrobridge.continuum.dg import DGConservationLaw, linear_advection
from hydrobridge.continuum.forcing import SheetForcing
from hydrobridge.continuum.poisson import PoissonSolver
from hydrobridge.meshes.periodic import periodic_rectangle
from hydrobridge.meshes.sheets import sheet_pair_mesh
from hydrobridge.continuum.verification import dg_advection, manufactured_poisson

comm = MPI.COMM_WORLD


def say(*a):
    if comm.rank == 0:
        print(*a, flush=True)


def rates(e):
    e = np.asarray(e)
    return np.log2(e[:-1] / e[1:])


say(f"ranks: {comm.size}")
for p in (1, 2):
    r = manufactured_poisson(comm, p, [16, 32, 64, 128])
    say(f"Poisson P{p}: L2 errors {np.array2string(np.array(r['errors']), precision=4)} "
        f"rates {np.array2string(rates(r['errors']), precision=3)} functionals {r['functionals'][-1]:.15e}")
for p in (1, 2):
    r = dg_advection(comm, p, [8, 16, 32])
    say(f"DG{p} advection: L2 errors {np.array2string(np.array(r['errors']), precision=4)} "
        f"rates {np.array2string(rates(r['errors']), precision=3)} max mass drift {max(r['mass_drift']):.2e} "
        f"functional {r['functionals'][-1]:.15e}")
for o in ("x", "y", "45"):
    sp = sheet_pair_mesh(comm, o, 32, 32)
    V = fem.functionspace(sp.mesh, ("Lagrange", 1))
    psi = PoissonSolver(V, 1.0, facet_tags=sp.facet_tags, forcing=SheetForcing(1.0)).solve()
    W = fem.functionspace(sp.mesh, ("Discontinuous Lagrange", 0, (2,)))
    E = fem.Function(W)
    E.interpolate(fem.Expression(-ufl.grad(psi), W.element.interpolation_points))
    En = np.abs(E.x.array.reshape(-1, 2) @ sp.normal)
    say(f"sheet pair {o:>2}: max | |E.n| - sigma0/(2 eps0) | / (sigma0/(2 eps0)) = "
        f"{comm.allreduce(np.max(np.abs(En - 0.5)), op=MPI.MAX) / 0.5:.2e}")

msh = periodic_rectangle(comm, 128, 128).mesh
V = fem.functionspace(msh, ("Discontinuous Lagrange", 1))
adv = DGConservationLaw(linear_advection(ufl.as_vector((1.0, 0.5))), V)
adv.U.interpolate(lambda x: np.sin(2 * np.pi * x[0]))
adv.step(1e-4)
comm.barrier()
t0 = time.perf_counter()
for _ in range(20):
    adv.step(1e-4)
comm.barrier()
say(f"DG1 128x128 ({V.dofmap.index_map.size_global} dofs): {1e3 * (time.perf_counter() - t0) / 20:.1f} ms per SSP-RK3 step")
Vp = fem.functionspace(msh, ("Lagrange", 1))
X = ufl.SpatialCoordinate(msh)
solver = PoissonSolver(Vp, 1.0, polarisation=ufl.as_vector((ufl.sin(2 * ufl.pi * X[0]), 0.0)))
solver.solve()
t0 = time.perf_counter()
for _ in range(5):
    solver.solve()
say(f"P1 Poisson 128x128 ({Vp.dofmap.index_map.size_global} dofs): {1e3 * (time.perf_counter() - t0) / 5:.1f} ms per solve "
    f"({solver.ksp.getIterationNumber()} CG+GAMG iterations, rtol 1e-12)")
