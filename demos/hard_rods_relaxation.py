"""Seed figure 2: relaxation of the boosted hard-rod state under a long-range potential (THEORY.md sec. 5).

Kurtosis of rho(theta) and kinetic energy per particle against t_bar = t (a rho V0)^2 / (xi v_bar)^3 for
phi = 1/(1+x^6), V0 = 4 and phi = 1/(1+|x|^3), V0 = 8 (a = 1, xi = 20, beta = 2.5, theta0 = 1,
rho_bar = 0.2, ring 500), and on request controls (--case 2 3 4: phi6 at V0 = 2 and 8, phi3 at V0 = 4): hard-rod MD
ensembles (error bars over realisations) and three gBBGKY truncations (VARIANTS: the leading-order SB.1, + the
collective term, SA.3 with SC.1) on one PNG, numbers in summary.json. Agreement is reported for the kurtosis
level and for its change since t = 0 (same realisations, so the sampling noise of the initial state cancels),
and as the slope d kurtosis / d t_bar in the kinetic regime t_bar >= 0.05 (MD slope with jackknife error).

    python -m hydrobridge.demos.hard_rods_relaxation --out out/hard_rods [--quick] [--n-real R] [--t-bar-end TB [TB2]]
    mpiexec -n 2 python -m hydrobridge.demos.hard_rods_relaxation ...   (realisations split over ranks)

Long runs: the MD checkpoints every sample (interval --dt-bar in t_bar) under a name without the run
length, so a production run can be started per case in the background and the figure made later from
whatever it has reached (a --t-bar-end at or below the checkpoint's last sample reuses it without running):

    nice -n 10 python -m hydrobridge.demos.hard_rods_relaxation --out out/prod --case 1 --n-real 8 --t-bar-end 1 \
        --dt-bar 0.0125 --h 0.2 --md-only &
    python -m hydrobridge.demos.hard_rods_relaxation --out out/prod --n-real 8 --t-bar-end 0.1 --dt-bar 0.0125 --h 0.2 ...

Measured (gBBGKY grid 72 x 125, step 2, step 1 for the leading-order SB.1, which diverges at step 2 on this
grid; 108 x 125 at step 1 changes the collective variant at V0 = 4 by <= 0.021; 36 x 80 at step 2 for the
controls, within 0.04 of 72 x 125 at V0 = 4). MD: V0 = 4 with 96 realisations
at h = 0.2 to t_bar = 0.2375 (energy error 1.1e-8 at this doubled step), V0 = 8 with 32 at h = 0.1 to
t_bar = 0.8 (<= 8e-11); controls at h = 0.1 with 16 realisations (<= 3e-10) except V0 = 2 (8, h = 0.2, 6e-9).
Kurtosis change since t = 0 in the kinetic regime: mean MD - gBBGKY, fraction of samples within
max(MD error, 0.05), chi^2 per sample against the MD errors (seed cases only); then the kinetic slopes:

    variant                       V0 = 4 (phi6, R = 96)       V0 = 8 (phi3, R = 32)
    SB.1 (a V0)^2 (no collective)  -0.094, 0.00, chi2 27.3      +0.010, 0.90, chi2 0.6
    SB.1 + collective              -0.031, 0.67, chi2 4.8       +0.087, 0.14, chi2 4.6
    SA.3 with SC.1 (+ two-body)    -0.026, 0.67, chi2 3.8       +0.081, 0.19, chi2 4.1
    d kurtosis / d t_bar: MD       1.52 +- 0.12 (jackknife)     0.41 +- 0.07
                          gBBGKY   1.97-2.09                    0.45-0.46

    controls (phi6 V0 = 8: 72 x 125; others 36 x 80)
                                   phi6 V0 = 2 (R = 8)   phi6 V0 = 8 (R = 16)   phi3 V0 = 4 (R = 16)
    SB.1 (a V0)^2                  -0.116, 0.00          +0.114, 0.19           -0.120, 0.06
    SB.1 + collective              -0.070, 0.38          +0.153, 0.13           -0.035, 0.47
    SA.3 with SC.1                 -0.050, 0.63          +0.142, 0.13           -0.030, 0.64
    d kurtosis / d t_bar: MD       2.28 +- 0.29          1.01 +- 0.48           0.86 +- 0.12
                          gBBGKY   3.03-3.33             0.86-0.99              1.02-1.10

No truncation follows the MD within its errors for both potentials. The leading-order SB.1, the seed's
truncation, follows phi3 at V0 = 8 and is 0.09 above the MD for phi6 at V0 = 4; the O(V0^3) terms (collective
screening above all) lower the correlation build-up jump (t_bar < 0.05), which helps phi6 and spoils phi3, and
hardly change the kinetic slope. In the kinetic regime the gBBGKY relaxes faster than the MD in every case but
the strongest coupling: phi6 1.3-1.4x at V0 = 4 (3.4-4.3 jackknife errors; batch means of 8-16 batches give
an MD slope error of 0.20-0.25, i.e. 2-2.6 sigma) and at V0 = 2, phi3 1.2-1.3x at V0 = 4 (1.3-2 sigma),
phi3 at V0 = 8 1.1x (within 1 sigma); phi6 at V0 = 8, the strongest coupling, has the same slope within its
large error and an MD 0.11-0.15 further relaxed than every truncation. The MD slope is not a sampling
accident: realisations 0-47 give 1.50 +- 0.17 and the independent 48-95 give 1.55 +- 0.18 (the V0 = 2 control
shares its 8 initial states with realisations 0-7 here, so it is not an independent check of V0 = 4). The SB.8
rate is proportional to the diffusion matrix DD (particles/hard_rods/gbbgky.py), and the pair propagator
DD (x) 1 + 1 (x) DD lets the two quasi-particles diffuse independently, whereas in hard rods two
quasi-particles starting together separate only by the rods that come between them: relative variance
a^2 N |theta - theta'| t / (1 - aN) (ghd.pair_displacement_covariance), which vanishes for close velocities
where 2 t (DD(theta) + DD(theta')) does not. The independent-diffusion propagator therefore overestimates the
decorrelation of close-velocity pairs, which carry the weight of the SB.8 rate; that is the candidate cause of
the too-fast gBBGKY relaxation, at the same order a^2 as the rate itself. Its naive Markov form (that
cross-diffusion in SB.8) diverges with the theta grid, presumably because the energy exchange with the third
rod is carried by the off-diagonal part of DD, which that form leaves unchanged: a consistent kinetic equation
needs the three-rod process, not a corrected pair diffusion, and is not implemented. The seed's SA.3 signs
of the two-body and three-point terms (opposite to BBGKY) make V0 = 8 worse: +0.24 mean deviation on the
36 x 80 grid.
The kinetic-regime gap is not a finite-ring effect. On --ring 250 (50 rods, 62 ring modes, same k_max; MD with
96 realisations at h = 0.2 for phi6 and 64 at h = 0.1 for phi3) the kinetic slopes are MD 1.63 +- 0.16 against
gBBGKY 1.99-2.10 (phi6, V0 = 4) and MD 0.46 +- 0.08 against 0.50-0.52 (phi3, V0 = 8), as on the seed's ring
(1.52 +- 0.12 against 1.97-2.09; 0.41 +- 0.07 against 0.45-0.46); the SB.8 rate at t = 0 is the same on rings
of 250 to 2000 (to 1e-6 for phi6, 5e-4 for phi3). The correlation build-up does depend on the ring: the MD
kurtosis change at t_bar = 0.1 for phi3 is 0.57 +- 0.04 with 50 rods and 0.71 +- 0.04 with 100 (gBBGKY with
the collective term 0.59 and 0.64), for phi6 at t_bar = 0.025 0.35 +- 0.02 and 0.39 +- 0.01, so the kinetic-
regime levels of the seed's 100 rods carry a finite-size part of a few 0.01, comparable to the 0.05
tolerance. Ring 250, kinetic regime, mean MD - gBBGKY and fraction within max(MD error, 0.05), variants in
table order: phi6 -0.097, 0.00 / -0.032, 0.75 / -0.032, 0.75; phi3 -0.058, 0.37 / +0.034, 0.73 / +0.032, 0.70.
Reproduce:
    --out D --case 1 --n-real 32 --t-bar-end 0.8 --dt-bar 0.0125 --h 0.1 --md-only     (MD, ~65 min on 2 cores)
    --out D --case 0 --n-real 96 --t-bar-end 0.2375 --dt-bar 0.0125 --h 0.2 --md-only   (~110 min on 2 cores)
    --out D --case 0 1 --n-real 96 32 --t-bar-end 0.2375 0.7992 --dt-bar 0.0125 --h 0.2 0.1 --grid 72 125 1
    --out D --case 2 --n-real 8 --t-bar-end 0.15 --dt-bar 0.0125 --h 0.2 --grid 36 80 2  (~30 min CPU)
    --out D --case 3 --n-real 16 --t-bar-end 0.25 --dt-bar 0.0125 --h 0.1   (~3 min MD, ~20 min gBBGKY)
    --out D --case 4 --n-real 16 --t-bar-end 0.5 --dt-bar 0.0125 --h 0.1 --grid 36 80 2  (~35 min MD)
    --out D --case 0 --n-real 96 --t-bar-end 0.2375 --dt-bar 0.0125 --h 0.2 --ring 250  (~9 min MD, ~18 min gBBGKY)
    --out D --case 1 --n-real 64 --t-bar-end 0.8 --dt-bar 0.0125 --h 0.1 --ring 250     (~13 min MD, ~20 min gBBGKY)
(the seed-case table was computed with the same functions at step 2 for the collective variants and step 1
for SB.1; --grid 72 125 1 runs all three at step 1, about 1 h of gBBGKY per case)
A production run at h = 0.2 for phi3, V0 = 8 with the code before the stage-overlap wrap in md.forces showed
energy jumps of 1e-3..0.26 after t ~ 1000 in 6 of 8 realisations; with the wrap, realisation 1 (the first
to jump) runs to t = 1100 at h = 0.2 with energy error 8e-10, and the 16 realisations above stay at 5e-11.

--quick: 8 realisations to t_bar = 0.02 (the correlation build-up transient only): measured 115 s wall,
92 s CPU with NUMBA_NUM_THREADS=2 (load average ~2.6). Cost: ~40 ms of CPU per
realisation and unit time (h = 0.1; 30-40 ms at h = 0.2), i.e. t_bar = 1 costs ~10 min (V0 = 8) and ~40 min
(V0 = 4) of CPU per realisation.
"""
import argparse
import itertools
import json
import os

import numpy as np

from hydrobridge.particles.hard_rods.ensemble import RodSystem
from hydrobridge.particles.hard_rods.observables import boosted_kurtosis
from hydrobridge.particles.hard_rods.potential import PHI3, PHI6
from hydrobridge.particles.hard_rods.relaxation import agreement, gbbgky_relaxation, md_relaxation, time_scale

# the seed's two cases, then controls run only when asked for (--case 2 3 4): each potential at the other's V0
# and phi6 at half its V0
CASES: tuple[tuple[str, int, float], ...] = (("phi=1/(1+x^6), V0=4", PHI6, 4.0), ("phi=1/(1+|x|^3), V0=8", PHI3, 8.0),
                                            ("phi=1/(1+x^6), V0=2", PHI6, 2.0), ("phi=1/(1+x^6), V0=8", PHI6, 8.0),
                                            ("phi=1/(1+|x|^3), V0=4", PHI3, 4.0))
SEED_CASES: tuple[int, ...] = (0, 1)
A, XI, BETA, THETA0, DENSITY, RING = 1.0, 20.0, 2.5, 1.0, 0.2, 500.0


def _comm():
    try:
        from mpi4py import MPI
    except ImportError:
        return None
    return MPI.COMM_WORLD if MPI.COMM_WORLD.Get_size() > 1 else None


# the seed's caption: gBBGKY "truncated to the order (a V0)^2" = SB.1 with the source only; the O(V0^3)
# terms of SA.3 (collective; two-body; SC.1 three-point) are added one group at a time
VARIANTS: dict[str, dict[str, bool]] = {
    "SB.1 (a V0)^2": {"collective": False},
    "SB.1+collective": {"collective": True},
    "SA.3 with SC.1": {"collective": True, "two_body": True, "three_point": True}}


def plot(results: list[dict], path: str) -> None:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, (ax_k, ax_e) = plt.subplots(1, 2, figsize=(11, 4.2))
    # the seed's brown and red for its two cases, then one colour per control (cycled for a repeated --case)
    colours = itertools.cycle(("tab:brown", "tab:red", "tab:olive", "tab:purple", "tab:blue"))
    for res, color in zip(results, colours):
        tb = res["t_bar"]
        md, kin = res["md"], res["gbbgky"]
        ax_k.errorbar(tb, md["kurtosis"], md["kurtosis_err"], fmt="o", ms=3, color=color, label=f"MD {res['case']}")
        for (name_v, k), style in zip(kin.items(), ("-", "--", ":")):
            ax_k.plot(tb, k["kurtosis"], style, color=color, label=f"gBBGKY {name_v}")
            ax_e.plot(tb, k["ekin"] - k["ekin"][0], style, color=color)
        ax_e.errorbar(tb, md["ekin_change"], md["ekin_change_err"], fmt="o", ms=3, color=color)
    ax_k.axhline(0.0, color="k", lw=0.5)
    ax_k.set(xlabel=r"$\bar t = t (a\bar\rho V_0)^2/(\xi \bar v)^3$", ylabel="excess kurtosis of rho(theta)")
    ax_e.set(xlabel=r"$\bar t$", ylabel="kinetic energy per particle, change since t = 0")
    ax_k.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=120)


def _jsonable(x):
    if isinstance(x, dict):
        return {k: _jsonable(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [_jsonable(v) for v in x]
    if isinstance(x, (np.ndarray, np.generic)):
        return x.tolist()
    return x


def _fmt(x: float | None) -> str:
    """Three decimals, or 'n/a' for a statistic that needs the kinetic regime the run did not reach."""
    return "n/a" if x is None else f"{x:.3f}"


def _per_case(option: str, values: list, n_cases: int) -> list:
    """One value for all cases or one per case."""
    if len(values) not in (1, n_cases):
        raise ValueError(f"{option}: expected 1 or {n_cases} values, got {len(values)}")
    return values * n_cases if len(values) == 1 else values


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--out", required=True)
    p.add_argument("--quick", action="store_true", help="small ensemble, short run (a few minutes)")
    p.add_argument("--n-real", type=int, nargs="+", default=None, help="realisations, one for all or one per case")
    p.add_argument("--t-bar-end", type=float, nargs="+", default=None,
                   help="end of the run in t_bar, one value for all cases or one per case")
    p.add_argument("--dt-bar", type=float, default=None, help="sampling interval in t_bar")
    p.add_argument("--h", type=float, nargs="+", default=[0.1], help="MD time step, one for all or one per case")
    p.add_argument("--case", type=int, nargs="+", default=list(SEED_CASES), choices=range(len(CASES)),
                   help="indices into CASES (default: the seed's two; 2, 3, 4 are controls)")
    p.add_argument("--grid", type=float, nargs=3, default=None, metavar=("N_THETA", "N_MODES", "H"),
                   help="gBBGKY velocity points, ring modes and time step")
    p.add_argument("--md-only", action="store_true", help="production: run (and checkpoint) the MD only")
    p.add_argument("--ring", type=float, default=RING,
                   help=f"ring length (finite-size checks; default the seed's {RING:g}); the default number of "
                        f"gBBGKY ring modes scales with it (same k_max)")
    args = p.parse_args(argv)
    n_rods = DENSITY * args.ring
    if not (n_rods >= 2 and abs(n_rods - round(n_rods)) < 1e-9):
        raise ValueError(f"--ring: expected a length holding a whole number >= 2 of rods at density {DENSITY:g} "
                         f"(a multiple of {1 / DENSITY:g}, >= {2 / DENSITY:g}), got {args.ring:g}")
    n_real = _per_case("--n-real", args.n_real or [8 if args.quick else 16], len(args.case))
    steps = _per_case("--h", args.h, len(args.case))
    t_bar_end = _per_case("--t-bar-end", args.t_bar_end or [0.02 if args.quick else 0.2], len(args.case))
    dt_bar = args.dt_bar or (0.0025 if args.quick else 0.0125)
    grid = args.grid or ((36, 80 * args.ring / RING, 2.0) if args.quick else (72, 125 * args.ring / RING, 1.0))
    grid = (int(grid[0]), int(round(grid[1])), float(grid[2]))
    comm = _comm()
    rank = comm.Get_rank() if comm is not None else 0
    os.makedirs(args.out, exist_ok=True)
    results = []
    for case, tb_end, n_r, h in zip(args.case, t_bar_end, n_real, steps):
        name, kind, v0 = CASES[case]
        system = RodSystem(kind=kind, v0=v0, a=A, xi=XI, beta=BETA, theta0=THETA0, ring=args.ring,
                           n=int(round(DENSITY * args.ring)), h=h)
        scale = time_scale(system)
        dt_sample = h * max(1, round(dt_bar / scale / h))
        md = md_relaxation(system, n_r, tb_end / scale, dt_sample, comm, args.out)
        if rank != 0 or args.md_only:
            continue
        kin = {name_v: gbbgky_relaxation(system, md["t"], *grid, terms) for name_v, terms in VARIANTS.items()}
        t_bar = md["t"] * scale
        results.append({"case": name, "v0": v0, "t": md["t"], "t_bar": t_bar, "md": md, "gbbgky": kin,
                        "kurtosis_initial_exact": boosted_kurtosis(BETA, THETA0),
                        "agreement": {name_v: agreement(md, k, t_bar) for name_v, k in kin.items()}})
        print(f"{name}: MD kurtosis {md['kurtosis'][0]:.3f} -> {md['kurtosis'][-1]:.3f} +- "
              f"{md['kurtosis_err'][-1]:.3f} (change {md['kurtosis_change'][-1]:.3f} +- "
              f"{md['kurtosis_change_err'][-1]:.3f}); MD energy rel. err {md['energy_rel_err']:.1e}; "
              f"wall MD {md['wall_s']:.0f}s", flush=True)
        for name_v, k in kin.items():
            agr = results[-1]["agreement"][name_v]
            print(f"   gBBGKY {name_v}: kurtosis -> {k['kurtosis'][-1]:.3f}; max |diff| level "
                  f"{agr['max_abs_diff']:.3f}, change {agr['max_abs_change_diff']:.3f}; within max(MD err, 0.05): "
                  f"level {agr['fraction_within']:.2f}, change {agr['fraction_change_within']:.2f} (kinetic regime "
                  f"{_fmt(agr['fraction_change_within_kinetic'])}, mean MD - gBBGKY "
                  f"{_fmt(agr['mean_change_diff_kinetic'])}; d kurtosis/d t_bar {_fmt(agr['kurtosis_slope_kinetic'])} "
                  f"vs MD {_fmt(md['kurtosis_slope_kinetic'])} +- {_fmt(md['kurtosis_slope_kinetic_err'])}); "
                  f"wall {k['wall_s']:.0f}s", flush=True)
    if rank == 0 and not args.md_only:
        plot(results, os.path.join(args.out, "hard_rods_relaxation.png"))
        with open(os.path.join(args.out, "summary.json"), "w") as f:
            json.dump(_jsonable({"quick": args.quick, "ring": args.ring, "n_real": n_real, "t_bar_end": t_bar_end,
                                 "h": steps, "cases": results}), f, indent=1)


if __name__ == "__main__":
    main()
