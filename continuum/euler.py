"""Euler rung of docs/theory.md §1 (1.1)-(1.11) in 1D and 2D: density, momentum, optionally energy.

    d_t rho + div(rho U) = 0
    d_t(rho U) + div(rho U (x) U + p I) = (1/m) [rho F_ext + rho (F * rho) + C]
    d_t E + div((E + p) U) = (1/m) U . [rho F_ext + rho (F * rho) + C]        (if the closure needs E)

rho is a number density, p I = P_vv comes from a :class:`hydrobridge.closures.base.PressureClosure`, m is the
particle mass. Three layers, kept apart (Dedalus style):

* the *problem*, :class:`EulerSystem`: closure, mass, external force, mean field, correlation
  source; it knows the flux, wave speeds and sources as UFL and NumPy expressions;
* the *solver*, :class:`EulerSolver`: DG on a (periodic) DOLFINx mesh with the Rusanov flux of
  :mod:`hydrobridge.continuum.dg`, SSP-RK3 with CFL control, slope/positivity limiters, a state check that
  stops with :class:`~hydrobridge.continuum.limiters.StateError` (field, place, time) instead of running on NaNs;
* *I/O*: :func:`hydrobridge.continuum.driver.run` (VTX fields, CSV diagnostics, run.json metadata, checkpoints and
  resume; ``RunSettings(dt=None)`` lets the solver pick CFL-limited steps).

Mean fields (the F * rho term) are :class:`continuum.mean_field.MeanField` objects: the solver asks
them for their contributions (force density, extra work, stress form, residual hooks), never their type.

The correlation source C comes from a :class:`hydrobridge.closures.base.CorrelationClosure`.
"""

from __future__ import annotations

import time
from typing import Any, Callable

import numpy as np
import ufl
from dolfinx import fem
from dolfinx.fem import petsc as fem_petsc
from mpi4py import MPI
from petsc4py import PETSc

from hydrobridge.closures.base import CorrelationClosure, PressureClosure, check_state_fields
from hydrobridge.continuum.dg import ConservationLaw, DGConservationLaw, transmissive_flux
from hydrobridge.continuum.limiters import (
    CellData,
    ChainLimiter,
    MinmodLimiter1D,
    PositivityLimiter,
    PressurePositivityLimiter,
    StateError,
    raise_collective,
)
from hydrobridge.continuum.mean_field import (
    ConvolutionMeanField1D,
    CorrelatedConvolutionMeanField1D,
    MeanField,
    MeanFieldContext,
    PoissonMeanField,
    gaussian_kernel,
)

__all__ = [
    "EulerSystem",
    "EulerSolver",
    "PoissonMeanField",
    "ConvolutionMeanField1D",
    "CorrelatedConvolutionMeanField1D",
    "gaussian_kernel",
    "StateError",
]


# --------------------------------------------------------------------------------------- problem


class EulerSystem:
    """The Euler problem: closure, particle mass, external force, mean field and correlation source.

    dim: 1 or 2; closure: pressure closure (decides whether E is evolved); mass: particle mass m;
    external_force(x, t) -> force per particle F_ext (UFL vector of length dim; x SpatialCoordinate,
    t a fem.Constant holding the stage time), or None; mean_field: a continuum.mean_field.MeanField
    or None; correlation: CorrelationClosure or None.
    """

    def __init__(
        self,
        dim: int,
        closure: PressureClosure,
        mass: float = 1.0,
        external_force: Callable[[Any, Any], Any] | None = None,
        mean_field: MeanField | None = None,
        correlation: CorrelationClosure | None = None,
    ) -> None:
        if dim not in (1, 2):
            raise ValueError(f"dim = {dim}: expected 1 or 2")
        if not mass > 0:
            raise ValueError(f"mass = {mass}: expected a positive number")
        if mean_field is not None:
            mean_field.check_dimension(dim)
        self.dim, self.closure, self.mass = dim, closure, float(mass)
        self.external_force, self.mean_field, self.correlation = external_force, mean_field, correlation
        self.has_energy = closure.has_energy
        available = ("rho", "m", "E") if self.has_energy else ("rho", "m")
        check_state_fields(closure, available)
        if correlation is not None:
            check_state_fields(correlation, available)
        axes = "xy"[:dim]
        self.names = ("rho",) + tuple(f"m_{a}" for a in axes) + (("E",) if self.has_energy else ())
        self.ncomp = len(self.names)

    # --- state access (UFL vectors or NumPy arrays of shape (..., ncomp))
    def state(self, U) -> dict[str, Any]:
        d = self.dim
        if isinstance(U, np.ndarray):
            st = {"rho": U[..., 0], "m": U[..., 1 : 1 + d]}
            if self.has_energy:
                st["E"] = U[..., 1 + d]
            return st
        st = {"rho": U[0], "m": ufl.as_vector([U[1 + i] for i in range(d)])}
        if self.has_energy:
            st["E"] = U[1 + d]
        return st

    def flux(self, U):
        d = self.dim
        st = self.state(U)
        rho, m = st["rho"], st["m"]
        p = self.closure.pressure(st)
        u = m / rho
        mom = ufl.outer(m, u) + p * ufl.Identity(d)
        rows = [[m[j] for j in range(d)]] + [[mom[i, j] for j in range(d)] for i in range(d)]
        if self.has_energy:
            rows.append([(st["E"] + p) * u[j] for j in range(d)])
        return ufl.as_matrix(rows)

    def max_speed(self, U, n):
        st = self.state(U)
        c2 = self.closure.sound_speed_squared(st)
        return abs(ufl.dot(st["m"], n)) / st["rho"] + ufl.sqrt(ufl.max_value(c2, 0.0))

    def max_speed_numpy(self, U: np.ndarray) -> np.ndarray:
        st = self.state(U)
        c2 = np.asarray(self.closure.sound_speed_squared(st), float)
        return np.linalg.norm(st["m"], axis=-1) / st["rho"] + np.sqrt(np.maximum(c2, 0.0))

    def to_dict(self) -> dict:
        return {
            "dim": self.dim,
            "mass": self.mass,
            "fields": list(self.names),
            "closure": self.closure.to_dict(),
            "external_force": self.external_force is not None,
            "mean_field": self.mean_field.to_dict() if self.mean_field is not None else None,
            "correlation": self.correlation.to_dict() if self.correlation is not None else None,
        }


# ---------------------------------------------------------------------------------------- solver


class EulerSolver:
    """DG discretisation of an EulerSystem on `mesh` (a dolfinx Mesh; periodic or not).

    degree: DG degree p; cfl: dt = cfl h / ((2p + 1) max(|u| + c)) with h the inscribed diameter of
    the smallest cell; slope_limiter: "minmod" (1D TVB minmod, parameter tvb_M) or None;
    positivity: Zhang-Shu limiters for rho and, when E is evolved, for the pressure; boundary:
    "periodic" (for fully periodic meshes: exterior facets, if any, would carry no flux at all) or
    "transmissive" (zero-gradient ghost state on exterior facets); the slope limiter exists for
    intervals only (2D runs rely on the positivity limiters, enough for smooth and mildly steep data);
    quadrature_degree: fixed residual quadrature degree (default 2p + 2).
    """

    def __init__(
        self,
        system: EulerSystem,
        mesh,
        degree: int = 1,
        cfl: float = 0.3,
        slope_limiter: str | None = None,
        tvb_M: float = 0.0,
        positivity: bool = True,
        boundary: str = "periodic",
        quadrature_degree: int | None = None,
    ) -> None:
        if mesh.topology.dim != system.dim:
            raise ValueError(f"mesh of dimension {mesh.topology.dim} for a {system.dim}D system")
        if boundary not in ("periodic", "transmissive"):
            raise ValueError(f"boundary = {boundary!r}: expected 'periodic' or 'transmissive'")
        if not 0 < cfl <= 1:
            raise ValueError(f"cfl = {cfl}: expected 0 < cfl <= 1")
        self.system, self.mesh, self.degree, self.cfl = system, mesh, int(degree), float(cfl)
        self.comm = mesh.comm
        self.t, self.steps = 0.0, 0
        sysm = system
        V = fem.functionspace(mesh, ("Discontinuous Lagrange", self.degree, (sysm.ncomp,)))
        self.V = V
        self.cells = CellData(V)
        self._t_stage = fem.Constant(mesh, 0.0)
        self._x = ufl.SpatialCoordinate(mesh)
        self._rhobar = fem.Constant(mesh, 0.0)
        self.mean_field_terms = None
        if sysm.mean_field is not None:
            self.mean_field_terms = sysm.mean_field.discretise(MeanFieldContext(
                mesh, self.degree, self.cells, sysm.mass, sysm.has_energy, self._rhobar))
        mf = self.mean_field_terms
        has_source = (sysm.external_force is not None or sysm.correlation is not None
                      or (mf is not None and mf.has_force_density))
        law = ConservationLaw(flux=sysm.flux, max_speed=sysm.max_speed, source=self._source if has_source else None)
        limiters = []
        if slope_limiter == "minmod":
            limiters.append(MinmodLimiter1D(self.cells, M=tvb_M))
        elif slope_limiter is not None:
            raise ValueError(f"slope_limiter = {slope_limiter!r}: expected 'minmod' or None")
        if positivity:
            limiters.append(PositivityLimiter(self.cells, 0, names=sysm.names))
            if sysm.has_energy:
                limiters.append(PressurePositivityLimiter(
                    self.cells, lambda U: sysm.closure.pressure(sysm.state(U)), name="pressure p"))
        self.limiter = ChainLimiter(*limiters) if limiters else None
        self.dg = DGConservationLaw(
            law,
            V,
            boundary_flux=transmissive_flux(law) if boundary == "transmissive" else None,
            before_rate=self._before_rate,
            extra_rate=mf.extra_rate if (mf is not None and mf.has_extra_rate) else None,
            limiter=self.limiter,
            extra_form=mf.stress_form if (mf is not None and mf.has_stress_form) else None,
            quadrature_degree=quadrature_degree if quadrature_degree is not None else 2 * self.degree + 2,
        )
        self.U = self.dg.U
        if mf is not None:
            mf.attach(self.dg.stage)
        self._forms_totals = [fem.form(self.U[i] * ufl.dx) for i in range(sysm.ncomp)]
        self._h = self._min_inscribed_diameter()
        self.wall_time = 0.0

    # --- the residual pieces
    def _force_density(self, U):
        """(1/m)(rho F_ext + C + non-conservative mean-field part): a UFL vector or None."""
        sysm = self.system
        st = sysm.state(U)
        terms = []
        if sysm.external_force is not None:
            terms.append(st["rho"] * sysm.external_force(self._x, self._t_stage))
        if sysm.correlation is not None:
            terms.append(sysm.correlation.source(st))
        f_mf = self.mean_field_terms.force_density(st) if self.mean_field_terms is not None else None
        if f_mf is not None:
            terms.append(f_mf)
        if not terms:
            return None
        total = terms[0]
        for t in terms[1:]:
            total = total + t
        return total / sysm.mass

    def _source(self, U):
        sysm = self.system
        f = self._force_density(U)
        st = sysm.state(U)
        work = None
        if f is not None and sysm.has_energy:
            work = ufl.dot(st["m"], f) / st["rho"]
            extra = self.mean_field_terms.extra_work(st) if self.mean_field_terms is not None else None
            if extra is not None:
                work = work + extra
        if f is None:
            return None
        comps = [0.0 * st["rho"]] + [f[i] for i in range(sysm.dim)]
        if sysm.has_energy:
            comps.append(work)
        return ufl.as_vector(comps)

    def _before_rate(self, stage: fem.Function) -> None:
        self._t_stage.value = self.dg.stage_time
        if self.mean_field_terms is not None:
            self.mean_field_terms.before_rate()

    # --- state
    def set_state(self, rho: Callable, u: Callable, p: Callable | None = None) -> None:
        """Interpolate primitive fields given as NumPy callables of x (shape (gdim, N)).

        u(x) returns (dim, N) (or (N,) in 1D); p(x) is needed only when E is evolved.
        """
        sysm = self.system

        def conserved(x):
            r = np.asarray(rho(x), float) * np.ones(x.shape[1])
            vel = np.asarray(u(x), float).reshape(sysm.dim, -1) * np.ones(x.shape[1])
            out = [r] + [r * vel[i] for i in range(sysm.dim)]
            if sysm.has_energy:
                if p is None:
                    raise ValueError(f"{type(sysm.closure).__name__} evolves E: set_state needs p")
                pp = np.asarray(p(x), float) * np.ones(x.shape[1])
                out.append(sysm.closure.energy(r, (r * vel).T, pp))
            return np.vstack(out)

        self.U.interpolate(conserved)
        self._after_set()

    def project_state(self, rho: Callable, u: Callable, p: Callable | None = None) -> None:
        """L2-project primitive fields given as UFL callables of the SpatialCoordinate (discontinuous data)."""
        sysm = self.system
        x = self._x
        r = rho(x)
        vel = ufl.as_vector([u(x)]) if sysm.dim == 1 and ufl.shape(u(x)) == () else u(x)
        m = r * vel
        comps = [r] + [m[i] for i in range(sysm.dim)]
        if sysm.has_energy:
            if p is None:
                raise ValueError(f"{type(sysm.closure).__name__} evolves E: project_state needs p")
            comps.append(sysm.closure.energy(r, m, p(x)))
        target = ufl.as_vector(comps)
        v = ufl.TestFunction(self.V)
        qd = {"quadrature_degree": 2 * self.degree + 8}
        b = fem_petsc.assemble_vector(fem.form(ufl.inner(target, v) * ufl.dx(metadata=qd)))
        b.ghostUpdate(addv=PETSc.InsertMode.ADD, mode=PETSc.ScatterMode.REVERSE)
        self.dg.apply_inverse_mass(b, self.U.x.petsc_vec)
        b.destroy()
        self._after_set()

    def _after_set(self) -> None:
        self.U.x.scatter_forward()
        vol = self.comm.allreduce(fem.assemble_scalar(fem.form(fem.Constant(self.mesh, 1.0) * ufl.dx(domain=self.mesh))))
        self._rhobar.value = self.totals()["rho"] / vol
        if self.limiter is not None:
            self.limiter.t = self.t
            self.limiter(self.U)
            self.U.x.scatter_forward()
        self.check_state()

    # --- diagnostics
    def totals(self) -> dict[str, float]:
        """int U_i dx for every component (mass, momentum components, energy)."""
        return {name: self.comm.allreduce(fem.assemble_scalar(f)) for name, f in zip(self.system.names, self._forms_totals)}

    def nodal_values(self) -> np.ndarray:
        """(owned cells, ndofs, ncomp) coefficients (nodal values) of the owned cells."""
        return self.cells.coefficients(self.U)[: self.cells.num_owned]

    def check_state(self) -> None:
        """Raise StateError (on every rank) on NaN/inf, rho <= 0 or (with E) p <= 0 at any node."""
        sysm = self.system
        c = self.nodal_values()
        message = None
        finite = np.isfinite(c)
        if not finite.all():
            cell, _, comp = np.argwhere(~finite)[0]
            message = self._where(f"{sysm.names[comp]} is not finite", cell)
        else:
            rho = c[..., 0]
            if (rho <= 0).any():
                cell = np.argwhere(rho <= 0)[0][0]
                message = self._where(f"rho = {rho.min():.6g} <= 0 after limiting", cell)
            elif sysm.has_energy:
                p = sysm.closure.pressure(sysm.state(c))
                if (p <= 0).any():
                    cell = np.argwhere(p <= 0)[0][0]
                    message = self._where(f"pressure p = {p.min():.6g} <= 0", cell)
        raise_collective(self.comm, message)

    def _where(self, what: str, cell: int) -> str:
        x = np.array2string(self.cells.centroid(cell), precision=6)
        return f"{what} in the cell at x = {x} (rank {self.comm.rank}) at t = {self.t:.6g} (step {self.steps})"

    def _min_inscribed_diameter(self) -> float:
        cx = self.cells.cell_x[: self.cells.num_owned]
        if self.system.dim == 1:
            h = np.abs(cx[:, 1, 0] - cx[:, 0, 0])
        else:
            e = [np.linalg.norm(cx[:, (i + 1) % 3] - cx[:, i], axis=1) for i in range(3)]
            a, b = cx[:, 1] - cx[:, 0], cx[:, 2] - cx[:, 0]
            area = 0.5 * np.abs(a[:, 0] * b[:, 1] - a[:, 1] * b[:, 0])
            h = 4 * area / (e[0] + e[1] + e[2])
        return self.comm.allreduce(float(h.min()) if h.size else np.inf, op=MPI.MIN)

    def max_speed(self) -> float:
        c = self.nodal_values()
        s = self.system.max_speed_numpy(c.reshape(-1, c.shape[-1])) if c.size else np.zeros(1)
        return self.comm.allreduce(float(np.max(s)), op=MPI.MAX)

    def cfl_dt(self) -> float:
        return self.cfl * self._h / ((2 * self.degree + 1) * self.max_speed())

    # --- time stepping
    def step(self, dt: float | None = None) -> float:
        """One SSP-RK3 step (CFL-controlled if dt is None); returns the dt taken."""
        dt = self.cfl_dt() if dt is None else float(dt)
        if not (np.isfinite(dt) and dt > 0):
            self.check_state()  # names the field and the cell if the state itself is broken
            raise StateError(f"time step dt = {dt} at t = {self.t:.6g}: the maximum wave speed is not finite")
        if self.limiter is not None:
            self.limiter.t = self.t
        t0 = time.perf_counter()
        self.dg.step(dt, self.t)
        self.wall_time += time.perf_counter() - t0
        self.t += dt
        self.steps += 1
        self.check_state()
        return dt

    def run(self, t_end: float, max_dt: float | None = None) -> None:
        """Advance to t_end with CFL-controlled steps (the last one shortened to land on t_end)."""
        while self.t < t_end * (1 - 1e-14):
            dt = self.cfl_dt()
            if max_dt is not None:
                dt = min(dt, max_dt)
            self.step(min(dt, t_end - self.t))

    # --- the Model protocol of continuum.driver (fields, diagnostics, checkpoint/restart)
    @property
    def time(self) -> float:
        return self.t

    @time.setter
    def time(self, value: float) -> None:
        self.t = float(value)

    def synchronise(self) -> None:
        """Nothing derived to refresh: the mean field is recomputed inside every stage."""

    def checkpoint_fields(self) -> dict:
        return {"U": self.U}

    def output_fields(self) -> dict:
        st = self.system.state(self.U)
        return {"rho": st["rho"], "u": st["m"] / st["rho"], "p": self.system.closure.pressure(st)}

    def diagnostics(self) -> dict[str, float]:
        return {**self.totals(), "max_speed": self.max_speed()}

    def metadata(self) -> dict:
        return {
            "system": self.system.to_dict(),
            "degree": self.degree,
            "cfl": self.cfl,
            "cells": self.comm.allreduce(self.cells.num_owned),
            "ranks": self.comm.size,
        }


# ------------------------------------------------------------------------------------------- I/O
