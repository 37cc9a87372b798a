"""Cases computed identically in-process (serial) and under mpiexec (tests compare the two).

Each case is a function of (comm, **kwargs) returning a JSON-able dict; run as a script:
    mpiexec -n 2 python tests/mpi_cases.py CASE OUT.json '{"kwarg": value}'
"""

from __future__ import annotations

import json
import sys

import numpy as np

import meshes  # noqa: F401
import ufl
from dolfinx import fem
from mpi4py import MPI

from continuum.dg import DGConservationLaw, linear_advection
from continuum.poisson import PoissonSolver
from meshes.periodic import periodic_rectangle


def manufactured_poisson(comm: MPI.Comm, degree: int, sizes: list[int]) -> dict:
    """Periodic -Lap psi = f with psi = sin(2 pi x) cos(4 pi y) + cos(2 pi (x + y)); L2 errors per size."""
    errors, functionals = [], []
    for n in sizes:
        msh = periodic_rectangle(comm, n, n).mesh
        V = fem.functionspace(msh, ("Lagrange", degree))
        X = ufl.SpatialCoordinate(msh)
        exact = ufl.sin(2 * ufl.pi * X[0]) * ufl.cos(4 * ufl.pi * X[1]) + ufl.cos(2 * ufl.pi * (X[0] + X[1]))
        # -Lap psi = f  <=>  int grad psi . grad v = int f v = int P . grad v with P = grad(exact)
        solver = PoissonSolver(V, 1.0, polarisation=ufl.grad(exact))
        psi = solver.solve()
        err = comm.allreduce(fem.assemble_scalar(fem.form((psi - exact) ** 2 * ufl.dx)))
        errors.append(float(np.sqrt(err)))
        weight = ufl.exp(ufl.sin(2 * ufl.pi * X[0]) + X[1] * (1 - X[1]))
        functionals.append(float(comm.allreduce(fem.assemble_scalar(fem.form(psi * weight * ufl.dx)))))
    return {"errors": errors, "functionals": functionals}


def dg_advection(comm: MPI.Comm, degree: int, sizes: list[int], cfl: float = 0.3) -> dict:
    """u_t + div((1, 0.5) u) = 0 on the periodic unit square over one period T = 2."""
    errors, mass_drift, functionals = [], [], []
    f = lambda x: 1.0 + np.sin(2 * np.pi * x[0]) * np.sin(2 * np.pi * x[1])  # noqa: E731
    for n in sizes:
        msh = periodic_rectangle(comm, n, n).mesh
        V = fem.functionspace(msh, ("Discontinuous Lagrange", degree))
        solver = DGConservationLaw(linear_advection(ufl.as_vector((1.0, 0.5))), V)
        solver.U.interpolate(f)
        mass = fem.form(solver.U * ufl.dx)
        m0 = comm.allreduce(fem.assemble_scalar(mass))
        T = 2.0
        nsteps = int(np.ceil(T / (cfl * (1.0 / n) / (np.hypot(1.0, 0.5) * (2 * degree + 1)))))
        for _ in range(nsteps):
            solver.step(T / nsteps)
        m1 = comm.allreduce(fem.assemble_scalar(mass))
        exact = fem.Function(fem.functionspace(msh, ("Discontinuous Lagrange", degree + 2)))
        exact.interpolate(f)
        errors.append(float(np.sqrt(comm.allreduce(fem.assemble_scalar(fem.form((solver.U - exact) ** 2 * ufl.dx))))))
        mass_drift.append(abs(m1 - m0) / abs(m0))
        X = ufl.SpatialCoordinate(msh)
        functionals.append(float(comm.allreduce(fem.assemble_scalar(fem.form(solver.U * ufl.cos(X[0] + 2 * X[1]) * ufl.dx)))))
    return {"errors": errors, "mass_drift": mass_drift, "functionals": functionals}


def debye_sheet_eps(comm: MPI.Comm, omega: float, orientation: str = "x") -> dict:
    """eps_nn(omega) of the Debye-closure fluid (limiting case) from the driven sheet pair."""
    from closures.rotational import Debye, DipolarParameters
    from continuum.dipolar import DipolarFluid
    from continuum.permittivity import run_sheet_response, sheet_pair_for

    par, n, tau = DipolarParameters(), 1.0, 1.0
    chi = par.static_susceptibility(n)

    def make(sp, w):
        return DipolarFluid(sp.mesh, par, Debye(tau), n, translation=False, facet_tags=sp.facet_tags,
                            sigma0=1.0, omega=w, sheet_length=sp.sheet_length)

    run = run_sheet_response(make, sheet_pair_for(comm, orientation), omega, 1.0, par.eps0,
                             max_dt=1.2 * tau / (1 + chi), transient_periods=1 if omega * tau < 1 else 8)
    return {"eps": [run.eps_nn.real, run.eps_nn.imag], "exact": [*(lambda z: (z.real, z.imag))(1 + chi / (1 - 1j * omega * tau))],
            "mismatch": run.macroscopic_mismatch}


def grad_sheet_run(comm: MPI.Comm, steps: int, checkpoint: str = "", save_at: int = -1, resume: bool = False) -> dict:
    """Driven Grad-closure sheet run; optionally checkpoint at step save_at, or resume from checkpoint."""
    from closures.rotational import DipolarParameters, GradRotational
    from continuum.checkpoint import load_checkpoint, save_checkpoint
    from continuum.dipolar import DipolarFluid
    from continuum.permittivity import sheet_pair_for

    sp = sheet_pair_for(comm, "45")
    fluid = DipolarFluid(sp.mesh, DipolarParameters(), GradRotational(), 1.0, translation=False,
                         facet_tags=sp.facet_tags, sigma0=1.0, omega=1.7, sheet_length=sp.sheet_length)
    fluid.set_state(polarisation=lambda x: np.vstack([0.1 * np.sin(2 * np.pi * x[0]), 0 * x[0]]))
    start = 0
    if resume:
        fluid.time, start, _ = load_checkpoint(checkpoint, {"state": fluid.state}, sp.domain.cell_input_ids)
    drops = []
    for k in range(start, steps):
        if k == save_at:
            save_checkpoint(checkpoint, {"state": fluid.state}, sp.domain.cell_input_ids, fluid.time, k)
        fluid.step(0.02)
        drops.append(fluid.potential_drop())
    return {"drops": drops, "time": fluid.time}


CASES = {"grad_sheet_run": grad_sheet_run, "manufactured_poisson": manufactured_poisson, "dg_advection": dg_advection, "debye_sheet_eps": debye_sheet_eps}

if __name__ == "__main__":
    case, out, kwargs = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
    result = CASES[case](MPI.COMM_WORLD, **kwargs)
    if MPI.COMM_WORLD.rank == 0:
        with open(out, "w") as fh:
            json.dump(result, fh)
