"""Throughput and parallel scaling of the dipolar continuum: translation + Poisson + AC sheet forcing
(docs/theory.md §3-§4), with a breakdown of one time step and a plain DG1 advection step for comparison.

    # per rank count: measure the sizes (n x n sheet-pair mesh, Grad closure: 7 DG1 components, 21 dofs per cell)
    .venv/bin/python benchmarks/continuum_scaling.py measure --sizes 70 100 --steps 4 --out scaling.jsonl
    .venv/bin/mpiexec -n 2 .venv/bin/python benchmarks/continuum_scaling.py measure --sizes 70 100 --steps 4 --out scaling.jsonl
    # Poisson iterations over refinements (the solver of the model: P2, CG + GAMG, rtol 1e-12)
    .venv/bin/python benchmarks/continuum_scaling.py poisson --sizes 50 100 200 --out scaling.jsonl
    # tables (Markdown) and the scaling model for 8-1024 ranks from the measured per-rank costs
    .venv/bin/python benchmarks/continuum_scaling.py report scaling.jsonl

measure: for every size one JSON line per run (rank 0 appends): DOFs, wall time per SSP-RK3 step (median of the
timed steps, after one untimed step), DOF-steps per second, and per step the time of (max over ranks): the DG
residual assembly (with its ghost updates), the block-diagonal mass solve, the Poisson solves (one per stage) and
their CG iterations, the rest (Runge-Kutta vector updates, the finiteness check); then, outside the step: the
positivity limiter on rho (not part of DipolarFluid's step; the cost it would add per stage), one VTX frame of
the output fields, one checkpoint write and read, one ghost scatter of the state, one allreduce, the ghost
counts and neighbour ranks of the DG state and of the P2 potential, and one SSP-RK3 step of plain scalar DG1
advection (DGConservationLaw + linear_advection: DOLFINx assembly and the mass solve, nothing else) on the same
mesh. The load average is printed at the start.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import tempfile
import time
from pathlib import Path

import numpy as np

import hydrobridge  # noqa: F401  (h5py, dolfinx_solver before dolfinx)
import ufl
from dolfinx import fem
from mpi4py import MPI
from petsc4py import PETSc

from hydrobridge.closures.rotational import DipolarParameters, GradRotational
from hydrobridge.continuum.checkpoint import load_checkpoint, save_checkpoint
from hydrobridge.continuum.dg import DGConservationLaw, linear_advection
from hydrobridge.continuum.dipolar import DipolarFluid
from hydrobridge.continuum.forcing import SheetForcing
from hydrobridge.continuum.limiters import CellData, PositivityLimiter
from hydrobridge.continuum.output import FieldWriter
from hydrobridge.continuum.poisson import OPTIONS_PREFIX, PoissonSolver
from hydrobridge.meshes.sheets import sheet_pair_mesh

comm = MPI.COMM_WORLD
PARAMS = DipolarParameters()
FORCING = SheetForcing(0.5, 2.0)


def say(*a) -> None:
    if comm.rank == 0:
        print(*a, flush=True)


def append(path: Path, record: dict) -> None:
    if comm.rank == 0:
        with open(path, "a") as fh:
            fh.write(json.dumps(record) + "\n")


def initial_density(x):
    return 1.0 + 0.2 * np.sin(2 * np.pi * x[0]) * np.cos(2 * np.pi * x[1])


def initial_polarisation(x):
    return np.vstack([0.1 * np.cos(2 * np.pi * x[1]), 0.05 * np.sin(2 * np.pi * x[0])])


def initial_velocity(x):
    return np.vstack([0.1 + 0 * x[0], 0.05 * np.sin(2 * np.pi * x[0])])


class Stopwatch:
    """Wraps a bound method of an instance: accumulated seconds and calls (the instance attribute shadows it)."""

    def __init__(self, owner, name: str, after=None) -> None:
        self.seconds, self.calls, self.after, self._extra = 0.0, 0, after, []
        inner = getattr(owner, name)

        def timed(*args, **kwargs):
            t0 = time.perf_counter()
            out = inner(*args, **kwargs)
            self.seconds += time.perf_counter() - t0
            self.calls += 1
            if self.after is not None:
                self._extra.append(self.after())
            return out

        setattr(owner, name, timed)

    def reset(self) -> None:
        self.seconds, self.calls, self._extra = 0.0, 0, []

    @property
    def extra(self) -> list:
        return self._extra


def slowest(seconds: float) -> float:
    return comm.allreduce(seconds, op=MPI.MAX)


def timed_calls(fn, repeat: int) -> float:
    """Median wall time of fn() over repeat calls, each bracketed by barriers (slowest rank)."""
    times = []
    for _ in range(repeat):
        comm.barrier()
        t0 = time.perf_counter()
        fn()
        times.append(slowest(time.perf_counter() - t0))
    return float(np.median(times))


THRESHOLD = 0.02
GAMG_THRESHOLD = {"pc_gamg_threshold": THRESHOLD}
WITH_GUESS = {"pc_gamg_threshold": THRESHOLD, "ksp_initial_guess_nonzero": True}


def apply_poisson_options(poisson: PoissonSolver, options: dict) -> None:
    """Set PETSc options with the PoissonSolver prefix (as PETSC_OPTIONS would) on a built solver: the
    preconditioner is rebuilt (GAMG hierarchy); the options are removed again, so later solvers keep the defaults."""
    database = PETSc.Options()
    for key, value in options.items():
        database[OPTIONS_PREFIX + key] = value
    try:
        poisson.ksp.getPC().reset()
        poisson.ksp.setFromOptions()
        poisson.ksp.setOperators(poisson.A)
        poisson.ksp.setUp()
    finally:
        for key in options:
            database.delValue(OPTIONS_PREFIX + key)


LOGGED_EVENTS = ("VecScatterBegin", "VecTDot", "VecNorm", "VecDot", "VecMDot", "MatMult", "PCApply")


def logged_solve(poisson: PoissonSolver, t: float) -> dict:
    """One Poisson solve under PETSc's event log: CG iterations, GAMG levels, and per iteration the ghost
    exchanges (VecScatterBegin calls), messages and bytes this rank sends, and the global reductions
    (inner products and norms). Needs PETSc.Log.begin() before the solver is built."""
    before = {name: PETSc.Log.Event(name).getPerfInfo() for name in LOGGED_EVENTS}
    poisson.solve(t)
    its = max(1, poisson.ksp.getIterationNumber())
    after = {name: PETSc.Log.Event(name).getPerfInfo() for name in LOGGED_EVENTS}
    delta = {name: {k: after[name][k] - before[name][k] for k in ("count", "numMessages", "messageLength")}
             for name in LOGGED_EVENTS}
    scatter = delta["VecScatterBegin"]
    reductions = sum(delta[name]["count"] for name in ("VecTDot", "VecNorm", "VecDot", "VecMDot"))
    return {"iterations": poisson.ksp.getIterationNumber(), "levels": poisson.ksp.getPC().getMGLevels(),
            "exchanges_per_iteration": scatter["count"] / its, "messages_per_iteration": scatter["numMessages"] / its,
            "bytes_per_iteration": slowest(scatter["messageLength"]) / its, "reductions_per_iteration": reductions / its}


def ghost_layout(V: fem.FunctionSpace) -> dict:
    imap = V.dofmap.index_map
    neighbours = np.unique(imap.owners).size if imap.num_ghosts else 0
    return {"owned": imap.size_local * V.dofmap.bs, "ghosts": imap.num_ghosts * V.dofmap.bs,
            "neighbours": int(neighbours)}


def measure(n: int, steps: int, scratch: Path) -> dict:
    t0 = time.perf_counter()
    sp = sheet_pair_mesh(comm, "x", n, n)
    mesh_s = slowest(time.perf_counter() - t0)
    t0 = time.perf_counter()
    fluid = DipolarFluid(sp.mesh, PARAMS, GradRotational(), 1.0, translation=True, facet_tags=sp.facet_tags,
                         forcing=FORCING, sheet_length=sp.sheet_length)
    fluid.set_state(density=initial_density, polarisation=initial_polarisation, velocity=initial_velocity)
    setup_s = slowest(time.perf_counter() - t0)
    dt = 0.1 / n                                    # CFL 0.1 for the fastest signal (sound speed 1 + |U|)
    solver, poisson = fluid.solver, fluid.poisson
    rate = Stopwatch(solver, "rate")
    coupling = Stopwatch(solver, "before_rate")
    mass = Stopwatch(solver, "apply_inverse_mass")
    psolve = Stopwatch(poisson, "solve", after=poisson.ksp.getIterationNumber)
    fluid.step(dt)                                  # untimed: first-call costs (PETSc set-up, GAMG hierarchy)
    per_step = {"step": [], "rate": [], "coupling": [], "poisson": [], "mass": []}
    iterations = []
    for _ in range(steps):
        for w in (rate, coupling, mass, psolve):
            w.reset()
        comm.barrier()
        t0 = time.perf_counter()
        fluid.step(dt)
        per_step["step"].append(slowest(time.perf_counter() - t0))
        for key, w in (("rate", rate), ("coupling", coupling), ("poisson", psolve), ("mass", mass)):
            per_step[key].append(slowest(w.seconds))
        iterations.extend(psolve.extra)
    med = {k: float(np.median(v)) for k, v in per_step.items()}
    breakdown = {"poisson": med["poisson"], "coupling_other": med["coupling"] - med["poisson"],
                 "mass_solve": med["mass"], "dg_assembly": med["rate"] - med["coupling"] - med["mass"],
                 "rk_update_other": med["step"] - med["rate"]}
    V = fluid.V
    dofs = V.dofmap.index_map.size_global * V.dofmap.bs
    psi_dofs = poisson.V.dofmap.index_map.size_global

    limiter = PositivityLimiter(CellData(V), component=fluid.layout.rho)
    limiter_s = timed_calls(lambda: limiter(fluid.state), 5)
    scatter_s = timed_calls(fluid.state.x.scatter_forward, 20)
    allreduce_s = timed_calls(lambda: comm.allreduce(1.0), 50)
    fluid.synchronise()
    writer = FieldWriter(scratch / f"fields_{n}.bp", fluid.output_fields(), sp.mesh, 1)
    first_frame_s = timed_calls(lambda: writer.write(fluid.time), 1)
    frame_s = timed_calls(lambda: writer.write(fluid.time), 3)
    writer.close()
    ck = scratch / f"checkpoint_{n}"
    ids = sp.domain.cell_input_ids
    save_s = timed_calls(lambda: save_checkpoint(ck, {"state": fluid.state}, ids, fluid.time, 1), 3)
    load_s = timed_calls(lambda: load_checkpoint(ck, {"state": fluid.state}, ids), 3)

    variants = {"default": {"poisson_log": logged_solve(poisson, fluid.time)}}
    # the same steps with the Poisson options of docs/performance.md (-poisson_pc_gamg_threshold 0.02, then also
    # -poisson_ksp_initial_guess_nonzero: the previous solve's psi starts CG)
    for name, options in (("threshold", GAMG_THRESHOLD), ("threshold_guess", WITH_GUESS)):
        apply_poisson_options(poisson, options)
        fluid.step(dt)
        step_times, its = [], []
        for _ in range(steps):
            psolve.reset()
            comm.barrier()
            t0 = time.perf_counter()
            fluid.step(dt)
            step_times.append(slowest(time.perf_counter() - t0))
            its.extend(psolve.extra)
        variants[name] = {"step_s": float(np.median(step_times)), "poisson_iterations": [int(i) for i in its],
                          "poisson_log": logged_solve(poisson, fluid.time)}

    V1 = fem.functionspace(sp.mesh, ("Discontinuous Lagrange", 1))
    adv = DGConservationLaw(linear_advection(ufl.as_vector((1.0, 0.5))), V1)
    adv.U.interpolate(lambda x: np.sin(2 * np.pi * x[0]))
    adv.step(dt)
    advection_s = timed_calls(lambda: adv.step(dt), steps)
    advection_dofs = V1.dofmap.index_map.size_global

    cells = sp.mesh.topology.index_map(2)
    record = {
        "kind": "measure", "ranks": comm.size, "n": n, "cells": cells.size_global, "dofs": dofs,
        "poisson_dofs": psi_dofs, "dt": dt, "steps": steps, "load_average": os.getloadavg(),
        "mesh_s": mesh_s, "setup_s": setup_s, "step_s": med["step"], "step_samples": per_step["step"],
        "dof_steps_per_s": dofs / med["step"], "breakdown_s": breakdown,
        "poisson_iterations": [int(i) for i in iterations], "poisson_solves_per_step": len(iterations) / steps,
        "limiter_s_per_call": limiter_s, "output_first_frame_s": first_frame_s, "output_frame_s": frame_s,
        "checkpoint_save_s": save_s, "checkpoint_load_s": load_s,
        "scatter_state_s": scatter_s, "allreduce_s": allreduce_s,
        "ghosts_state": comm.gather(ghost_layout(V), root=0),
        "ghosts_potential": comm.gather(ghost_layout(poisson.V), root=0),
        "owned_cells": comm.gather(cells.size_local, root=0),
        "advection_dofs": advection_dofs, "advection_step_s": advection_s,
        "advection_dof_steps_per_s": advection_dofs / advection_s,
        "poisson_log": variants["default"]["poisson_log"], "gamg_threshold": THRESHOLD,
        "threshold": variants["threshold"], "threshold_guess": variants["threshold_guess"],
    }
    return record


def poisson_iterations(n: int) -> dict:
    """CG + GAMG iterations of the model's Poisson problem (P2, sheets, the initial polarisation) on n x n."""
    sp = sheet_pair_mesh(comm, "x", n, n)
    P = fem.Function(fem.functionspace(sp.mesh, ("Discontinuous Lagrange", 1, (2,))))
    P.interpolate(initial_polarisation)
    solver = PoissonSolver(fem.functionspace(sp.mesh, ("Lagrange", 2)), PARAMS.eps0, polarisation=P,
                           facet_tags=sp.facet_tags, forcing=FORCING)
    record = {"kind": "poisson", "ranks": comm.size, "n": n, "poisson_dofs": solver.V.dofmap.index_map.size_global,
              "load_average": os.getloadavg()}
    for label, options in (("default", None), ("threshold", GAMG_THRESHOLD)):
        if options is not None:
            apply_poisson_options(solver, options)
        counts, times = [], []
        for t in (0.0, 0.3, 0.6):                       # the first solve includes the GAMG set-up
            comm.barrier()
            t0 = time.perf_counter()
            solver.solve(t)
            times.append(slowest(time.perf_counter() - t0))
            counts.append(solver.ksp.getIterationNumber())
        record[label] = {"iterations": counts, "solve_s": times}
    return record


# ---------------------------------------------------------------------------------------------- report
def _ms(s: float) -> str:
    return f"{1e3 * s:.1f}"


def report(path: Path) -> None:
    records = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    runs = {(r["n"], r["ranks"]): r for r in records if r["kind"] == "measure"}
    print("| n | DOFs | ranks | load avg | step (ms) | DOF-steps/s | efficiency | DG assembly | Poisson (CG its) | "
          "mass solve | coupling rest | RK rest | limiter/stage | VTX frame | checkpoint w/r | DG1 advection ns/DOF "
          "| dipolar ns/DOF | ratio | step, GAMG threshold (ms, its) | efficiency | + initial guess (ms, its) | "
          "efficiency |")
    print("|" + "---|" * 22)
    for (n, ranks), r in sorted(runs.items()):
        b = r["breakdown_s"]
        base = runs.get((n, 1))
        eff = f"{base['step_s'] / (ranks * r['step_s']):.0%}" if base else "-"
        its = r["poisson_iterations"]
        ns_adv = 1e9 / r["advection_dof_steps_per_s"]
        ns_dip = 1e9 / r["dof_steps_per_s"]
        print(f"| {n} | {r['dofs']} | {ranks} | {r['load_average'][0]:.2f} | {_ms(r['step_s'])} | "
              f"{r['dof_steps_per_s']:.3g} | {eff} | {_ms(b['dg_assembly'])} | {_ms(b['poisson'])} "
              f"({min(its)}-{max(its)}) | {_ms(b['mass_solve'])} | {_ms(b['coupling_other'])} | "
              f"{_ms(b['rk_update_other'])} | {_ms(r['limiter_s_per_call'])} | {_ms(r['output_frame_s'])} | "
              f"{_ms(r['checkpoint_save_s'])}/{_ms(r['checkpoint_load_s'])} | {ns_adv:.0f} | {ns_dip:.0f} | "
              f"{ns_dip / ns_adv:.1f} | " + " | ".join(
                  f"{_ms(r[v]['step_s'])} ({min(r[v]['poisson_iterations'])}-{max(r[v]['poisson_iterations'])}) | "
                  + (f"{base[v]['step_s'] / (ranks * r[v]['step_s']):.0%}" if base else "-")
                  for v in ("threshold", "threshold_guess")) + " |")
    for (n, ranks), r in sorted(runs.items()):
        if ranks != 2:
            continue
        for (m, one), q in sorted(runs.items()):
            if one == 1 and abs(q["dofs"] - r["dofs"] / 2) <= 0.1 * q["dofs"]:
                print(f"\nWeak scaling: 1 rank n = {m} ({q['dofs']} DOFs) -> 2 ranks n = {n} ({r['dofs'] / 2:.0f} DOFs per "
                      f"rank): DOF-steps/s per rank {q['dof_steps_per_s']:.3g} -> {r['dof_steps_per_s'] / 2:.3g}, "
                      f"efficiency {r['dof_steps_per_s'] / (2 * q['dof_steps_per_s']):.0%}")
    pois = sorted((r["n"], r["ranks"], r) for r in records if r["kind"] == "poisson")
    if pois:
        print(f"\n| n | P2 DOFs | ranks | CG + GAMG iterations | solve (ms) | iterations, threshold {THRESHOLD} "
              "| solve (ms) |\n|---|---|---|---|---|---|---|")
        for n, ranks, r in pois:
            d, t = r["default"], r["threshold"]
            print(f"| {n} | {r['poisson_dofs']} | {ranks} | {d['iterations'][-1]} | {_ms(float(np.median(d['solve_s'][1:])))} "
                  f"| {t['iterations'][-1]} | {_ms(float(np.median(t['solve_s'][1:])))} |")
    for (n, ranks), r in sorted(runs.items()):
        if ranks == 2 and (n, 1) in runs:
            model_tables(runs[(n, 1)], r)


# Cluster parameters of the model (assumed, not measured: this machine has 2 cores and shared memory)
ALPHA_S = 3e-6            # start-up of one ghost exchange (non-blocking messages to all neighbours overlap)
PER_MESSAGE_S = 0.5e-6    # per neighbour message of an exchange
BANDWIDTH = 5e9           # bytes per second per rank
ALLREDUCE_STAGE_S = 2e-6  # per log2(P) stage of a global reduction
NEIGHBOURS = 6            # neighbour subdomains of a 2D partition (P >= 8)
LEVEL_EXCHANGES = 6       # exchanges per CG iteration added by one more GAMG level (smoothing, restriction)
COARSENING = 8.0          # GAMG: unknowns per unknown of the next coarser level (2D P2, aggregation)


class StepModel:
    """Time of one step on P ranks: measured per-DOF compute costs (1 rank) + ghost exchanges and reductions,
    counted at 2 ranks and scaled with the subdomain perimeter (docs/performance.md, scaling model)."""

    def __init__(self, serial: dict, pair: dict, variant: str) -> None:
        b = serial["breakdown_s"]
        self.n, self.cells, self.dofs, self.psi_dofs = serial["n"], serial["cells"], serial["dofs"], serial["poisson_dofs"]
        self.solves = serial["poisson_solves_per_step"]
        dg = serial["step_s"] - b["poisson"]
        measured = serial if variant == "default" else serial[variant]
        self.iterations = float(np.mean(measured["poisson_iterations"]))
        self.dg_per_dof = dg / self.dofs
        # a variant's Poisson time: its step time less the (unchanged) rest of the step
        self.poisson_per_dof_iteration = (measured["step_s"] - dg) / (self.solves * self.iterations * self.psi_dofs)
        log = pair["poisson_log"] if variant == "default" else pair[variant]["poisson_log"]
        self.levels, self.exchanges = log["levels"], log["exchanges_per_iteration"]
        self.bytes_per_iteration, self.reductions = log["bytes_per_iteration"], log["reductions_per_iteration"]
        self.ghost_bytes = 8 * max(g["ghosts"] for g in pair["ghosts_state"])   # one state exchange, 2 ranks
        self.boundary_2 = 2 * self.n           # two cut lines of n grid edges per rank (periodic strips)

    def step(self, P: int, scale: float = 1.0) -> dict:
        """scale: total size relative to the measured mesh (weak scaling: scale = P)."""
        n_total = self.n * np.sqrt(scale)
        boundary = 0.0 if P == 1 else 2 * n_total if P == 2 else 4 * n_total / np.sqrt(P)
        perimeter = boundary / self.boundary_2
        neighbours = 0 if P == 1 else 1 if P == 2 else NEIGHBOURS

        def exchange(nbytes: float) -> float:
            return 0.0 if P == 1 else ALPHA_S + neighbours * PER_MESSAGE_S + nbytes / BANDWIDTH

        reduction = ALLREDUCE_STAGE_S * np.ceil(np.log2(P)) if P > 1 else 0.0
        levels = self.levels + max(0.0, np.log(scale) / np.log(COARSENING))
        exchanges = self.exchanges + LEVEL_EXCHANGES * (levels - self.levels)
        compute = (self.dg_per_dof * self.dofs * scale
                   + self.poisson_per_dof_iteration * self.psi_dofs * scale * self.iterations * self.solves) / P
        comm_dg = 9 * exchange(self.ghost_bytes * perimeter)          # 3 per stage: stage, residual, state
        per_iteration = exchanges * exchange(self.bytes_per_iteration * perimeter / exchanges) \
            + self.reductions * reduction
        comm_poisson = self.solves * (self.iterations * per_iteration + 2 * exchange(0.0) + 2 * reduction)
        return {"compute": compute, "comm": comm_dg + comm_poisson, "total": compute + comm_dg + comm_poisson}


def model_tables(serial: dict, pair: dict) -> None:
    print(f"\nModel, n = {serial['n']} ({serial['dofs']} DOFs), per step; cluster: exchange {ALPHA_S * 1e6:g} us + "
          f"{PER_MESSAGE_S * 1e6:g} us per neighbour message, {BANDWIDTH / 1e9:g} GB/s, allreduce "
          f"{ALLREDUCE_STAGE_S * 1e6:g} us per log2 P stage; measured at 2 ranks: "
          f"{pair['poisson_log']['exchanges_per_iteration']:.1f} exchanges, "
          f"{pair['poisson_log']['reductions_per_iteration']:.1f} reductions, "
          f"{pair['poisson_log']['bytes_per_iteration'] / 1e3:.1f} kB per CG iteration "
          f"({pair['poisson_log']['levels']} GAMG levels), state ghosts "
          f"{max(g['ghosts'] for g in pair['ghosts_state'])} values per rank")
    print("| ranks | Poisson PC | strong: DOFs/rank | step (ms) | efficiency | comm share | weak: DOFs | step (ms) "
          "| efficiency |")
    print("|---|---|---|---|---|---|---|---|---|")
    for variant in ("default", "threshold", "threshold_guess"):
        model = StepModel(serial, pair, variant)
        t1 = model.step(1)["total"]
        for P in (1, 2, 8, 32, 128, 512, 1024):
            s, w = model.step(P), model.step(P, scale=P)
            print(f"| {P} | {variant} | {model.dofs / P:.3g} | {_ms(s['total'])} | {t1 / (P * s['total']):.0%} | "
                  f"{s['comm'] / s['total']:.0%} | {model.dofs * P:.3g} | {_ms(w['total'])} | {t1 / w['total']:.0%} |")


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = ap.add_subparsers(dest="command", required=True)
    m = sub.add_parser("measure")
    m.add_argument("--sizes", type=int, nargs="+", default=[70, 100])
    m.add_argument("--steps", type=int, default=4)
    m.add_argument("--out", type=Path, required=True)
    p = sub.add_parser("poisson")
    p.add_argument("--sizes", type=int, nargs="+", default=[50, 100, 200])
    p.add_argument("--out", type=Path, required=True)
    r = sub.add_parser("report")
    r.add_argument("path", type=Path)
    args = ap.parse_args(argv)
    if args.command == "report":
        report(args.path)
        return
    PETSc.Log.begin()
    say(f"ranks {comm.size}, load average {os.getloadavg()}")
    if args.command == "poisson":
        for n in args.sizes:
            rec = poisson_iterations(n)
            say(f"n = {n}: P2 dofs {rec['poisson_dofs']}, iterations {rec['default']['iterations']} (default), "
                f"{rec['threshold']['iterations']} (GAMG threshold {THRESHOLD})")
            append(args.out, rec)
        return
    scratch = Path(comm.bcast(tempfile.mkdtemp(prefix="continuum_scaling_") if comm.rank == 0 else None, root=0))
    try:
        for n in args.sizes:
            rec = measure(n, args.steps, scratch)
            say(f"n = {n}: {rec['dofs']} dofs, {1e3 * rec['step_s']:.1f} ms/step, {rec['dof_steps_per_s']:.3g} "
                f"DOF-steps/s, breakdown (ms) " + ", ".join(f"{k} {1e3 * v:.1f}" for k, v in rec["breakdown_s"].items())
                + f", Poisson iterations {rec['poisson_iterations']}")
            append(args.out, rec)
    finally:
        comm.barrier()
        if comm.rank == 0:
            shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
