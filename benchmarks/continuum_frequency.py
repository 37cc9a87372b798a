"""Time per frequency of eps_nn(w): time domain against frequency domain, side by side (docs/theory.md (4.14)).

    NUMBA_NUM_THREADS=1 OMP_NUM_THREADS=1 .venv/bin/python benchmarks/continuum_frequency.py [--quick]

Serial, sheet pair along x (sheet_pair_for, n x 4 cells), the study's frequencies and two closures (Debye,
damped Grad / Lorentz) at two mesh sizes. Time domain: time_domain_response with the study's settings
(closure_run_settings, 64 steps per period: the accuracy of the study's lock-in), SSP-RK3, one Poisson solve per
stage by CG + GAMG (mean iterations of the last solve of each step). Frequency domain: frequency_response over
all frequencies (assembly included, divided by the number of frequencies), one MUMPS LU per frequency.
Errors: time domain against the frequency domain, frequency domain against the closed forms (4.15).
A second table: the time domain's dt-convergence (mesh n = 8) against the frequency domain.
"""

from __future__ import annotations

import sys
import time

import numpy as np

import hydrobridge  # noqa: F401  (dolfinx_solver before dolfinx)
from hydrobridge.closures.rotational import Debye, GradRotational
from hydrobridge.continuum.frequency import SOLVER, frequency_response, time_domain_response
from hydrobridge.continuum.verification import CHI, N, PAR, W0

QUICK = "--quick" in sys.argv
OMEGAS = [1.0, 6.0] if QUICK else [1.0, 3.0, 6.0, 12.0]
MESHES = [8] if QUICK else [8, 16]
CLOSURES = {
    "debye": (Debye(0.5), lambda w: 1 + CHI / (1 - 1j * w * 0.5)),
    "lorentz": (GradRotational(friction=1.0), lambda w: 1 + CHI * W0**2 / (W0**2 - w**2 - 1j * w * 1.0)),
}


class PoissonIterations:
    """Records the CG iterations of the model's last Poisson solve at every step."""

    def __init__(self) -> None:
        self.counts: list[int] = []

    def __call__(self, step, model) -> None:
        if step:
            self.counts.append(model.poisson.ksp.getIterationNumber())


print(f"frequency domain: {SOLVER}; time domain: SSP-RK3, Poisson CG + GAMG (rtol 1e-12)")
print(f"{'mesh':>6} {'closure':>8} {'w':>5} | {'TD steps':>8} {'TD s':>7} {'CG its':>6} {'TD rel err':>10} | "
      f"{'FD s/w':>7} {'FD rel err':>10} | {'speed-up':>8}")
for n in MESHES:
    for name, (closure, exact) in CLOSURES.items():
        t0 = time.perf_counter()
        fd = frequency_response(closure, PAR, N, OMEGAS, "x", mesh_n=n)
        fd_per = (time.perf_counter() - t0) / len(OMEGAS)
        for w, eps_f in zip(OMEGAS, fd.eps_nn):
            its = PoissonIterations()
            t0 = time.perf_counter()
            td = time_domain_response(closure, PAR, N, w, "x", mesh_n=n, observers=[its])
            td_s = time.perf_counter() - t0
            print(f"{n:>3}x4 {name:>8} {w:5.1f} | {td.steps:8d} {td_s:7.2f} {np.mean(its.counts):6.1f} "
                  f"{abs(td.eps_nn - eps_f) / abs(eps_f):10.2e} | {fd_per:7.3f} "
                  f"{abs(eps_f - exact(w)) / abs(exact(w)):10.2e} | {td_s / fd_per:8.0f}", flush=True)

print("\ntime-domain dt-convergence (mesh 8x4, x), relative difference to the frequency domain")
header = " ".join(f"{'k=' + str(k):>10}" for k in (64, 128, 256))
print(f"{'closure':>8} {'w':>5} | {header} | {'Richardson':>10}")
for name, w in (("debye", 1.0), ("lorentz", 2.5)):
    closure = CLOSURES[name][0]
    eps_f = frequency_response(closure, PAR, N, [w], "x").eps_nn[0]
    runs = [time_domain_response(closure, PAR, N, w, "x", steps_per_period=k) for k in (64, 128, 256)]
    assert np.allclose([r.dt for r in runs[:-1]], [2 * r.dt for r in runs[1:]]), "dt must halve for Richardson"
    rich = (8 * runs[-1].eps_nn - runs[-2].eps_nn) / 7
    print(f"{name:>8} {w:5.1f} | " + " ".join(f"{abs(r.eps_nn - eps_f) / abs(eps_f):10.2e}" for r in runs)
          + f" | {abs(rich - eps_f) / abs(eps_f):10.2e}", flush=True)
