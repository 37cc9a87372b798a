"""Effective permittivity from the AC sheet-pair response (THEORY.md section 4).

Sheets at n.x = Ln/4 and 3Ln/4 carry sigma0 cos(w t) (+A, -B). After transients, the lock-in amplitude
of the potential drop dpsi^ (X = Re[X^ exp(-i w t)]) gives the longitudinal permittivity

    eps_nn(w) / eps0 = dpsi_vac / dpsi^,

dpsi_vac being the drop of the same sheets in vacuum on the same mesh (exactly sigma0 Ln/(4 eps0)
here). Normals x, y and 45 degrees give eps_xx, eps_yy and eps_xy = eps_nn(45) - (eps_xx + eps_yy)/2.
Forcing is switched on with a smooth ramp (sin^2 over `ramp_periods`) so that undamped closures
(Grad) are not left ringing at their own frequency; lock-in over whole periods after the ramp and
`transient_periods`. The macroscopic check: -div(eps_eff grad psi_eff) = Q, i.e. for the sheet
geometry psi_eff = psi_vac eps0 / eps_nn, against the lock-in amplitude of the full psi field.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable

import numpy as np
import ufl
from dolfinx import fem
from mpi4py import MPI

from hydrobridge.closures.rotational import Debye, DipolarParameters, GradRotational
from hydrobridge.lockin import lockin_amplitude
from hydrobridge.continuum.poisson import PoissonSolver
from hydrobridge.meshes.sheets import SHEET_A, SHEET_B, SheetPair, sheet_pair_mesh

__all__ = ["SheetRun", "vacuum_drop", "run_sheet_response", "eps_tensor_from_nn", "closure_run_settings",
           "sheet_pair_for"]


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


def vacuum_drop(sp: SheetPair, sigma0: float, eps0: float, degree: int = 2) -> tuple[float, fem.Function]:
    """Potential drop and field of the sheets alone (amplitude sigma0, permittivity eps0)."""
    V = fem.functionspace(sp.mesh, ("Lagrange", degree))
    psi = PoissonSolver(V, eps0, facet_tags=sp.facet_tags, sigma0=sigma0).solve()
    dS = ufl.Measure("dS", domain=sp.mesh, subdomain_data=sp.facet_tags)
    form = fem.form((1.0 / sp.sheet_length) * (ufl.avg(psi) * dS(SHEET_A) - ufl.avg(psi) * dS(SHEET_B)))
    return sp.mesh.comm.allreduce(fem.assemble_scalar(form)), psi


def run_sheet_response(make_fluid: Callable[[SheetPair, float], object], sp: SheetPair, omega: float,
                       sigma0: float, eps0: float, max_dt: float, steps_per_period: int = 64,
                       ramp_periods: int = 0, transient_periods: int = 1, measure_periods: int = 1,
                       progress: Callable[[int, int], None] | None = None) -> SheetRun:
    """Drive a fluid built by make_fluid(sp, omega) and extract eps_nn(omega) (see module doc).

    max_dt: the closure's stability limit; dt = period / k with k >= steps_per_period and dt <= max_dt.
    """
    for name, value in (("omega", omega), ("sigma0", sigma0), ("max_dt", max_dt)):
        if not value > 0:
            raise ValueError(f"{name} = {value}: expected a positive number")
    period = 2 * np.pi / omega
    per = max(steps_per_period, int(np.ceil(period / max_dt)))
    dt = period / per
    fluid = make_fluid(sp, omega)
    ramp_steps = ramp_periods * per
    n_before = (ramp_periods + transient_periods) * per
    n_measure = measure_periods * per
    times, drops = np.empty(n_measure), np.empty(n_measure)
    psi_hat = None
    total = n_before + n_measure
    for k in range(total):
        if ramp_steps:
            # smooth switch-on: the sheet charge grows as sin^2(pi t / 2 T_ramp) during the ramp
            fluid.forcing_amplitude = np.sin(0.5 * np.pi * min(1.0, fluid.time / (ramp_periods * period))) ** 2
        if k >= n_before:
            j = k - n_before
            times[j], drops[j] = fluid.time, fluid.potential_drop()
            psi = fluid.poisson.psi.x.array
            w = np.exp(1j * omega * fluid.time) * (2.0 / n_measure)
            psi_hat = psi * w if psi_hat is None else psi_hat + psi * w
        fluid.step(dt)
        if progress is not None:
            progress(k + 1, total)
    drop_hat = lockin_amplitude(drops, omega, t=times)
    drop_vac, psi_vac = vacuum_drop(sp, sigma0, eps0, degree=fluid.poisson.V.element.basix_element.degree)
    eps_nn = eps0 * drop_vac / drop_hat
    # macroscopic check: psi_eff = psi_vac eps0 / eps_nn against the lock-in psi field
    comm = sp.mesh.comm
    psi_eff = psi_vac.x.array * (eps0 / eps_nn)
    V = fluid.poisson.V
    re, im = fem.Function(V), fem.Function(V)
    re.x.array[:] = (psi_hat - psi_eff).real
    im.x.array[:] = (psi_hat - psi_eff).imag
    ref = fem.Function(V)
    ref.x.array[:] = np.abs(psi_eff)
    num = comm.allreduce(fem.assemble_scalar(fem.form((re**2 + im**2) * ufl.dx)))
    den = comm.allreduce(fem.assemble_scalar(fem.form(ref**2 * ufl.dx)))
    return SheetRun(omega, drop_hat, drop_vac, complex(eps_nn), float(np.sqrt(num / den)), total, dt)


def eps_tensor_from_nn(eps_xx: complex, eps_yy: complex, eps_45: complex) -> np.ndarray:
    """2x2 tensor from the three longitudinal responses: eps_xy = eps_45 - (eps_xx + eps_yy)/2."""
    exy = eps_45 - 0.5 * (eps_xx + eps_yy)
    return np.array([[eps_xx, exy], [exy, eps_yy]], dtype=complex)


def sheet_pair_for(comm: MPI.Comm, orientation: str, n: int = 8) -> SheetPair:
    """The small sheet-pair mesh used for homogeneous-medium extractions (fields depend on n.x only)."""
    return sheet_pair_mesh(comm, orientation, n, n if orientation == "45" else 4)


def closure_run_settings(closure, par: DipolarParameters, density: float, omega: float) -> dict:
    """Keyword arguments of run_sheet_response suited to a rotational closure at angular frequency omega.

    Debye: dt <= 1.2 tau / (1 + chi_s) (explicit stability of the relaxation), 1 transient period
    (8 when w tau >= 1). Damped Grad: dt <= 0.2 / w_L, wait 30 / friction for the transient. Undamped Grad:
    dt <= 0.2 / w_L and a smooth 8-period switch-on instead (it never forgets a transient). Others
    (local equilibrium): 32 steps per period.
    """
    chi = closure.chi_s if getattr(closure, "chi_s", None) is not None else par.static_susceptibility(density)
    period = 2 * math.pi / omega
    if isinstance(closure, Debye):
        return dict(max_dt=1.2 * closure.tau / (1 + chi), transient_periods=1 if omega * closure.tau < 1 else 8)
    if isinstance(closure, GradRotational):
        wL = (closure.w0 or par.w0) * math.sqrt(1 + chi)
        if closure.friction > 0:
            return dict(max_dt=0.2 / wL, transient_periods=max(1, math.ceil(30 / closure.friction / period)))
        return dict(max_dt=0.2 / wL, ramp_periods=8, transient_periods=0)
    return dict(max_dt=period / 32)
