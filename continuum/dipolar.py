"""Dipolar-fluid moment system coupled to Poisson with AC sheet forcing (docs/theory.md §3, §4 (3.3)-(3.7)).

State, number density rho, p = rho D, m = rho U, and the closure's rotational fields r:

    d_t rho + div(m) = 0
    d_t m + div(m (x) m / rho + P_vv) = (mu/m_mol) (p . grad) E
    d_t p + div(p (x) U)               = closure polarisation source   [(rho Omega D + P_dw)_perp]
    d_t r + div(r (x) U)               = closure rotational source
    -eps0 Lap psi = -div(mu p) + sigma(t) Q,   E = -grad psi     (sigma(t): the model's SheetForcing)

P_vv = rho (kT/m_mol) I (local equilibrium; P_dv = P_wv = 0). The divergence of a row-wise tensor
acts on its second index. With ``translation=False`` the limiting case of docs/theory.md §3 is
solved: U = 0, rho = n constant, only (p, r) evolve (no transport, no CFL restriction).

Discretisation: p, r (and rho, m) in a blocked discontinuous Lagrange space of degree k with the
Rusanov flux of :mod:`hydrobridge.continuum.dg`; psi in continuous Lagrange of degree k + 1, so that a
piecewise-polynomial polarisation gives its field exactly in the sheet geometry. One Poisson solve
per Runge-Kutta stage.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import ufl
from dolfinx import fem
from dolfinx import mesh as dmesh

from hydrobridge.closures.base import PressureClosure, RotationalClosure, check_state_fields
from hydrobridge.closures.ideal import Isothermal
from hydrobridge.closures.rotational import DipolarParameters
from hydrobridge.continuum.correlation import PairMomentTable, first_marginal_sources
from hydrobridge.continuum.dg import ConservationLaw, DGConservationLaw
from hydrobridge.continuum.forcing import SheetForcing
from hydrobridge.continuum.poisson import PoissonSolver
from hydrobridge.meshes.locate import locate_cells
from hydrobridge.meshes.sheets import SHEET_A, SHEET_B

__all__ = ["DipolarFluid", "DipolarLayout", "LinearisedForms"]


@dataclass(frozen=True)
class DipolarLayout:
    """Component offsets of the blocked state vector (None: not evolved)."""

    rho: int | None
    m: int | None
    p: int
    r: int
    size: int


@dataclass(frozen=True)
class LinearisedForms:
    """The semi-discrete system linearised about the uniform state at rest (docs/theory.md §4, (4.13)):

        M d_t u = J_u u + J_psi psi,     K psi = C u + sigma(t)/sigma0 q

    mass: M (DG mass form); state: J_u = dR/dU; potential: J_psi = dR/dpsi (R: the DG residual of the time
    domain); polarisation: C = d(int mu p . grad v)/dU; poisson: K (int eps0 grad psi . grad v); sheets:
    q = sigma0 (int_A v - int_B v). UFL forms on (fluid.V, fluid.poisson.V)."""

    mass: ufl.Form
    state: ufl.Form
    potential: ufl.Form
    polarisation: ufl.Form
    poisson: ufl.Form
    sheets: ufl.Form


class DipolarFluid:
    """The dipolar moment system on a (periodic) mesh with optional sheet-pair forcing.

    mesh: DOLFINx mesh; params: DipolarParameters; closure: a closures.base.RotationalClosure (e.g. from
    :mod:`closures.rotational`); density: the (initial) number density n; translation: evolve rho
    and m (False: limiting case U = 0, rho = n); facet_tags / forcing: the tagged sheets and their
    SheetForcing sigma(t) Q (owned by the model; its Poisson solver reads sigma(t) from it; the switch-on
    factor is taken once per time step, at its start); sheet_length: length of each sheet (for the
    potential drop); correlation: a
    PairMomentTable closure for the first-marginal terms S_x (needs translation) and S_th (entering
    where the closure's ``correlation_torque`` says) of :mod:`continuum.correlation`, on a grid covering the mesh's box;
    pressure: a barotropic P_vv closure of :mod:`closures.base` (default isothermal, kT/m).
    """

    def __init__(self, mesh: dmesh.Mesh, params: DipolarParameters, closure: RotationalClosure, density: float,
                 degree: int = 1, translation: bool = True, facet_tags: dmesh.MeshTags | None = None,
                 forcing: SheetForcing | None = None, sheet_length: float = 1.0,
                 correlation: PairMomentTable | None = None, pressure: PressureClosure | None = None) -> None:
        if not density > 0:
            raise ValueError(f"density = {density}: expected a positive number density")
        if degree < 0:
            raise ValueError(f"degree = {degree}: expected >= 0")
        self.mesh, self.params, self.closure = mesh, params, closure
        self.pressure = Isothermal(params.kT / params.mass) if pressure is None else pressure
        check_state_fields(self.pressure, ("rho", "m"))
        self.density, self.forcing, self.translation = density, forcing, translation
        self._envelope = 1.0       # the forcing's switch-on factor, taken at the start of each step
        nr = closure.rotational_components
        if translation:
            self.layout = DipolarLayout(0, 1, 3, 5, 5 + nr)
        else:
            self.layout = DipolarLayout(None, None, 0, 2, 2 + nr)
        lay = self.layout
        V = fem.functionspace(mesh, ("Discontinuous Lagrange", degree, (lay.size,)))
        self.V = V
        self._correlation = None
        if correlation is not None:
            self._correlation = correlation.kernels(params)
            self._S = fem.Function(fem.functionspace(mesh, ("Discontinuous Lagrange", degree, (3,))))
            self._grid = correlation
        Vpsi = fem.functionspace(mesh, ("Lagrange", degree + 1))
        # the Poisson right-hand side reads the polarisation of the current Runge-Kutta stage
        self._stage_p = fem.Function(V)
        self.poisson = PoissonSolver(Vpsi, params.eps0, polarisation=params.mu * self._p(self._stage_p),
                                     facet_tags=facet_tags, forcing=forcing)
        self.E = -ufl.grad(self.poisson.psi)
        law = ConservationLaw(flux=self._flux, max_speed=self._max_speed, source=self._source)
        self.solver = DGConservationLaw(law, V, before_rate=lambda stage: self._couple(self.solver.stage_time))
        self.state = self.solver.U
        self.time = 0.0
        self._version = 0          # bumped whenever the state changes through this class
        self._synced = None        # (version, time) at which psi was last solved for
        vol = mesh.comm.allreduce(fem.assemble_scalar(fem.form(fem.Constant(mesh, 1.0) * ufl.dx(domain=mesh))))
        p_state = self._p(self.state)
        self._mean_p = [fem.form(params.mu / vol * p_state[i] * ufl.dx) for i in range(2)]
        density_K = closure.energy_density(params, self._rho(self.state), p_state, self._r(self.state))
        self._energy_forms = None
        if density_K is not None and not translation:
            E = self.E
            self._energy_forms = (fem.form(density_K * ufl.dx), fem.form(0.5 * params.eps0 * ufl.dot(E, E) * ufl.dx))
        self._drop = None
        self._sheet_length = sheet_length
        if facet_tags is not None:
            dS = ufl.Measure("dS", domain=mesh, subdomain_data=facet_tags)
            psi = self.poisson.psi
            self._drop = fem.form((1.0 / sheet_length) * (ufl.avg(psi) * dS(SHEET_A) - ufl.avg(psi) * dS(SHEET_B)))
        if self._correlation is not None:
            self._update_correlation()      # constant density: the sources are fixed in time
        self.set_state()

    # --- state access -------------------------------------------------------------------------
    def _p(self, U):
        return ufl.as_vector((U[self.layout.p], U[self.layout.p + 1]))

    def _r(self, U):
        nr = self.closure.rotational_components
        return ufl.as_vector([U[self.layout.r + k] for k in range(nr)]) if nr else None

    def _rho(self, U):
        return U[self.layout.rho] if self.translation else fem.Constant(self.mesh, self.density)

    def _m(self, U):
        return ufl.as_vector((U[self.layout.m], U[self.layout.m + 1])) if self.translation else None

    def set_state(self, polarisation=None, rotational=None, velocity=None, density=None) -> None:
        """Set rho = density(x) (default n), p = polarisation(x) (callables x -> (k, npts); default 0),
        r, U (default 0)."""
        lay = self.layout

        def f(x):
            out = np.zeros((lay.size, x.shape[1]))
            if self.translation:
                out[lay.rho] = self.density if density is None else density(x)
                if velocity is not None:
                    out[lay.m:lay.m + 2] = out[lay.rho] * velocity(x)
            if polarisation is not None:
                out[lay.p:lay.p + 2] = polarisation(x)
            if rotational is not None:
                out[lay.r:lay.size] = rotational(x)
            return out

        self.state.interpolate(f)
        self.time = 0.0
        self._version += 1

    # --- the equations ------------------------------------------------------------------------
    def _flux(self, U):
        lay = self.layout
        rows = [ufl.as_vector((0.0, 0.0))] * lay.size
        if self.translation:
            rho, m = self._rho(U), self._m(U)
            u = m / rho
            P = self.pressure.pressure({"rho": rho, "m": m}) * ufl.Identity(2)
            rows[lay.rho] = m
            mm = ufl.outer(m, u) + P
            rows[lay.m], rows[lay.m + 1] = mm[0, :], mm[1, :]
            for k in range(lay.p, lay.size):
                rows[k] = U[k] * u
        return ufl.as_matrix([[row[0], row[1]] for row in rows])

    def _max_speed(self, U, n):
        if not self.translation:
            return fem.Constant(self.mesh, 0.0)
        state = {"rho": self._rho(U), "m": self._m(U)}
        return abs(ufl.dot(self._m(U), n)) / self._rho(U) + ufl.sqrt(self.pressure.sound_speed_squared(state))

    def _source(self, U):
        lay, par = self.layout, self.params
        rho, p, r = self._rho(U), self._p(U), self._r(U)
        src_p, src_r = self.closure.sources(par, rho, p, r, self.E)
        comps = [0.0] * lay.size
        if self.translation:
            force = par.mu / par.mass * ufl.dot(ufl.grad(self.E), p)
            comps[lay.m], comps[lay.m + 1] = force[0], force[1]
        comps[lay.p], comps[lay.p + 1] = src_p[0], src_p[1]
        for k in range(self.closure.rotational_components):
            comps[lay.r + k] = src_r[k]
        if self._correlation is not None:
            S = self._S
            if self.translation:
                comps[lay.m], comps[lay.m + 1] = comps[lay.m] + S[0], comps[lay.m + 1] + S[1]
            on_p, on_r = self.closure.correlation_torque(self.params, rho, p, S[2])
            for first, terms in ((lay.p, on_p), (lay.r, on_r)):
                for k, t in enumerate(terms or ()):
                    comps[first + k] = comps[first + k] + t
        return ufl.as_vector(comps)

    def _grid_density(self) -> np.ndarray:
        """The stage density at the pair-moment grid nodes (same array on every rank)."""
        from mpi4py import MPI

        (nx, ny), (Lx, Ly) = self._grid.shape, self._grid.box
        if not hasattr(self, "_grid_points"):
            i, j = np.meshgrid(np.arange(nx), np.arange(ny), indexing="ij")
            pts = np.zeros((nx * ny, 3))
            pts[:, 0], pts[:, 1] = (i.ravel() + 1e-9) * Lx / nx, (j.ravel() + 1e-9) * Ly / ny
            cells = locate_cells(self.mesh, pts)
            idx = np.flatnonzero(cells >= 0)
            self._grid_points = (idx, pts[idx], cells[idx])
        idx, pts, cells = self._grid_points
        values = np.zeros((2, nx * ny))                       # (sum of values, number of ranks that found it)
        if len(idx):
            values[0, idx] = self.solver.stage.eval(pts, cells)[:, self.layout.rho]
            values[1, idx] = 1.0
        total = np.empty_like(values)
        self.mesh.comm.Allreduce(values, total, op=MPI.SUM)   # a node on a partition boundary is found twice
        return (total[0] / total[1]).reshape(nx, ny)

    def _update_correlation(self) -> None:
        """S_x, S_th on the pair-moment grid from the stage density, interpolated into the DG source."""
        Kx, Kth = self._correlation
        (nx, ny), (Lx, Ly) = self._grid.shape, self._grid.box
        rho = self._grid_density() if self.translation else np.full((nx, ny), self.density)
        Sx, Sth = first_marginal_sources(rho, Kx, Kth)
        grid = np.concatenate([Sx, Sth[..., None]], axis=-1)       # (nx, ny, 3) at x = (i Lx/nx, j Ly/ny)

        def bilinear(x):
            u, v = np.mod(x[0] / Lx * nx, nx), np.mod(x[1] / Ly * ny, ny)
            i0, j0 = np.floor(u).astype(int), np.floor(v).astype(int)
            fu, fv = u - i0, v - j0
            i1, j1 = (i0 + 1) % nx, (j0 + 1) % ny
            i0, j0 = i0 % nx, j0 % ny
            val = ((1 - fu) * (1 - fv))[:, None] * grid[i0, j0] + (fu * (1 - fv))[:, None] * grid[i1, j0] \
                + ((1 - fu) * fv)[:, None] * grid[i0, j1] + (fu * fv)[:, None] * grid[i1, j1]
            return val.T

        self._S.interpolate(bilinear)

    def _couple(self, t: float) -> None:
        if self._correlation is not None and self.translation:
            self._update_correlation()
        self._stage_p.x.array[:] = self.solver.stage.x.array
        self.poisson.solve(t, self._envelope)

    def linearised_forms(self) -> LinearisedForms:
        """The forms of LinearisedForms, derived with ufl.derivative from the same residual and Poisson forms
        the time stepper assembles, evaluated at the uniform state rho = n, U = 0, p = r = 0, psi = 0 (the
        fluid's own state and psi are not touched). Raises ValueError for a correlation closure with
        translation (its sources depend on rho outside UFL)."""
        if self._correlation is not None and self.translation:
            raise ValueError("linearised_forms: correlation sources with translation=True depend on rho outside "
                             "the UFL residual; use translation=False or the time domain")
        if self.poisson.forcing is None:
            raise ValueError("linearised_forms: the fluid was built without a SheetForcing (forcing=None)")
        stage, psi, stage_p = self.solver.stage, self.poisson.psi, self._stage_p
        uniform = fem.Function(self.V)
        if self.translation:
            uniform.x.array.reshape(-1, self.layout.size)[:, self.layout.rho] = self.density
        rest = fem.Function(self.poisson.V)
        du, dpsi = ufl.TrialFunction(self.V), ufl.TrialFunction(self.poisson.V)
        residual = self.solver.residual_form

        def about_rest(form):
            return ufl.replace(ufl.algorithms.expand_derivatives(form), {stage: uniform, psi: rest})

        return LinearisedForms(
            mass=self.solver.mass_form,
            state=about_rest(ufl.derivative(residual, stage, du)),
            potential=about_rest(ufl.derivative(residual, psi, dpsi)),
            polarisation=ufl.algorithms.expand_derivatives(ufl.derivative(self.poisson.source_form, stage_p, du)),
            poisson=self.poisson.operator_form,
            sheets=self.poisson.sheet_form,
        )

    # --- time stepping and diagnostics ---------------------------------------------------------
    def step(self, dt: float) -> None:
        """One SSP-RK3 step; raises FloatingPointError naming the time if the state is not finite."""
        if self.forcing is not None:
            self._envelope = self.forcing.envelope(self.time)
        self.solver.step(dt, self.time)
        self.time += dt
        self._version += 1
        if not np.all(np.isfinite(self.state.x.array)):
            raise FloatingPointError(f"dipolar state is not finite at t = {self.time:.6g} (dt = {dt:.3g})")

    def synchronise(self) -> None:
        """Bring psi (and E) up to the current state and time."""
        self._couple_state()

    def checkpoint_fields(self) -> dict:
        return {"state": self.state}

    def output_fields(self) -> dict:
        """psi, E and the polarisation mu p (and rho, U with translation) for VTX output."""
        fields = {"psi": self.poisson.psi, "E": self.E, "P": self.params.mu * self._p(self.state)}
        if self.translation:
            fields["rho"] = self._rho(self.state)
            fields["U"] = self._m(self.state) / self._rho(self.state)
        return fields

    def diagnostics(self) -> dict[str, float]:
        """Mean polarisation, potential drop and forcing power (with sheets), energies (if conserved)."""
        px, py = self.mean_polarisation()
        out = {"Px": px, "Py": py}
        if self._drop is not None:
            out["potential_drop"] = self.potential_drop()
            out["forcing_power"] = self.forcing_power()
        if self._energy_forms is not None:
            out["closure_energy"], out["field_energy"] = self.energy()
        return out

    def _couple_state(self) -> None:
        """Solve for psi of the current state unless it already is (diagnostics call this repeatedly)."""
        key = (self._version, self.time)
        if key == self._synced:
            return
        self._stage_p.x.array[:] = self.state.x.array
        self.poisson.solve(self.time)
        self._synced = key

    def potential_drop(self) -> float:
        """psi(sheet A) - psi(sheet B), each averaged along its sheet, at the current state."""
        if self._drop is None:
            raise ValueError("potential_drop: the fluid was built without sheet facet_tags")
        self._couple_state()
        return self.mesh.comm.allreduce(fem.assemble_scalar(self._drop))

    def energy(self) -> tuple[float, float]:
        """(closure energy K, field energy (eps0/2) int |E|^2) of the current state (limiting case).

        d(K + field)/dt = forcing_power(): the energy-balance diagnostic of docs/theory.md §3.
        """
        if self._energy_forms is None:
            raise ValueError(f"energy: closure {self.closure.name!r} with translation={self.translation} "
                             "has no conserved energy (dissipative closure or translation on)")
        self._couple_state()
        comm = self.mesh.comm
        return tuple(comm.allreduce(fem.assemble_scalar(f)) for f in self._energy_forms)

    def forcing_power(self) -> float:
        """int psi dQ/dt = (d sigma / dt) (int_A psi - int_B psi), sigma(t) of the SheetForcing."""
        if self._drop is None or self.forcing is None:
            return 0.0
        return self.forcing.charge_rate(self.time) * self.potential_drop() * self._sheet_length

    @property
    def potential(self) -> fem.Function:
        """psi (continuous Lagrange, degree + 1), current after synchronise() / potential_drop()."""
        return self.poisson.psi

    def mean_polarisation(self) -> np.ndarray:
        """(1/|Omega|) int mu p dx."""
        comm = self.mesh.comm
        return np.array([comm.allreduce(fem.assemble_scalar(f)) for f in self._mean_p])
