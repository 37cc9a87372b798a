"""Time per frequency of eps_nn(w): time domain against frequency domain, side by side (docs/theory.md (4.14)).

    NUMBA_NUM_THREADS=1 OMP_NUM_THREADS=1 .venv/bin/python benchmarks/continuum_frequency.py [--quick] [--repeats R]
        [--meshes 8,16,32]

Serial, sheet pair along x (sheet_pair_for, n x 4 cells), the study's frequencies w = 1, 3, 6, 12 and two closures
(Debye tau = 0.5, damped Grad / Lorentz friction 1) at the mesh sizes n = 8, 16 (--meshes; --quick: n = 8, w = 1, 6).

Frequency domain (HarmonicSheetSystem, continuum.frequency.SOLVER): setup = sheet mesh + assembly of A0, A1 +
vacuum field and macroscopic check; marginal = one solve + check per frequency (refill A0 + w A1, MUMPS numerical
factorisation, one direct solve: 1 "iteration"); per frequency = (setup + 100 marginal) / 100, the setup amortised
over the dense sweep of 100 frequencies that the main job solves per sheet pair.

Time domain (time_domain_response: SSP-RK3, one Poisson solve per stage by CG + GAMG, rtol 1e-12; "CG its": mean
iterations of a step's last Poisson solve), per frequency, two accuracies:
* "study": the study's settings (closure_run_settings, 64 steps per period), the accuracy of its lock-in;
* "equal": refined until it is within TARGET = 1e-6 (relative) of the frequency domain, the cheaper of: plain
  runs with k = 64, 128, ... steps per period, or a Richardson pair (k, 2k) (error ~ dt^3), the smallest k
  that meets the target (the frequency domain itself is within 1e-14 of the closed forms (4.15)).
The refinement's runs are the first repeat (their errors are printed); the study's and the chosen configurations
are then timed again, interleaved with the frequency domain, up to `--repeats` (default 3); medians reported.
speed-up = time-domain s per frequency / frequency-domain s per frequency (amortised).

The main job's continuum stage, route "time" against "auto", interleaved, from a finished `make demo` folder
(its MD and fits reused: run_study with resume, the continuum tasks deleted in a copy), on its 2 ranks:

    NUMBA_NUM_THREADS=1 .venv/bin/mpiexec -n 2 .venv/bin/python benchmarks/continuum_frequency.py \
        --main-job RUN_FOLDER [--repeats R]
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from mpi4py import MPI

import hydrobridge  # noqa: F401  (dolfinx_solver before dolfinx)
from hydrobridge.closures.rotational import Debye, GradRotational
from hydrobridge.continuum.frequency import SOLVER, HarmonicSheetSystem, time_domain_response
from hydrobridge.continuum.permittivity import MacroscopicCheck, sheet_pair_for, vacuum_drop
from hydrobridge.continuum.verification import CHI, N, PAR, W0

parser = argparse.ArgumentParser()
parser.add_argument("--quick", action="store_true")
parser.add_argument("--repeats", type=int, default=3)
parser.add_argument("--meshes", default="8,16")
parser.add_argument("--main-job", type=Path, help="a finished run folder of demos/configs/permittivity.toml")
args = parser.parse_args()


def main_job_stage(folder: Path, repeats: int) -> None:
    """Continuum stage wall time of the main job by route, interleaved, printed by rank 0."""
    from hydrobridge.config import load_config, validate
    from hydrobridge.demos import permittivity as study

    comm = MPI.COMM_WORLD
    raw = {k: v for k, v in load_config(Path(__file__).parents[1] / "demos/configs/permittivity.toml").items()
           if k not in ("study", "out")}
    work = Path(comm.bcast(tempfile.mkdtemp(prefix="main_job_stage_") if comm.rank == 0 else None))
    times = {"time": [], "auto": []}
    for _ in range(repeats):
        for route in times:
            out = work / route
            if comm.rank == 0:
                shutil.rmtree(out, ignore_errors=True)
                shutil.copytree(folder, out)
                shutil.rmtree(out / "continuum")
            comm.barrier()
            config = validate({**raw, "continuum_route": route}, study.SCHEMA, "main job", study.RULES)
            times[route].append(study.run_study(config, out, resume=True)["provenance"]["wall_time_s"]["continuum"])
    if comm.rank == 0:
        shutil.rmtree(work)
        for route, t in times.items():
            print(f"main job continuum stage, route {route:>4}: " + ", ".join(f"{x:.1f} s" for x in t)
                  + f" (median {np.median(t):.1f} s)")


if args.main_job:
    main_job_stage(args.main_job, args.repeats)
    sys.exit(0)

OMEGAS = [1.0, 6.0] if args.quick else [1.0, 3.0, 6.0, 12.0]
MESHES = [8] if args.quick else [int(m) for m in args.meshes.split(",")]
SWEEP = np.logspace(-1, 1.5, 100)          # the main job's dense curve: 100 frequencies per sheet pair
TARGET = 1e-6
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


def frequency_domain(closure, n: int) -> dict:
    """Setup and the 100-frequency sweep plus the study's frequencies, timed; eps_nn at the study's frequencies."""
    t0 = time.perf_counter()
    sp = sheet_pair_for(MPI.COMM_SELF, "x", n)
    system = HarmonicSheetSystem(sp, PAR, closure, N)
    drop_vac, psi_vac = vacuum_drop(sp, 1.0, PAR.eps0, degree=2)
    check = MacroscopicCheck(psi_vac)
    setup = time.perf_counter() - t0
    marginal, eps = [], {}
    for w in [*SWEEP, *OMEGAS]:
        t0 = time.perf_counter()
        drop, psi_hat = system.solve(float(w))
        e = PAR.eps0 * drop_vac / drop
        check(psi_hat, e, PAR.eps0)
        marginal.append(time.perf_counter() - t0)
        eps[float(w)] = e
    factor = system.ksp.getPC().getFactorMatrix()
    return {"setup": setup, "marginal": float(np.median(marginal)),
            "per_w": (setup + sum(marginal[:len(SWEEP)])) / len(SWEEP), "eps": eps,
            "unknowns": system.ksp.getOperators()[0].getSize()[0], "lu_entries": factor.getMumpsInfog(29)}


def time_domain(closure, w: float, n: int, k: int | None = None) -> tuple[object, float, float]:
    """(SheetRun, seconds, mean CG iterations) of time_domain_response (k: steps per period, None: the study's 64)."""
    its = PoissonIterations()
    t0 = time.perf_counter()
    run = time_domain_response(closure, PAR, N, w, "x", mesh_n=n, observers=[its],
                               **({} if k is None else {"steps_per_period": k}))
    return run, time.perf_counter() - t0, float(np.mean(its.counts))


def refine(closure, w: float, n: int, eps_f: complex) -> tuple[dict, list[int], str, list[str]]:
    """Time-domain runs with k = 64 (the study's settings), 128, ... steps per period until within TARGET of eps_f:
    plain k, or, if cheaper, the Richardson pair (k/2, k) (only when dt halves). Returns ({k: (run, s, CG its)},
    the chosen runs' k, "plain" / "Richardson", the log of errors)."""
    def rel(e):
        return abs(e - eps_f) / abs(eps_f)

    runs, log, k = {}, [], 64
    while k <= 4096:
        runs[k] = time_domain(closure, w, n, k)
        fine = runs[k][0]
        log.append(f"k={k}: {rel(fine.eps_nn):.1e}")
        if rel(fine.eps_nn) < TARGET:
            return runs, [k], "plain", log
        if k // 2 in runs and abs(runs[k // 2][0].dt - 2 * fine.dt) < 1e-12 * fine.dt:
            richardson = rel((8 * fine.eps_nn - runs[k // 2][0].eps_nn) / 7)
            log.append(f"Richardson {k // 2}/{k}: {richardson:.1e}")
            if richardson < TARGET:
                return runs, [k // 2, k], "Richardson", log
        k *= 2
    raise RuntimeError(f"time domain not within {TARGET} at k <= 4096: {log}")


print(f"frequency domain: {SOLVER}; time domain: SSP-RK3, Poisson CG + GAMG (rtol 1e-12)")
print(f"setup amortised over a sweep of {len(SWEEP)} frequencies; equal accuracy: time domain within {TARGET:g} of the "
      f"frequency domain; medians of {args.repeats} interleaved repeats", flush=True)
HEADER = (f"{'mesh':>6} {'closure':>8} {'w':>5} | {'steps':>6} {'CG its':>6} {'study err':>9} {'TD s':>6} | "
          f"{'k (eq.)':>10} {'TD s eq.':>8} | {'FD setup':>8} {'FD marg.':>8} {'FD s/w':>7} {'FD err':>8} | "
          f"{'x study':>7} {'x equal':>7} {'x marg.':>7}")


def row(n, name, w, steps, its, err, td_s, ks, td_e, setup, marg, per_w, fd_err) -> str:
    return (f"{n:>3}x4 {name:>8} {w:5.1f} | {steps:6d} {its:6.1f} {err:9.1e} {td_s:6.2f} | {ks:>10} {td_e:8.2f} | "
            f"{setup:8.3f} {marg * 1e3:6.2f}ms {per_w * 1e3:5.2f}ms {fd_err:8.1e} | {td_s / per_w:7.0f} "
            f"{td_e / per_w:7.0f} {td_e / marg:7.0f}")


rows = []
for n in MESHES:
    for name, (closure, exact) in CLOSURES.items():
        fd_runs = [frequency_domain(closure, n)]
        eps_fd = fd_runs[0]["eps"]
        study, plans, study_s, equal_s = {}, {}, {w: [] for w in OMEGAS}, {w: [] for w in OMEGAS}
        for w in OMEGAS:                              # repeat 1: the refinement's own runs (k = 64: the study's)
            runs, ks, how, log = refine(closure, w, n, eps_fd[w])
            study[w], plans[w] = runs[64], (ks, how)
            study_s[w].append(runs[64][1])
            equal_s[w].append(sum(runs[k][1] for k in ks))
            print(f"  refinement {n}x4 {name} w={w:g}: " + ", ".join(log), flush=True)
        for _ in range(args.repeats - 1):
            fd_runs.append(frequency_domain(closure, n))
            for w in OMEGAS:
                study_s[w].append(time_domain(closure, w, n)[1])
                equal_s[w].append(sum(time_domain(closure, w, n, k)[1] for k in plans[w][0]))
        fd_med = {key: float(np.median([r[key] for r in fd_runs])) for key in ("setup", "marginal", "per_w")}
        for w in OMEGAS:
            run, _, its = study[w]
            rows.append((n, name, w, run.steps, its, abs(run.eps_nn - eps_fd[w]) / abs(eps_fd[w]),
                         float(np.median(study_s[w])),
                         "+".join(map(str, plans[w][0])) + (" R" if plans[w][1] == "Richardson" else ""),
                         float(np.median(equal_s[w])), fd_med["setup"], fd_med["marginal"], fd_med["per_w"],
                         abs(eps_fd[w] - exact(w)) / abs(exact(w))))
        print(f"  {n}x4 {name}: FD unknowns {fd_runs[0]['unknowns']}, MUMPS factor entries {fd_runs[0]['lu_entries']}",
              flush=True)
        print(HEADER + "\n" + "\n".join(row(*r) for r in rows[-len(OMEGAS):]), flush=True)

print("\n" + HEADER + "\n" + "\n".join(row(*r) for r in rows))
