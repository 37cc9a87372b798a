"""Effective permittivity from the AC sheet-pair response (docs/theory.md §4 (4.4)-(4.6)).

Sheets at n.x = Ln/4 and 3Ln/4 carry sigma0 cos(w t) (+A, -B). After transients, the lock-in amplitude
of the potential drop dpsi^ (X = Re[X^ exp(-i w t)]) gives the longitudinal permittivity

    eps_nn(w) / eps0 = dpsi_vac / dpsi^,

dpsi_vac being the drop of the same sheets in vacuum on the same mesh (exactly sigma0 Ln/(4 eps0)
here). Normals x, y and 45 degrees give eps_xx, eps_yy and eps_xy = eps_nn(45) - (eps_xx + eps_yy)/2.
Forcing is switched on with a smooth ramp (sin^2 over `ramp_periods`) so that undamped closures
(Grad) are not left ringing at their own frequency; lock-in over whole periods after the ramp and
`transient_periods`. The macroscopic check: -div(eps_eff grad psi_eff) = Q, i.e. for the sheet
geometry psi_eff = psi_vac eps0 / eps_nn, against the lock-in amplitude of the full psi field.

An undamped medium never forgets its switch-on: after the damped transients the sampled response of the
time-stepped linear system is the periodic response at w plus free oscillations at its undamped eigenfrequencies
w_j, and a free mode exp(i w_j t) of the semi-discrete system advances by exactly z_j = R(i w_j dt) per step,
R(z) = 1 + z + z^2/2 + z^3/6 the amplification factor of SSP-RK3 (any three-stage third-order Runge-Kutta
method, applied to a linear system). Given the w_j (for the sheets in an undamped Grad medium w_L = w0 sqrt(1 +
chi_s) only: the field of p is the L2-orthogonal projection of p onto gradients, so the oscillators have w0 or
w_L and the w0 ones carry no charge; with translation the further excited modes are damped by the Rusanov
flux), :func:`free_mode_lockin` fits
Re[X^ exp(-i w t_k)] + sum_j Re[Y_j z_j^k] to the samples by least squares; the fit is exact up to the time
stepper's own O(dt^3) error of X^ and the damped transients left.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable, Protocol, Sequence

import numpy as np
import ufl
from dolfinx import fem
from mpi4py import MPI

from hydrobridge.closures.base import RotationalClosure
from hydrobridge.closures.rotational import DipolarParameters
from hydrobridge.continuum.driver import LockinRecorder, Observer, Progress, advance
from hydrobridge.continuum.forcing import SheetForcing
from hydrobridge.continuum.poisson import PoissonSolver
from hydrobridge.meshes.sheets import SHEET_A, SHEET_B, SheetPair, sheet_pair_mesh

__all__ = ["SheetRun", "SheetResponseModel", "drop_form", "vacuum_drop", "MacroscopicCheck", "run_sheet_response",
           "ssprk3_amplification", "free_mode_lockin",
           "eps_tensor_from_nn", "closure_run_settings", "sheet_pair_for"]


@dataclass(frozen=True)
class SheetRun:
    """Result of one driven sheet run: the lock-in drop, eps_nn, the field check and the run record."""

    omega: float
    drop_hat: complex
    drop_vacuum: float
    eps_nn: complex
    macroscopic_mismatch: float
    steps: int
    dt: float


def drop_form(sp: SheetPair, psi: fem.Function) -> fem.Form:
    """psi(sheet A) - psi(sheet B), each averaged along its sheet, as a compiled scalar form (sum it over ranks)."""
    dS = ufl.Measure("dS", domain=sp.mesh, subdomain_data=sp.facet_tags)
    return fem.form((1.0 / sp.sheet_length) * (ufl.avg(psi) * dS(SHEET_A) - ufl.avg(psi) * dS(SHEET_B)))


def vacuum_drop(sp: SheetPair, sigma0: float, eps0: float, degree: int = 2) -> tuple[float, fem.Function]:
    """Potential drop and field of the static sheets alone (amplitude sigma0, permittivity eps0)."""
    V = fem.functionspace(sp.mesh, ("Lagrange", degree))
    psi = PoissonSolver(V, eps0, facet_tags=sp.facet_tags, forcing=SheetForcing(sigma0)).solve()
    return sp.mesh.comm.allreduce(fem.assemble_scalar(drop_form(sp, psi))), psi


class MacroscopicCheck:
    """The macroscopic check (4.6) against the vacuum field psi_vac: check(psi_hat, eps_nn, eps0) =
    ||psi^ - psi_eff|| / ||psi_eff|| in L2, psi_eff = psi_vac eps0 / eps_nn; psi_hat: the complex amplitude of
    psi (owned and ghost values of psi_vac's space). Its forms are compiled once, for checks at many frequencies."""

    def __init__(self, psi_vac: fem.Function) -> None:
        V = psi_vac.function_space
        self._psi_vac, self._comm = psi_vac, V.mesh.comm
        self._re, self._im, self._ref = fem.Function(V), fem.Function(V), fem.Function(V)
        self._num = fem.form((self._re**2 + self._im**2) * ufl.dx)
        self._den = fem.form(self._ref**2 * ufl.dx)

    def __call__(self, psi_hat: np.ndarray, eps_nn: complex, eps0: float) -> float:
        psi_eff = self._psi_vac.x.array * (eps0 / eps_nn)
        self._re.x.array[:] = (psi_hat - psi_eff).real
        self._im.x.array[:] = (psi_hat - psi_eff).imag
        self._ref.x.array[:] = np.abs(psi_eff)
        num = self._comm.allreduce(fem.assemble_scalar(self._num))
        den = self._comm.allreduce(fem.assemble_scalar(self._den))
        return float(np.sqrt(num / den))


class SheetResponseModel(Protocol):
    """A driver Model (continuum.driver) driven by sheets, with the potential drop and the psi field."""

    time: float

    def step(self, dt: float) -> None: ...
    def synchronise(self) -> None: ...
    def potential_drop(self) -> float: ...
    @property
    def potential(self) -> fem.Function: ...


def _potential_values(model: SheetResponseModel) -> np.ndarray:
    model.synchronise()
    return model.potential.x.array.copy()


def ssprk3_amplification(z: complex) -> complex:
    """R(z) = 1 + z + z^2/2 + z^3/6: one SSP-RK3 step multiplies an eigenmode of eigenvalue lambda by R(lambda dt)."""
    return 1 + z + z**2 / 2 + z**3 / 6


def free_mode_lockin(x: np.ndarray, omega: float, t: np.ndarray, free_frequencies: Sequence[float]
                     ) -> complex | np.ndarray:
    """X^ at omega of samples x (N,) or (N, k) (columns separately) at uniformly spaced times t (N,) of an
    SSP-RK3 run, the free oscillations at the angular frequencies free_frequencies removed (module doc): the
    least-squares solution of x_k = Re[X^ exp(-i omega t_k)] + sum_j Re[Y_j z_j^k], z_j = R(i w_j dt).
    Raises ValueError for non-uniform times, or a free frequency within 1e-3 omega of omega (not separable)."""
    x, t = np.asarray(x, float), np.asarray(t, float)
    if t.ndim != 1 or len(t) != x.shape[0] or len(t) < 3 or not np.allclose(np.diff(t), t[1] - t[0], rtol=1e-9):
        raise ValueError(f"t: expected {x.shape[0]} >= 3 uniformly spaced sample times")
    for w in free_frequencies:
        if not w > 0 or abs(w - omega) < 1e-3 * omega:
            raise ValueError(f"free_frequencies: {w} is not a positive frequency apart from omega = {omega}")
    dt, k = t[1] - t[0], np.arange(len(t))
    columns = [np.cos(omega * t), np.sin(omega * t)]
    for w in free_frequencies:
        mode = ssprk3_amplification(1j * w * dt) ** k
        columns += [mode.real, mode.imag]
    coef = np.linalg.lstsq(np.stack(columns, axis=1), x, rcond=None)[0]
    amp = coef[0] + 1j * coef[1]
    return complex(amp) if x.ndim == 1 else amp


def run_sheet_response(make_model: Callable[[SheetPair, SheetForcing], SheetResponseModel], sp: SheetPair,
                       omega: float, sigma0: float, eps0: float, max_dt: float, steps_per_period: int = 64,
                       ramp_periods: int = 0, transient_periods: int = 1, measure_periods: int = 1,
                       observers: Sequence[Observer] = (), free_frequencies: Sequence[float] = ()) -> SheetRun:
    """Drive a model built by make_model(sp, forcing) and extract eps_nn(omega) (see module doc).

    The model owns the SheetForcing(sigma0, omega, ramp_periods) it is given; the driver loop
    (continuum.driver.advance) runs ramp + transient + measured periods with a LockinRecorder of the
    potential drop and of the psi field, a continuum.driver.Progress, plus any further observers.
    max_dt: the closure's stability limit; dt = period / k with k >= steps_per_period and dt <= max_dt.
    free_frequencies: the model's undamped free oscillations, removed by :func:`free_mode_lockin` (default none:
    the plain lock-in).
    """
    for name, value in (("omega", omega), ("sigma0", sigma0), ("max_dt", max_dt)):
        if not value > 0:
            raise ValueError(f"{name} = {value}: expected a positive number")
    period = 2 * np.pi / omega
    per = max(steps_per_period, int(np.ceil(period / max_dt)))
    dt = period / per
    model = make_model(sp, SheetForcing(sigma0, omega, ramp_periods))
    n_before = (ramp_periods + transient_periods) * per
    n_measure = measure_periods * per
    total = n_before + n_measure
    drop = LockinRecorder(lambda m: m.potential_drop(), omega, n_before, n_measure)
    psi = LockinRecorder(_potential_values, omega, n_before, n_measure)
    advance(model, dt, total, [drop, psi, Progress("sheet response", total, sp.mesh.comm), *observers])
    if free_frequencies:
        drop_hat, psi_hat = (free_mode_lockin(np.array(r.values), omega, np.array(r.times), free_frequencies)
                             for r in (drop, psi))
    else:
        drop_hat, psi_hat = drop.amplitude(), psi.amplitude()
    V = model.potential.function_space
    drop_vac, psi_vac = vacuum_drop(sp, sigma0, eps0, degree=V.element.basix_element.degree)
    eps_nn = eps0 * drop_vac / drop_hat
    return SheetRun(omega, drop_hat, drop_vac, complex(eps_nn), MacroscopicCheck(psi_vac)(psi_hat, eps_nn, eps0),
                    total, dt)


def eps_tensor_from_nn(eps_xx: complex, eps_yy: complex, eps_45: complex) -> np.ndarray:
    """2x2 tensor from the three longitudinal responses: eps_xy = eps_45 - (eps_xx + eps_yy)/2."""
    exy = eps_45 - 0.5 * (eps_xx + eps_yy)
    return np.array([[eps_xx, exy], [exy, eps_yy]], dtype=complex)


def sheet_pair_for(comm: MPI.Comm, orientation: str, n: int = 8) -> SheetPair:
    """The small sheet-pair mesh used for homogeneous-medium extractions (fields depend on n.x only)."""
    return sheet_pair_mesh(comm, orientation, n, n if orientation == "45" else 4)


def closure_run_settings(closure: RotationalClosure, par: DipolarParameters, density: float, omega: float) -> dict:
    """Keyword arguments of run_sheet_response for a rotational closure at angular frequency omega, derived
    from its static susceptibility chi_s and its RotationalTimescales (docs/theory.md §4):

    * relaxation time tau (explicit relaxation at the longitudinal rate (1 + chi_s) / tau):
      dt <= 1.2 tau / (1 + chi_s), 1 transient period (8 when w tau >= 1);
    * libration frequency w0 (longitudinal frequency w_L = w0 sqrt(1 + chi_s)): dt <= 0.2 / w_L; damped
      (friction g): wait 30 / g for the transient; undamped: a smooth 8-period switch-on instead (it never
      forgets a transient) and no further transient;
    * neither (no linear dynamics, e.g. local equilibrium): 32 steps per period, 1 transient period.
    Several time scales: the smallest dt and the longest transient.
    """
    chi = closure.static_susceptibility(par, density)
    scales = closure.timescales(par)
    period = 2 * math.pi / omega
    max_dt, transient, ramp = [], [], 0
    if scales.relaxation_time is not None:
        tau = scales.relaxation_time
        max_dt.append(1.2 * tau / (1 + chi))
        transient.append(1 if omega * tau < 1 else 8)
    if scales.frequency is not None:
        wL = scales.frequency * math.sqrt(1 + chi)
        max_dt.append(0.2 / wL)
        if scales.damping > 0:
            transient.append(max(1, math.ceil(30 / scales.damping / period)))
        else:
            ramp = 8
    if not max_dt:
        return dict(max_dt=period / 32)
    settings = dict(max_dt=min(max_dt), transient_periods=max(transient, default=0))
    if ramp:
        settings["ramp_periods"] = ramp
    return settings
