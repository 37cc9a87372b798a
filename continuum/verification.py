"""Verification problems of the continuum solvers (docs/theory.md §1, §3, §4): manufactured periodic
Poisson, DG advection, Debye sheet permittivity, Grad sheet runs with checkpoints, Euler Riemann / smooth /
linear-wave / conservation cases.

Each case is a function of (comm, **kwargs) returning a JSON-able dict, computed identically in-process and
under mpiexec (the tests compare the two; demos/euler_acceptance.py prints them). Run one as a script:
    mpiexec -n 2 python -m hydrobridge.continuum.verification CASE OUT.json '{"kwarg": value}'
"""

from __future__ import annotations

import json
import sys

import numpy as np

import ufl
from dolfinx import fem
from mpi4py import MPI

from hydrobridge.closures.rotational import DipolarParameters
from hydrobridge.continuum.dg import DGConservationLaw, linear_advection
from hydrobridge.continuum.poisson import PoissonSolver
from hydrobridge.meshes.periodic import periodic_rectangle


# reference dipolar fluid of the tests and benchmarks: chi_s = 1/2, w0 = 2
PAR = DipolarParameters(mu=1.0, mass=1.0, inertia=0.25, kT=1.0, kT_r=1.0, eps0=1.0)
N = 1.0
CHI = PAR.static_susceptibility(N)          # 0.5
W0 = PAR.w0                                 # 2
WL = W0 * np.sqrt(1 + CHI)


def oscillation_frequency(t, x):
    """Angular frequency from the mean spacing of linearly interpolated zero crossings."""
    s = np.sign(x)
    i = np.flatnonzero(s[:-1] * s[1:] < 0)
    tc = t[i] - x[i] * (t[i + 1] - t[i]) / (x[i + 1] - x[i])
    return np.pi / np.mean(np.diff(tc))


def record(fluid, dt, nsteps, observable):
    """(t, observable()) at each of nsteps steps of size dt."""
    t, x = np.empty(nsteps), np.empty(nsteps)
    for k in range(nsteps):
        t[k], x[k] = fluid.time, observable()
        fluid.step(dt)
    return t, x


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
    from hydrobridge.closures.rotational import Debye
    from hydrobridge.continuum.dipolar import DipolarFluid
    from hydrobridge.continuum.permittivity import closure_run_settings, run_sheet_response, sheet_pair_for

    par, n, tau = DipolarParameters(), 1.0, 1.0
    chi = par.static_susceptibility(n)

    def make(sp, forcing):
        return DipolarFluid(sp.mesh, par, Debye(tau), n, translation=False, facet_tags=sp.facet_tags,
                            forcing=forcing, sheet_length=sp.sheet_length)

    run = run_sheet_response(make, sheet_pair_for(comm, orientation), omega, 1.0, par.eps0,
                             **closure_run_settings(Debye(tau), par, n, omega))
    return {"eps": [run.eps_nn.real, run.eps_nn.imag], "exact": [*(lambda z: (z.real, z.imag))(1 + chi / (1 - 1j * omega * tau))],
            "mismatch": run.macroscopic_mismatch}


def grad_sheet_run(comm: MPI.Comm, steps: int, checkpoint: str = "", save_at: int = -1, resume: bool = False) -> dict:
    """Driven Grad-closure sheet run; optionally checkpoint at step save_at, or resume from checkpoint."""
    from hydrobridge.closures.rotational import GradRotational
    from hydrobridge.continuum.checkpoint import load_checkpoint, save_checkpoint
    from hydrobridge.continuum.dipolar import DipolarFluid
    from hydrobridge.continuum.driver import advance
    from hydrobridge.continuum.forcing import SheetForcing
    from hydrobridge.continuum.permittivity import sheet_pair_for

    sp = sheet_pair_for(comm, "45")
    fluid = DipolarFluid(sp.mesh, DipolarParameters(), GradRotational(), 1.0, translation=False,
                         facet_tags=sp.facet_tags, forcing=SheetForcing(1.0, 1.7), sheet_length=sp.sheet_length)
    fluid.set_state(polarisation=lambda x: np.vstack([0.1 * np.sin(2 * np.pi * x[0]), 0 * x[0]]))
    start = 0
    if resume:
        fluid.time, start, _ = load_checkpoint(checkpoint, {"state": fluid.state}, sp.domain.cell_input_ids)
    drops = []

    def save(k, model):
        if k == save_at:
            save_checkpoint(checkpoint, {"state": model.state}, sp.domain.cell_input_ids, model.time, k)

    def record(k, model):
        if k > start:
            drops.append(model.potential_drop())

    advance(fluid, 0.02, steps, [save, record], start)
    return {"drops": drops, "time": fluid.time}


CASES = {"grad_sheet_run": grad_sheet_run, "manufactured_poisson": manufactured_poisson, "dg_advection": dg_advection, "debye_sheet_eps": debye_sheet_eps}


# ------------------------------------------------------------------ Euler rung (docs/theory.md §1)

def _euler_imports():
    from hydrobridge.closures.ideal import Adiabatic, Isothermal
    from hydrobridge.continuum import euler

    return Adiabatic, Isothermal, euler


def _weighted_functional(comm, U, msh, dim):
    """A smooth-weighted integral of every component (sensitive to every coefficient, for serial == MPI)."""
    X = ufl.SpatialCoordinate(msh)
    w = ufl.exp(ufl.sin(2 * ufl.pi * X[0]) / 2) if dim == 1 else ufl.exp(ufl.sin(X[0]) / 2 + ufl.cos(X[1]) / 3)
    n = U.function_space.dofmap.bs
    return [float(comm.allreduce(fem.assemble_scalar(fem.form(U[i] * w * ufl.dx)))) for i in range(n)]


def _l1_error_1d(comm, solver, exact_rho) -> float:
    """int |rho_h - rho_exact| dx by 20-point Gauss quadrature in every cell (exact_rho: NumPy of x)."""
    import basix

    cd = solver.cells
    pts, w = basix.make_quadrature(basix.CellType.interval, 39)
    T = solver.V.element.basix_element.tabulate(0, pts)[0, :, :, 0]
    c = solver.nodal_values()
    x0, x1 = cd.cell_x[: cd.num_owned, 0, 0], cd.cell_x[: cd.num_owned, 1, 0]
    xq = x0[:, None] + pts[:, 0][None] * (x1 - x0)[:, None]
    rq = np.einsum("qj,cj->cq", T, c[:, :, 0])
    return float(comm.allreduce(float(np.sum(np.abs(rq - exact_rho(xq)) * w[None] * np.abs(x1 - x0)[:, None]))))


def euler_riemann(comm: MPI.Comm, degree: int, sizes: list[int], left=(1.0, 0.0, 1.0), right=(0.125, 0.0, 0.1),
                  t_end: float = 0.2, gamma: float = 1.4, cfl: float = 0.3) -> dict:
    """Riemann problem on [0, 1] (Sod by default), transmissive ends, minmod + positivity limiters."""
    import time

    from hydrobridge.continuum.riemann import exact_riemann
    from hydrobridge.meshes.periodic import create_periodic_mesh, structured_interval

    Adiabatic, _, euler = _euler_imports()
    out = {"l1": [], "steps": [], "wall": [], "functionals": [], "min_rho": [], "limited_cells": []}
    for n in sizes:
        msh = create_periodic_mesh(comm, structured_interval(n, 1.0, periodic=False)).mesh
        s = euler.EulerSolver(euler.EulerSystem(1, Adiabatic(gamma)), msh, degree=degree, cfl=cfl,
                              slope_limiter="minmod", boundary="transmissive")
        side = lambda a, b: (lambda x: ufl.conditional(ufl.lt(x[0], 0.5), a, b))  # noqa: E731
        s.project_state(side(left[0], right[0]), side(left[1], right[1]), side(left[2], right[2]))
        t0 = time.perf_counter()
        s.run(t_end)
        out["wall"].append(time.perf_counter() - t0)
        out["l1"].append(_l1_error_1d(comm, s, lambda x: exact_riemann(x, t_end, left, right, gamma)[0]))
        out["steps"].append(s.steps)
        out["functionals"].append(_weighted_functional(comm, s.U, msh, 1))
        out["min_rho"].append(comm.allreduce(float(s.nodal_values()[..., 0].min()), op=MPI.MIN))
        out["limited_cells"].append([comm.allreduce(lim.count) for lim in s.limiter.limiters])
    return out


def _drifts(m0: dict, m1: dict, scale: dict | None = None) -> dict:
    return {k: abs(m1[k] - m0[k]) / abs((scale or m0)[k]) for k in m0}


def euler_smooth(comm: MPI.Comm, dim: int, degree: int, sizes: list[int], t_end: float | None = None) -> dict:
    """Smooth exact solutions, periodic: 1D advected density wave; 2D isentropic vortex (Shu), gamma = 1.4.

    Returns L2 errors of rho, relative drifts of the totals of every component, functionals.
    """
    import time

    from hydrobridge.meshes.periodic import periodic_interval, periodic_rectangle

    Adiabatic, _, euler = _euler_imports()
    g = 1.4
    out = {"errors": [], "drifts": [], "functionals": [], "steps": [], "wall": []}
    for n in sizes:
        if dim == 1:
            T = 1.0 if t_end is None else t_end
            msh = periodic_interval(comm, n, 1.0).mesh
            rho = lambda x, xp, t=0.0: 1 + 0.2 * xp.sin(2 * np.pi * (x[0] - t))  # noqa: E731
            s = euler.EulerSolver(euler.EulerSystem(1, Adiabatic(g)), msh, degree=degree, cfl=0.3)
            s.set_state(lambda x: rho(x, np), lambda x: np.ones_like(x[0]), lambda x: np.ones_like(x[0]))
        else:
            T = 0.5 if t_end is None else t_end
            beta, Lb = 5.0, 10.0
            msh = periodic_rectangle(comm, n, n, Lb, Lb).mesh

            def prim(x, y, xp):
                e = xp.exp(0.5 * (1 - (x - 5) ** 2 - (y - 5) ** 2))
                r = (1 - (g - 1) * beta**2 / (8 * g * np.pi**2) * e * e) ** (1 / (g - 1))
                return r, 1 - beta / (2 * np.pi) * e * (y - 5), 1 + beta / (2 * np.pi) * e * (x - 5), r**g

            rho = lambda x, xp, t=0.0: prim(x[0] - t, x[1] - t, xp)[0]  # noqa: E731
            s = euler.EulerSolver(euler.EulerSystem(2, Adiabatic(g)), msh, degree=degree, cfl=0.3)
            s.set_state(lambda x: prim(x[0], x[1], np)[0], lambda x: np.vstack(prim(x[0], x[1], np)[1:3]),
                        lambda x: prim(x[0], x[1], np)[3])
        m0 = s.totals()
        t0 = time.perf_counter()
        s.run(T)
        out["wall"].append(time.perf_counter() - t0)
        X = ufl.SpatialCoordinate(msh)
        err2 = fem.assemble_scalar(fem.form((s.U[0] - rho(X, ufl, T)) ** 2 * ufl.dx(metadata={"quadrature_degree": 10})))
        out["errors"].append(float(np.sqrt(comm.allreduce(err2))))
        out["drifts"].append(_drifts(m0, s.totals()))
        out["functionals"].append(_weighted_functional(comm, s.U, msh, dim))
        out["steps"].append(s.steps)
    return out


def _frequency(t: np.ndarray, a: np.ndarray) -> tuple[float, float]:
    """Angular frequency of a(t) ~ A cos(w t + phi): from zero crossings, then refined by a least-squares fit."""
    from scipy.optimize import curve_fit

    s = np.sign(a)
    idx = np.flatnonzero(s[:-1] * s[1:] < 0)
    tz = t[idx] - a[idx] * (t[idx + 1] - t[idx]) / (a[idx + 1] - a[idx])
    if tz.size < 3:
        raise ValueError(f"{tz.size} zero crossings: record more periods")
    w0 = np.pi * (tz.size - 1) / (tz[-1] - tz[0])
    popt, _ = curve_fit(lambda t, A, w, ph: A * np.cos(w * t + ph), t, a, p0=[np.max(np.abs(a)), w0, 0.0])
    return float(w0), float(popt[1])


def euler_wave(comm: MPI.Comm, kind: str, n: int = 16, degree: int = 2, periods: float = 2.0,
               k: float = 0.5, vth2: float = 1.0, u0: float = 0.3, delta: float = 1e-3) -> dict:
    """Linear standing wave on a 1D periodic box L = 2 pi/k moving with mean flow u0 (q = m = eps0 = n0 = 1).

    kind: "bohm_gross_adiabatic" (gamma = 3, w^2 = 1 + 3 k^2 vth^2), "bohm_gross_isothermal"
    (w^2 = 1 + k^2 vth^2), "bohm_gross_nonconservative" (isothermal, force as -rho grad phi),
    "kernel" (isothermal + Gaussian kernel V0 = 1, xi = 0.5: w^2 = k^2 (vth^2 + V0 exp(-k^2 xi^2/2))),
    "jeans" (isothermal, attractive Poisson, w^2 = k^2 vth^2 - 0.2 with 4 pi G rho0 -> charge^2 = 0.2).
    The mode amplitude is demodulated by the Doppler phase exp(-i k u0 t) (Galilean invariance).
    """
    import time

    from hydrobridge.meshes.periodic import periodic_interval

    Adiabatic, Isothermal, euler = _euler_imports()
    if kind == "bohm_gross_adiabatic":
        clo, mf, w2 = Adiabatic(3.0), euler.PoissonMeanField(), 1 + 3 * k * k * vth2
    elif kind == "bohm_gross_isothermal":
        clo, mf, w2 = Isothermal(vth2), euler.PoissonMeanField(), 1 + k * k * vth2
    elif kind == "bohm_gross_nonconservative":
        clo, mf, w2 = Isothermal(vth2), euler.PoissonMeanField(conservative=False), 1 + k * k * vth2
    elif kind == "kernel":
        xi = 0.5
        clo, mf = Isothermal(vth2), euler.ConvolutionMeanField1D(V0=1.0, xi=xi)
        w2 = k * k * (vth2 + euler.gaussian_kernel()[1](k * xi))
    elif kind == "jeans":
        clo, mf, w2 = Isothermal(vth2), euler.PoissonMeanField(charge=np.sqrt(0.2), sign=-1.0), k * k * vth2 - 0.2
    else:
        raise ValueError(f"kind = {kind!r}")
    L = 2 * np.pi / k
    msh = periodic_interval(comm, n, L).mesh
    s = euler.EulerSolver(euler.EulerSystem(1, clo, mean_field=mf), msh, degree=degree, cfl=0.3)
    rho = lambda x: 1 + delta * np.cos(k * x[0])  # noqa: E731
    s.set_state(rho, lambda x: u0 + 0 * x[0], lambda x: vth2 * rho(x) ** 3)  # isentropic for gamma = 3
    X = ufl.SpatialCoordinate(msh)
    proj = [fem.form(s.U[0] * f(k * X[0]) * (2 / L) * ufl.dx) for f in (ufl.cos, ufl.sin)]
    w = float(np.sqrt(w2))
    T = periods * 2 * np.pi / w
    nsteps = int(np.ceil(T / s.cfl_dt()))
    dt = T / nsteps

    def amplitude():
        ac, as_ = (comm.allreduce(fem.assemble_scalar(f)) for f in proj)
        return float(np.real((ac + 1j * as_) * np.exp(-1j * k * u0 * s.t)))

    ts, a = [0.0], [amplitude()]
    m0 = s.totals()
    t0 = time.perf_counter()
    for _ in range(nsteps):
        s.step(dt)
        ts.append(s.t)
        a.append(amplitude())
    wall = time.perf_counter() - t0
    w_zero, w_fit = _frequency(np.array(ts), np.array(a))
    return {"omega_theory": w, "omega_zero_crossings": w_zero, "omega_fit": w_fit, "steps": nsteps, "wall": wall,
            "drifts": _drifts(m0, s.totals()), "amplitude": a[:: max(1, nsteps // 50)],
            "functionals": _weighted_functional(comm, s.U, msh, 1)}


def euler_conservation(comm: MPI.Comm, dim: int, field: str, closure: str = "isothermal", n: int = 16,
                       degree: int = 2, steps: int = 100, amplitude: float = 0.3) -> dict:
    """Totals of every component before/after `steps` CFL steps from an asymmetric, nonlinear periodic state.

    field: "none", "poisson" (conservative stress form), "poisson_nonconservative" (-rho grad phi) or
    "kernel" (1D Gaussian convolution). Drifts are relative to the initial totals (mean flow (0.5, 0.3)
    makes the momentum totals nonzero).
    """
    from hydrobridge.meshes.periodic import periodic_interval, periodic_rectangle

    Adiabatic, Isothermal, euler = _euler_imports()
    clo = Isothermal(1.0) if closure == "isothermal" else Adiabatic(3.0 if dim == 1 else 2.0)
    mf = {"none": None, "poisson": euler.PoissonMeanField(charge=2.0),
          "poisson_nonconservative": euler.PoissonMeanField(charge=2.0, conservative=False),
          "kernel": euler.ConvolutionMeanField1D(V0=1.0, xi=0.3)}[field]
    L = 4.0
    msh = (periodic_interval(comm, n, L) if dim == 1 else periodic_rectangle(comm, n, n, L, L)).mesh
    s = euler.EulerSolver(euler.EulerSystem(dim, clo, mean_field=mf), msh, degree=degree, cfl=0.3)
    kx = 2 * np.pi / L

    def rho(x):
        r = 1 + amplitude * (np.cos(kx * x[0]) + 0.5 * np.sin(2 * kx * x[0] + 0.3))
        return r if dim == 1 else r + amplitude * 0.5 * np.sin(kx * (x[0] + 2 * x[1]))

    def vel(x):
        u = 0.5 + 0.2 * np.sin(kx * x[0] + 1.0)
        return u[None] if dim == 1 else np.vstack([u, 0.3 + 0.2 * np.cos(kx * x[1] - 0.4)])

    s.set_state(rho, vel, lambda x: rho(x) ** 1.5)
    m0 = s.totals()
    for _ in range(steps):
        s.step()
    return {"drifts": _drifts(m0, s.totals()), "t": s.t, "functionals": _weighted_functional(comm, s.U, msh, dim)}


def euler_bundle(comm: MPI.Comm, cases: list) -> dict:
    """Several Euler cases [[name, kwargs], ...] in one process launch: {"0": result, "1": ...}."""
    return {str(i): CASES[name](comm, **kw) for i, (name, kw) in enumerate(cases)}


CASES.update({"euler_riemann": euler_riemann, "euler_smooth": euler_smooth, "euler_wave": euler_wave,
              "euler_conservation": euler_conservation, "euler_bundle": euler_bundle})

if __name__ == "__main__":
    case, out, kwargs = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
    result = CASES[case](MPI.COMM_WORLD, **kwargs)
    if MPI.COMM_WORLD.rank == 0:
        with open(out, "w") as fh:
            json.dump(result, fh)
