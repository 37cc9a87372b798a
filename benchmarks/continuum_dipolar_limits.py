"""Acceptance numbers for the dipolar continuum (docs/theory.md §3-§4); serial, ~1 minute.

    .venv/bin/python benchmarks/continuum_dipolar_limits.py

Prints: the libration frequency of a uniform polarisation (Grad) vs w0, the longitudinal sheet mode vs
w_L, static eps from the relaxed Debye state and the Grad time average vs 1 + n mu^2/(2 eps0 kT),
Debye eps(w) at 7 frequencies over three decades, the isotropy of the extracted tensor, and the
macroscopic check of -div(eps_eff grad psi_eff) = Q.
"""

from __future__ import annotations


import numpy as np

import hydrobridge  # noqa: E402,F401  (dolfinx_solver before dolfinx)
from mpi4py import MPI

from hydrobridge.closures.rotational import Debye, GradRotational
from hydrobridge.continuum.dipolar import DipolarFluid
from hydrobridge.continuum.forcing import SheetForcing
from hydrobridge.continuum.permittivity import eps_tensor_from_nn, sheet_pair_for, vacuum_drop
from hydrobridge.meshes.periodic import periodic_rectangle
from hydrobridge.continuum.verification import CHI, N, PAR, W0, WL, debye_sheet_eps, oscillation_frequency, record

comm = MPI.COMM_SELF
fluid = DipolarFluid(periodic_rectangle(comm, 6, 6).mesh, PAR, GradRotational(), N, translation=False)
fluid.set_state(polarisation=lambda x: np.vstack([np.full(x.shape[1], 0.01), np.zeros(x.shape[1])]))
t, px = record(fluid, 2 * np.pi / W0 / 100, 260, lambda: fluid.mean_polarisation()[0])
print(f"uniform polarisation: w = {oscillation_frequency(t, px):.8f}, w0 = {W0:.8f}, "
      f"relative error {oscillation_frequency(t, px) / W0 - 1:.2e}")

sp = sheet_pair_for(comm, "x")
fluid = DipolarFluid(sp.mesh, PAR, GradRotational(), N, translation=False, facet_tags=sp.facet_tags,
                     forcing=SheetForcing(0.0), sheet_length=sp.sheet_length)
fluid.set_state(polarisation=lambda x: np.vstack([0.01 * np.cos(2 * np.pi * x[0]), 0 * x[0]]))
t, drop = record(fluid, 2 * np.pi / WL / 100, 260, fluid.potential_drop)
w = oscillation_frequency(t, drop)
print(f"longitudinal sheet mode: w = {w:.8f}, w_L = w0 sqrt(1 + chi_s) = {WL:.8f}, relative error {w / WL - 1:.2e}")

vac, _ = vacuum_drop(sp, 1.0, PAR.eps0)
debye = DipolarFluid(sp.mesh, PAR, Debye(1.0), N, translation=False, facet_tags=sp.facet_tags,
                     forcing=SheetForcing(1.0), sheet_length=sp.sheet_length)
for _ in range(200):
    debye.step(0.1)
grad = DipolarFluid(sp.mesh, PAR, GradRotational(), N, translation=False, facet_tags=sp.facet_tags,
                    forcing=SheetForcing(1.0), sheet_length=sp.sheet_length)
_, d = record(grad, 2 * np.pi / WL / 80, 240, grad.potential_drop)
print(f"static eps: exact {1 + CHI:.8f}; relaxed Debye {vac / debye.potential_drop():.8f} "
      f"({vac / debye.potential_drop() / (1 + CHI) - 1:.1e}); Grad time average {vac / np.mean(d):.8f} "
      f"({vac / np.mean(d) / (1 + CHI) - 1:.1e})")

print("Debye closure, tau = 1, chi_s = 0.5: eps(w) extracted vs 1 + chi_s/(1 - i w tau)")
for w in (0.01, 0.0316, 0.1, 0.316, 1.0, 3.16, 10.0):
    r = debye_sheet_eps(comm, w)
    e, x = complex(*r["eps"]), complex(*r["exact"])
    print(f"  w = {w:7.4f}: eps = {e.real:.6f}{e.imag:+.6f}i  exact {x.real:.6f}{x.imag:+.6f}i  "
          f"relative error {abs(e - x) / abs(x):.1e}  macroscopic check {r['mismatch']:.1e}")
eps = {o: complex(*debye_sheet_eps(comm, 1.0, o)["eps"]) for o in ("x", "y", "45")}
t = eps_tensor_from_nn(eps["x"], eps["y"], eps["45"])
print(f"isotropy at w tau = 1: |eps_xy|/|eps_xx| = {abs(t[0, 1]) / abs(t[0, 0]):.1e}, "
      f"|eps_xx - eps_yy|/|eps_xx| = {abs(t[0, 0] - t[1, 1]) / abs(t[0, 0]):.1e}")
