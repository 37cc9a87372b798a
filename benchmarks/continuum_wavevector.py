"""eps_L(k, w) of the linearised continuum (docs/theory.md (4.24)-(4.27)): algebraic against the FE sheet-pair solve
at the main job's box wavevectors, the translation's numerical diffusion under mesh refinement, and the Gaussian test
kernel and the correlation hole (4.28); serial, a few minutes.

    .venv/bin/python benchmarks/continuum_wavevector.py

The molecule is the main job's (demos/configs/permittivity.toml: q = 3, l = 0.5, n = 0.6, kT = 1, N = 64, so
L = sqrt(N / n) and k = 2 pi m / L, m = 1, 2, 3); the closures are grad_damped (ideal chi_s, w0 = sqrt(kT / I),
bath friction gamma_r = 2) and Debye with tau_D = I gamma_r / kT.
"""

from __future__ import annotations

import math

import numpy as np

import hydrobridge  # noqa: F401  (dolfinx_solver before dolfinx)
from hydrobridge.closures.rotational import Debye, DipolarParameters, GradRotational
from hydrobridge.continuum.wavevector_response import (CorrelationHoleKernel, GaussianKernel, sheet_pair_check,
                                                       wavevector_permittivity)

PAR = DipolarParameters(mu=1.5, inertia=0.0625)
N = 0.6
KS = 2 * math.pi * np.arange(1, 4) / math.sqrt(64 / N)
W = [0.5, 3.0, 9.0]
CLOSURES = {"grad_damped": GradRotational(friction=2.0), "debye_ideal": Debye(tau=PAR.inertia * 2.0 / PAR.kT)}

print("algebraic vs FE sheet pair (mesh 16 x 4, no translation): max |eps_FE / eps_alg - 1| over w =", W)
for name, closure in CLOSURES.items():
    for k in KS:
        check = sheet_pair_check(closure, PAR, N, float(k), W, mesh_n=16)
        print(f"  {name:12s} k = {k:.4f}: eps_alg(w = 3) = {check.algebraic[1]:.6f}, difference {check.max_relative_difference:.1e}")

print("with translation (grad_damped, w = 3): max |eps_FE / eps_alg - 1| against the mesh")
for k in KS:
    errs = [sheet_pair_check(CLOSURES["grad_damped"], PAR, N, float(k), [3.0], translation=True, mesh_n=n)
            .max_relative_difference for n in (8, 16, 32, 64)]
    print(f"  k = {k:.4f}: " + ", ".join(f"n = {n}: {e:.3e}" for n, e in zip((8, 16, 32, 64), errs))
          + f"; observed orders {', '.join(f'{math.log2(a / b):.2f}' for a, b in zip(errs, errs[1:]))}")

print(f"static eps_L(k) of grad_damped (chi_s = {PAR.static_susceptibility(N):.4f}) with a correlation kernel:")
for kernel in (GaussianKernel(0.5, 1.0), CorrelationHoleKernel(1.0)):
    static = wavevector_permittivity(CLOSURES["grad_damped"], PAR, N, KS, [0.0], kernel)[:, 0].real
    print(f"  {kernel}: " + ", ".join(f"k = {k:.4f}: K = {kernel.kernel(float(k)):.4f}, eps_L = {e:.4f}"
                                      for k, e in zip(KS, static)))
