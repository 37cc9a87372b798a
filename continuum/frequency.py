"""eps_eff(w) in the frequency domain: one linear solve per frequency (docs/theory.md §4 (4.13)-(4.16)),
and :func:`continuum_eps`, the choice between it and the time domain of :mod:`continuum.permittivity`.

For a closure whose response about the uniform state at rest is linear (RotationalClosure.is_linear), the
periodic state the time domain reaches after its transients is X(t) = Re[X^ exp(-i w t)] with

    (-i w M - J_u) u^ - J_psi psi^ = 0,     K psi^ - C u^ = q                                 (4.14)

(LinearisedForms of :meth:`continuum.dipolar.DipolarFluid.linearised_forms`: derived from the time-domain
residual, so both routes discretise the same equations; sigma^ = sigma0). There is no time-step or
transient error: the solve gives the time-domain lock-in amplitude in the limit dt -> 0, infinitely many
periods. eps_nn = eps0 dpsi_vac / dpsi^ and the macroscopic check (4.6) as in :mod:`continuum.permittivity`.

Real 2x2 block form: the installed PETSc is built with real scalars (PETSc.ScalarType is float64 and a
build fixes its scalar type), so u^ = u_r + i u_i is solved as

    [ -J_u   -J_psi   w M     0    ] [u_r  ]   [0]
    [ -C      K       0       0    ] [psi_r] = [q]
    [ -w M    0      -J_u   -J_psi ] [u_i  ]   [0]
    [  0      0      -C      K     ] [psi_i]   [0]

One unknown of psi_r and of psi_i is pinned to 0 (the periodic Poisson operator has the constants as its
null space; the drop and grad psi do not see them) and psi^ is returned in the zero-mean gauge.
The matrix is A0 + w A1 with A0, A1 assembled once per sheet pair and kept on the union of their non-zero
entries (the assembled forms also store the exact zeros of unused couplings, most of their entries); every
frequency refills one matrix of that fixed pattern (A0 + w A1, no re-assembly) and solves it with a direct LU
factorisation (KSP preonly, PC lu, MUMPS), whose symbolic analysis is reused across frequencies (only the
numerical factorisation is redone).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Sequence

import numpy as np
import ufl
from dolfinx import fem
from dolfinx.fem import petsc as fem_petsc
from mpi4py import MPI
from petsc4py import PETSc

from hydrobridge.closures.base import RotationalClosure
from hydrobridge.closures.rotational import DipolarParameters
from hydrobridge.continuum.dipolar import DipolarFluid
from hydrobridge.continuum.driver import Observer
from hydrobridge.continuum.forcing import SheetForcing
from hydrobridge.continuum.permittivity import (SheetRun, closure_run_settings, drop_form, eps_tensor_from_nn,
                                                MacroscopicCheck, run_sheet_response, sheet_pair_for, vacuum_drop)
from hydrobridge.meshes.sheets import SheetPair

__all__ = ["SOLVER", "ROUTES", "HarmonicResponse", "HarmonicSheetSystem", "frequency_response", "frequency_eps_tensor",
           "time_domain_response", "ContinuumEps", "continuum_eps"]

#: the linear solver of every frequency (a direct solve: one "iteration")
SOLVER = "KSP preonly + PC lu (MUMPS), structural zeros dropped, symbolic factorisation reused across frequencies"


@dataclass(frozen=True)
class HarmonicResponse:
    """Frequency-domain sheet responses at omegas (arrays of len(omegas)): the complex drop amplitude dpsi^, the
    vacuum drop, eps_nn = eps0 dpsi_vac / dpsi^, the macroscopic check (4.6) and the linear solver used."""

    omegas: np.ndarray
    drop_hat: np.ndarray
    drop_vacuum: float
    eps_nn: np.ndarray
    macroscopic_mismatch: np.ndarray
    solver: str = SOLVER


def _assemble(form) -> PETSc.Mat:
    A = fem_petsc.assemble_matrix(fem.form(form))
    A.assemble()
    return A


def _on_common_nonzeros(*mats: PETSc.Mat) -> list[PETSc.Mat]:
    """The AIJ matrices mats (same sizes) on one non-zero pattern: the entries that are non-zero in any of them.
    The assembled forms store every entry their sparsity allows (the DG facet couplings also without translation,
    every component pair of a block), most of them exact zeros; the direct solver would factorise them."""
    union = mats[0].duplicate(copy=True)
    for mat in mats[1:]:
        union.axpy(1.0, mat, structure=PETSc.Mat.Structure.DIFFERENT_NONZERO_PATTERN)
    rowptr, cols, _ = union.getValuesCSR()
    values = []
    for mat in mats:
        aligned = union.duplicate(copy=False)
        aligned.axpy(1.0, mat, structure=PETSc.Mat.Structure.SUBSET_NONZERO_PATTERN)
        values.append(aligned.getValuesCSR()[2])
    keep = np.any([v != 0 for v in values], axis=0)
    rows = np.repeat(np.arange(len(rowptr) - 1), np.diff(rowptr))[keep]
    rowptr = np.concatenate([[0], np.cumsum(np.bincount(rows, minlength=len(rowptr) - 1))]).astype(PETSc.IntType)
    out = []
    for v in values:
        mat = PETSc.Mat().createAIJ(union.getSizes(), csr=(rowptr, cols[keep], v[keep]), comm=union.comm)
        mat.assemble()
        out.append(mat)
    return out


class HarmonicSheetSystem:
    """(4.14) of one sheet pair, assembled once; solve(omega) per frequency.

    sp: sheet pair; params, closure, density, degree, translation: as for DipolarFluid (the same model the
    time domain steps); sigma0: sheet charge amplitude. Raises ValueError unless closure.is_linear (the
    linearisation would not be the periodic state of the time domain).
    """

    def __init__(self, sp: SheetPair, params: DipolarParameters, closure: RotationalClosure, density: float,
                 degree: int = 1, translation: bool = False, sigma0: float = 1.0) -> None:
        if not closure.is_linear:
            raise ValueError(f"closure {closure.name!r}: is_linear is False, its response is not the solution of a "
                             "linear system; use the time domain (continuum.permittivity.run_sheet_response)")
        self.sp = sp
        fluid = DipolarFluid(sp.mesh, params, closure, density, degree=degree, translation=translation,
                             facet_tags=sp.facet_tags, forcing=SheetForcing(sigma0), sheet_length=sp.sheet_length)
        forms = fluid.linearised_forms()
        self.psi_space = fluid.poisson.V
        M, J_u, J_psi = _assemble(forms.mass), _assemble(forms.state), _assemble(forms.potential)
        C, K = _assemble(forms.polarisation), _assemble(forms.poisson)
        for mat in (J_u, J_psi, C):
            mat.scale(-1.0)
        minus_M = M.copy()
        minus_M.scale(-1.0)
        zero_K = K.copy()
        zero_K.zeroEntries()
        A0 = PETSc.Mat().createNest([[J_u, J_psi, None, None], [C, K, None, None],
                                     [None, None, J_u, J_psi], [None, None, C, K]], comm=sp.mesh.comm)
        A1 = PETSc.Mat().createNest([[None, None, M, None], [None, zero_K, None, None],
                                     [minus_M, None, None, None], [None, None, None, zero_K]], comm=sp.mesh.comm)
        self._is = A0.getNestISs()[0]                     # (u_r, psi_r, u_i, psi_i) in the monolithic numbering
        A0, A1 = A0.convert("aij"), A1.convert("aij")
        pins = [int(self._is[k].getIndices()[0]) for k in (1, 3)] if sp.mesh.comm.rank == 0 else []
        A0.zeroRowsColumns(pins, diag=1.0)
        self._A0, self._A1 = _on_common_nonzeros(A0, A1)
        self._A = self._A0.duplicate(copy=True)
        q = fem_petsc.assemble_vector(fem.form(forms.sheets))
        q.ghostUpdate(addv=PETSc.InsertMode.ADD, mode=PETSc.ScatterMode.REVERSE)
        self._b, self._x = self._A.createVecs()[::-1]
        self._b.zeroEntries()
        sub = self._b.getSubVector(self._is[1])
        sub.array[:] = q.array
        self._b.restoreSubVector(self._is[1], sub)
        self._b.setValues(pins, np.zeros(len(pins)))
        self._b.assemble()
        ksp = PETSc.KSP().create(sp.mesh.comm)
        ksp.setType("preonly")
        pc = ksp.getPC()
        pc.setType("lu")
        pc.setFactorSolverType("mumps")
        ksp.setOperators(self._A)
        pc.setFactorSetUpSolverType()
        # the default workspace of MUMPS fails (INFOG(1) = -9) where numerical pivoting is heavy, e.g. local
        # equilibrium, whose linearised sources vanish (ICNTL(14): percentage increase of the estimate)
        pc.getFactorMatrix().setMumpsIcntl(14, 200)
        self.ksp = ksp
        self._psi = [fem.Function(self.psi_space), fem.Function(self.psi_space)]
        self._drop = [drop_form(sp, f) for f in self._psi]
        one = fem.Constant(sp.mesh, 1.0)
        volume = sp.mesh.comm.allreduce(fem.assemble_scalar(fem.form(one * ufl.dx(domain=sp.mesh))))
        self._means = [fem.form((1.0 / volume) * f * ufl.dx) for f in self._psi]

    def solve(self, omega: float) -> tuple[complex, np.ndarray]:
        """(dpsi^, psi^ (owned and ghost values of psi_space, zero mean)) at angular frequency omega > 0."""
        if not omega > 0:
            raise ValueError(f"omega = {omega}: expected a positive angular frequency")
        A = self._A
        self._A0.copy(A, structure=PETSc.Mat.Structure.SAME_NONZERO_PATTERN)
        A.axpy(omega, self._A1, structure=PETSc.Mat.Structure.SAME_NONZERO_PATTERN)
        self.ksp.setOperators(A)
        self.ksp.solve(self._b, self._x)
        if self.ksp.getConvergedReason() <= 0:
            raise RuntimeError(f"frequency-domain solve failed at omega = {omega} (PETSc reason "
                               f"{self.ksp.getConvergedReason()})")
        comm = self.sp.mesh.comm
        for f, iset, mean in zip(self._psi, (self._is[1], self._is[3]), self._means):
            sub = self._x.getSubVector(iset)
            f.x.petsc_vec.array[:] = sub.array
            self._x.restoreSubVector(iset, sub)
            f.x.scatter_forward()
            f.x.array[:] -= comm.allreduce(fem.assemble_scalar(mean))
        drop = complex(*(comm.allreduce(fem.assemble_scalar(d)) for d in self._drop))
        return drop, self._psi[0].x.array + 1j * self._psi[1].x.array

    def state_amplitude(self) -> np.ndarray:
        """u^ of the last solve: the complex amplitude of the state about rest, the owned values of the DG space
        of the fluid (DipolarFluid.state.x.petsc_vec layout); Re u^ + rest is the periodic state at t = 0."""
        re, im = (self._x.getSubVector(self._is[k]) for k in (0, 2))
        u_hat = re.array + 1j * im.array
        self._x.restoreSubVector(self._is[0], re)
        self._x.restoreSubVector(self._is[2], im)
        return u_hat


def frequency_response(closure: RotationalClosure, params: DipolarParameters, density: float,
                       omegas: Sequence[float], orientation: str, translation: bool = False,
                       comm: MPI.Comm = MPI.COMM_SELF, mesh_n: int = 8, degree: int = 1,
                       sigma0: float = 1.0) -> HarmonicResponse:
    """eps_nn(w) of the sheet pair sheet_pair_for(comm, orientation, mesh_n) at every w of omegas: one assembly,
    then one LU solve per frequency (module doc); same model and mesh as the time-domain study."""
    omegas = np.asarray(omegas, float)
    if omegas.ndim != 1 or not len(omegas) or not np.all(omegas > 0):
        raise ValueError(f"omegas = {omegas}: expected a non-empty 1D sequence of positive angular frequencies")
    sp = sheet_pair_for(comm, orientation, mesh_n)
    system = HarmonicSheetSystem(sp, params, closure, density, degree, translation, sigma0)
    drop_vac, psi_vac = vacuum_drop(sp, sigma0, params.eps0, degree=degree + 1)
    check = MacroscopicCheck(psi_vac)
    drops, eps, mismatch = [], [], []
    for w in omegas:
        drop, psi_hat = system.solve(float(w))
        e = params.eps0 * drop_vac / drop
        drops.append(drop)
        eps.append(e)
        mismatch.append(check(psi_hat, e, params.eps0))
    return HarmonicResponse(omegas, np.array(drops), drop_vac, np.array(eps), np.array(mismatch))


def frequency_eps_tensor(closure: RotationalClosure, params: DipolarParameters, density: float,
                         omegas: Sequence[float], translation: bool = False, comm: MPI.Comm = MPI.COMM_SELF,
                         mesh_n: int = 8) -> np.ndarray:
    """The complex 2x2 tensors eps_eff(w) (shape (len(omegas), 2, 2)) from the x, y and 45-degree sheet pairs
    (4.5), each pair assembled once and solved per frequency."""
    return _sheet_tensors(closure, params, density, omegas, (), translation, comm, mesh_n)[0]


def _sheet_tensors(closure: RotationalClosure, params: DipolarParameters, density: float, omegas: Sequence[float],
                   dense_omegas: Sequence[float], translation: bool, comm: MPI.Comm, mesh_n: int
                   ) -> tuple[np.ndarray, np.ndarray]:
    """(eps_eff tensors at omegas, (eps_xx + eps_yy)/2 at dense_omegas): the x and y sheet systems solve both."""
    omegas, dense = np.asarray(omegas, float), np.asarray(dense_omegas, float)
    both = np.concatenate([omegas, dense])
    eps = {o: frequency_response(closure, params, density, omegas if o == "45" else both, o, translation, comm,
                                 mesh_n).eps_nn for o in ("x", "y", "45")}
    m = len(omegas)
    tensor = np.array([eps_tensor_from_nn(x, y, d) for x, y, d in zip(eps["x"][:m], eps["y"][:m], eps["45"])])
    return tensor, 0.5 * (eps["x"][m:] + eps["y"][m:])


ROUTES = ("auto", "frequency", "time")


@dataclass(frozen=True)
class ContinuumEps:
    """eps_eff(w) of a continuum closure: tensors (len(omegas), 2, 2) complex, and the route that produced each
    frequency's tensor ("frequency": the linear solve (4.14); "time": run_sheet_response, lock-in); dense_omegas,
    dense_eps: the isotropic (eps_xx + eps_yy)/2 on a dense frequency grid (frequency route only, else None)."""

    omegas: np.ndarray
    tensor: np.ndarray
    routes: tuple[str, ...]
    dense_omegas: np.ndarray | None = None
    dense_eps: np.ndarray | None = None

    def to_dict(self) -> dict:
        """JSON-able: omegas, tensor_re, tensor_im, routes and, with a dense curve, dense: {omegas, eps_re, eps_im}."""
        out = {"omegas": self.omegas.tolist(), "tensor_re": self.tensor.real.tolist(),
               "tensor_im": self.tensor.imag.tolist(), "routes": list(self.routes)}
        if self.dense_eps is not None:
            out["dense"] = {"omegas": self.dense_omegas.tolist(), "eps_re": self.dense_eps.real.tolist(),
                            "eps_im": self.dense_eps.imag.tolist()}
        return out

    @classmethod
    def from_dict(cls, data: dict) -> "ContinuumEps":
        dense = data.get("dense")
        return cls(np.array(data["omegas"], float), np.array(data["tensor_re"]) + 1j * np.array(data["tensor_im"]),
                   tuple(data["routes"]), None if dense is None else np.array(dense["omegas"], float),
                   None if dense is None else np.array(dense["eps_re"]) + 1j * np.array(dense["eps_im"]))


def time_domain_response(closure: RotationalClosure, params: DipolarParameters, density: float, omega: float,
                         orientation: str, translation: bool = False, comm: MPI.Comm = MPI.COMM_SELF, mesh_n: int = 8,
                         sigma0: float = 1.0, steps_per_period: int = 64, max_dt: float | None = None,
                         ramp_periods: int | None = None, transient_periods: int | None = None,
                         measure_periods: int = 1, free_frequencies: Sequence[float] = (),
                         observers: Sequence[Observer] = ()) -> SheetRun:
    """The time-domain counterpart of frequency_response at one frequency: run_sheet_response of the same
    DipolarFluid with closure_run_settings (the study's settings); max_dt (a smaller value is kept), ramp_periods,
    transient_periods, measure_periods and steps_per_period override them (convergence studies);
    free_frequencies: undamped free oscillations removed from the lock-in (permittivity.free_mode_lockin; for
    an undamped medium); observers: extra continuum.driver observers.
    With translation, dt <= 0.15 h / c as well (sound speed c = sqrt(kT / m) of the default isothermal pressure,
    h = 1 / mesh_n the cell size of the unit box; a CFL limit of degree-1 DG with SSP-RK3, with margin)."""
    def make(sp, forcing):
        return DipolarFluid(sp.mesh, params, closure, density, translation=translation, facet_tags=sp.facet_tags,
                            forcing=forcing, sheet_length=sp.sheet_length)

    settings = closure_run_settings(closure, params, density, omega)
    if translation:
        settings["max_dt"] = min(settings["max_dt"], 0.15 / mesh_n / math.sqrt(params.kT / params.mass))
    if max_dt is not None:
        settings["max_dt"] = min(settings["max_dt"], max_dt)
    for key, value in (("ramp_periods", ramp_periods), ("transient_periods", transient_periods)):
        if value is not None:
            settings[key] = value
    return run_sheet_response(make, sheet_pair_for(comm, orientation, mesh_n), omega, sigma0, params.eps0,
                              steps_per_period=steps_per_period, measure_periods=measure_periods,
                              observers=observers, free_frequencies=free_frequencies, **settings)


def continuum_eps(closure: RotationalClosure, params: DipolarParameters, density: float, omegas: Sequence[float],
                  route: str = "auto", translation: bool = False, comm: MPI.Comm = MPI.COMM_SELF,
                  mesh_n: int = 8, dense_omegas: Sequence[float] = ()) -> ContinuumEps:
    """eps_eff(w) tensors of the sheet pairs x, y, 45 degrees (sheet_pair_for(comm, o, mesh_n), sigma0 = 1).

    route "frequency": the linear solve (4.14) (needs closure.is_linear); "time": run_sheet_response with
    closure_run_settings (the time-domain study's settings, unchanged); "auto": "frequency" when closure.is_linear
    and translation is False (with translation the time domain also carries the O(sigma0^2) force (p . grad) E and
    transport, which the linearisation drops), else "time". dense_omegas: on the frequency route, also the
    isotropic (eps_xx + eps_yy)/2 at these frequencies, solved by the same x and y sheet systems (ignored on the
    time route).
    """
    if route not in ROUTES:
        raise ValueError(f"route = {route!r}: expected one of {ROUTES}")
    omegas = np.asarray(omegas, float)
    if route == "auto":
        route = "frequency" if closure.is_linear and not translation else "time"
    if route == "frequency":
        tensor, dense_eps = _sheet_tensors(closure, params, density, omegas, dense_omegas, translation, comm, mesh_n)
        if len(dense_eps):
            return ContinuumEps(omegas, tensor, (route,) * len(omegas), np.asarray(dense_omegas, float), dense_eps)
    else:
        eps = {o: [time_domain_response(closure, params, density, float(w), o, translation, comm, mesh_n).eps_nn
                   for w in omegas] for o in ("x", "y", "45")}
        tensor = np.array([eps_tensor_from_nn(x, y, d) for x, y, d in zip(eps["x"], eps["y"], eps["45"])])
    return ContinuumEps(omegas, tensor, (route,) * len(omegas))
