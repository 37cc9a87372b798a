"""Figure 2 of Biagetti et al. (arXiv:2408.00593): relaxation of the boosted hard-rod state under a long-range
potential (docs/theory.md (5.24)).

Kurtosis of rho(theta) and kinetic energy per particle against t_bar = t (a rho V0)^2 / (xi v_bar)^3 for
phi = 1/(1+x^6), V0 = 4 and phi = 1/(1+|x|^3), V0 = 8 (a = 1, xi = 20, beta = 2.5, theta0 = 1,
rho_bar = 0.2, ring 500), and on request controls (--case 2 3 4: phi6 at V0 = 2 and 8, phi3 at V0 = 4): hard-rod MD
ensembles (error bars over realisations) and three gBBGKY truncations (VARIANTS: the leading-order (5.15), + the
collective term, (5.16)-(5.18) with (5.19)), each with the pair propagator bold D of (5.13) (independent
displacements, thin lines) and with (5.36) (correlated displacements, thick; --propagator chooses), on one PNG,
numbers in summary.json. Agreement is reported for the kurtosis
level and for its change since t = 0 (same realisations, so the sampling noise of the initial state cancels),
and as the slope d kurtosis / d t_bar in the kinetic regime t_bar >= 0.05 (MD slope with jackknife error).
--parity also runs every case at -V0 from the same initial states and splits the kurtosis change into its even
and odd parts in V0 (docs/theory.md (5.32)-(5.34): the even part is what the leading order (5.15) predicts, the odd
part what the (5.16)-(5.18) terms add), MD against each gBBGKY variant, on a second PNG; --v0 replaces the
cases' V0 (e.g. a weaker coupling of the same potential).

    python -m hydrobridge.demos.hard_rods_relaxation --out out/hard_rods [--quick] [--n-real R] [--t-bar-end TB [TB2]]
    mpiexec -n 2 python -m hydrobridge.demos.hard_rods_relaxation ...   (realisations split over ranks)

Long runs: the MD checkpoints every sample (interval --dt-bar in t_bar) under a name without the run
length, so a production run can be started per case in the background and the figure made later from
whatever it has reached (a --t-bar-end at or below the checkpoint's last sample reuses it without running):

    nice -n 10 python -m hydrobridge.demos.hard_rods_relaxation --out out/prod --case 1 --n-real 8 --t-bar-end 1 \
        --dt-bar 0.0125 --h 0.2 --md-only &
    python -m hydrobridge.demos.hard_rods_relaxation --out out/prod --n-real 8 --t-bar-end 0.1 --dt-bar 0.0125 --h 0.2 ...

Measured results (tables of the truncations against MD, ring-size check, cost, the commands that
reproduce them): docs/validation.md, "Relaxation of the boosted hard-rod state".
"""
import argparse
import dataclasses
import itertools
import json
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np

from hydrobridge.particles.hard_rods.ensemble import RodSystem
from hydrobridge.particles.hard_rods.observables import boosted_kurtosis
from hydrobridge.particles.hard_rods.potential import PHI3, PHI6
from hydrobridge.particles.hard_rods.relaxation import (KINETIC_START, agreement, gbbgky_relaxation, kinetic_fit,
                                                        md_relaxation, parity_parts, parity_split, time_scale)
from hydrobridge.provenance import StageClock, describe_run, summary_line

# figure 2's two cases, then controls run only when asked for (--case 2 3 4): each potential at the other's V0
# and phi6 at half its V0
CASES: tuple[tuple[str, int, float], ...] = (("phi=1/(1+x^6), V0=4", PHI6, 4.0), ("phi=1/(1+|x|^3), V0=8", PHI3, 8.0),
                                            ("phi=1/(1+x^6), V0=2", PHI6, 2.0), ("phi=1/(1+x^6), V0=8", PHI6, 8.0),
                                            ("phi=1/(1+|x|^3), V0=4", PHI3, 4.0))
SEED_CASES: tuple[int, ...] = (0, 1)
A, XI, BETA, THETA0, DENSITY, RING = 1.0, 20.0, 2.5, 1.0, 0.2, 500.0


#: what the summary's *_err are (conventions block of summary.json, docs/outputs.md)
ERRORS = ("*_err = one standard error over the MD realisations (kurtosis: jackknife; slopes: jackknife over "
          "realisations); the gBBGKY runs are deterministic")


@contextmanager
def rod_trajectory(system: RodSystem, every: int, out: Path, case: int) -> Iterator[Callable | None]:
    """Observer writing realisation 0 (x_i, u_i) every `every`-th sample as H5MD (particles.h5md.rod_observer)
    to out/md/trajectories/case<case>.h5 in the units of docs/theory.md §5; None when every = 0."""
    if every == 0:
        yield None
        return
    from hydrobridge.particles.h5md import H5MDWriter, rod_observer

    path = out / "md" / "trajectories" / f"case{case}.h5"
    path.parent.mkdir(parents=True, exist_ok=True)
    with H5MDWriter(path, system.n, [system.ring], author="hydrobridge") as writer:
        write = rod_observer(writer, system, 0)

        def observe(state) -> None:
            if (len(state.times) - 1) % every == 0:
                write(state)

        yield observe


def _comm():
    try:
        from mpi4py import MPI
    except ImportError:
        return None
    return MPI.COMM_WORLD if MPI.COMM_WORLD.Get_size() > 1 else None


# the figure-2 caption: gBBGKY "truncated to the order (a V0)^2" = docs/theory.md (5.15) with the source only; the O(V0^3)
# terms of (5.16)-(5.18) (collective; two-body; (5.19) three-point) are added one group at a time
VARIANTS: dict[str, dict[str, bool]] = {
    "SB.1 (a V0)^2": {"collective": False},
    "SB.1+collective": {"collective": True},
    "SA.3 with SC.1": {"collective": True, "two_body": True, "three_point": True}}
# the pair propagator: bold D of (5.13) (independent displacements, that of Biagetti et al.) or (5.36) (the
# quasi-particles of a pair displaced by the same rods)
PROPAGATORS: dict[str, dict[str, bool]] = {"independent": {}, "correlated": {"correlated_pairs": True}}
CORRELATED_SUFFIX = ", correlated pairs"


def variants(propagator: str) -> dict[str, dict[str, bool]]:
    """VARIANTS with the chosen pair propagator(s) ('independent', 'correlated' or 'both'), the correlated ones
    named with CORRELATED_SUFFIX."""
    chosen = list(PROPAGATORS) if propagator == "both" else [propagator]
    return {name + (CORRELATED_SUFFIX if prop == "correlated" else ""): {**terms, **PROPAGATORS[prop]}
            for prop in chosen for name, terms in VARIANTS.items()}


def _line_style(name_v: str) -> dict:
    """Line style of a gBBGKY variant: the dash by truncation, thick for the correlated propagator."""
    correlated = name_v.endswith(CORRELATED_SUFFIX)
    truncation = list(VARIANTS).index(name_v.removesuffix(CORRELATED_SUFFIX))
    return {"ls": ("-", "--", ":")[truncation], "lw": 2.2 if correlated else 1.0, "alpha": 1.0 if correlated else 0.6}


def plot(results: list[dict], path: str) -> None:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, (ax_k, ax_e) = plt.subplots(1, 2, figsize=(11, 4.2))
    # the paper's brown and red for its two cases, then one colour per control (cycled for a repeated --case)
    colours = itertools.cycle(("tab:brown", "tab:red", "tab:olive", "tab:purple", "tab:blue"))
    for res, color in zip(results, colours):
        tb = res["t_bar"]
        md, kin = res["md"], res["gbbgky"]
        ax_k.errorbar(tb, md["kurtosis"], md["kurtosis_err"], fmt="o", ms=3, color=color, label=f"MD {res['case']}")
        for name_v, k in kin.items():
            ax_k.plot(tb, k["kurtosis"], color=color, label=f"gBBGKY {name_v}", **_line_style(name_v))
            ax_e.plot(tb, k["ekin"] - k["ekin"][0], color=color, **_line_style(name_v))
        ax_e.errorbar(tb, md["ekin_change"], md["ekin_change_err"], fmt="o", ms=3, color=color)
    ax_k.axhline(0.0, color="k", lw=0.5)
    ax_k.set(xlabel=r"$\bar t = t (a\bar\rho V_0)^2/(\xi \bar v)^3$", ylabel="excess kurtosis of rho(theta)")
    ax_e.set(xlabel=r"$\bar t$", ylabel="kinetic energy per particle, change since t = 0")
    ax_k.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=120)


def plot_parity(results: list[dict], path: str) -> None:
    """Even and odd parts in V0 of the kurtosis change (parity_split / parity_parts), MD and gBBGKY variants."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, axes = plt.subplots(1, 2, figsize=(11, 4.2))
    colours = itertools.cycle(("tab:brown", "tab:red", "tab:olive", "tab:purple", "tab:blue"))
    for res, color in zip(results, colours):
        tb, md, kin = res["t_bar"], res["parity"]["md"], res["parity"]["gbbgky"]
        for ax, part in zip(axes, ("even", "odd")):
            ax.errorbar(tb, md[part], md[f"{part}_err"], fmt="o", ms=3, color=color, label=f"MD {res['case']}")
            for name_v, k in kin.items():
                ax.plot(tb, k[part], color=color, label=f"gBBGKY {name_v}", **_line_style(name_v))
    for ax, part in zip(axes, ("even", "odd")):
        ax.axhline(0.0, color="k", lw=0.5)
        ax.set(xlabel=r"$\bar t$", ylabel=f"kurtosis change, {part} part in V0",
               title={"even": "[k(+V0) + k(-V0)]/2 - k(0)", "odd": "[k(+V0) - k(-V0)]/2"}[part])
    axes[0].legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=120)


def _parity(md: dict, md_minus: dict, kin: dict, kin_minus: dict, t_bar: np.ndarray, start: float) -> dict:
    """Even / odd parts of the MD (jackknife over realisation pairs) and of each gBBGKY variant, with slopes over
    t_bar >= start."""
    out = {"md": parity_split(t_bar, md["moments"], md_minus["moments"], start), "gbbgky": {}}
    for name_v in kin:
        even, odd = parity_parts(kin[name_v]["kurtosis"], kin_minus[name_v]["kurtosis"])
        out["gbbgky"][name_v] = {"even": even, "odd": odd, "slope_even": kinetic_fit(t_bar, even, start),
                                 "slope_odd": kinetic_fit(t_bar, odd, start)}
    return out


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
                   help="indices into CASES (default: the two of figure 2; 2, 3, 4 are controls)")
    p.add_argument("--grid", type=float, nargs=3, default=None, metavar=("N_THETA", "N_MODES", "H"),
                   help="gBBGKY velocity points, ring modes and time step")
    p.add_argument("--md-only", action="store_true", help="production: run (and checkpoint) the MD only")
    p.add_argument("--trajectory-every", type=int, default=0,
                   help="samples between H5MD frames of realisation 0 of each case, written to "
                        "OUT/md/trajectories/case<k>.h5 (0: none; only samples computed by this run)")
    p.add_argument("--parity", action="store_true",
                   help="also run each case at -V0 from the same initial states and report the even and odd parts "
                        "in V0 of the kurtosis change (MD and gBBGKY)")
    p.add_argument("--v0", type=float, nargs="+", default=None,
                   help="replace the cases' V0 (one for all or one per case; t_bar scales with V0^2)")
    p.add_argument("--propagator", choices=("independent", "correlated", "both"), default="both",
                   help="gBBGKY pair propagator: bold D of docs/theory.md (5.13) (independent displacements), (5.36) "
                        "(correlated displacements) or both (default; each truncation is run with each)")
    p.add_argument("--kinetic-start", type=float, default=KINETIC_START,
                   help=f"t_bar at which the kinetic regime of the slopes starts (default {KINETIC_START:g}; with a weaker "
                        f"--v0 the same real time is at a smaller t_bar)")
    p.add_argument("--ring", type=float, default=RING,
                   help=f"ring length (finite-size checks; default that of figure 2, {RING:g}); the default number of "
                        f"gBBGKY ring modes scales with it (same k_max)")
    args = p.parse_args(argv)
    if args.trajectory_every < 0:
        raise ValueError(f"--trajectory-every: expected a non-negative number of samples, got {args.trajectory_every}")
    if args.kinetic_start < 0:
        raise ValueError(f"--kinetic-start: expected a t_bar >= 0, got {args.kinetic_start:g}")
    n_rods = DENSITY * args.ring
    if not (n_rods >= 2 and abs(n_rods - round(n_rods)) < 1e-9):
        raise ValueError(f"--ring: expected a length holding a whole number >= 2 of rods at density {DENSITY:g} "
                         f"(a multiple of {1 / DENSITY:g}, >= {2 / DENSITY:g}), got {args.ring:g}")
    n_real = _per_case("--n-real", args.n_real or [8 if args.quick else 16], len(args.case))
    steps = _per_case("--h", args.h, len(args.case))
    t_bar_end = _per_case("--t-bar-end", args.t_bar_end or [0.02 if args.quick else 0.2], len(args.case))
    dt_bar = args.dt_bar or (0.0025 if args.quick else 0.0125)
    grid = args.grid or ((36, 50 * args.ring / RING, 2.0) if args.quick else (72, 125 * args.ring / RING, 1.0))
    grid = (int(grid[0]), int(round(grid[1])), float(grid[2]))
    v0s = _per_case("--v0", args.v0, len(args.case)) if args.v0 else [CASES[c][2] for c in args.case]
    if any(v <= 0 for v in v0s):
        raise ValueError(f"--v0: expected positive strengths (--parity adds -V0), got {v0s}")
    comm = _comm()
    rank = comm.Get_rank() if comm is not None else 0
    os.makedirs(args.out, exist_ok=True)
    clock = StageClock()
    results = []
    chosen_variants = variants(args.propagator)
    for case, tb_end, n_r, h, v0 in zip(args.case, t_bar_end, n_real, steps, v0s):
        name, kind, _ = CASES[case]
        name = f"{name.split(', V0=')[0]}, V0={v0:g}"
        system = RodSystem(kind=kind, v0=v0, a=A, xi=XI, beta=BETA, theta0=THETA0, ring=args.ring,
                           n=int(round(DENSITY * args.ring)), h=h)
        scale = time_scale(system)
        dt_sample = h * max(1, round(dt_bar / scale / h))
        with clock.stage("md"), rod_trajectory(system, args.trajectory_every if rank == 0 else 0,
                                                 Path(args.out), case) as observe:
            md = md_relaxation(system, n_r, tb_end / scale, dt_sample, comm, args.out, observe=observe,
                               start=args.kinetic_start)
            if args.parity:
                md_minus = md_relaxation(dataclasses.replace(system, v0=-v0), n_r, tb_end / scale, dt_sample, comm,
                                         args.out, start=args.kinetic_start)
        if rank != 0 or args.md_only:
            continue
        with clock.stage("gbbgky"):
            kin = {name_v: gbbgky_relaxation(system, md["t"], *grid, terms)
                   for name_v, terms in chosen_variants.items()}
            if args.parity:
                kin_minus = {name_v: gbbgky_relaxation(dataclasses.replace(system, v0=-v0), md["t"], *grid, terms)
                             for name_v, terms in chosen_variants.items()}
        t_bar = md["t"] * scale
        results.append({"case": name, "v0": v0, "t": md["t"], "t_bar": t_bar, "md": md, "gbbgky": kin,
                        "kurtosis_initial_exact": boosted_kurtosis(BETA, THETA0),
                        "agreement": {name_v: agreement(md, k, t_bar, args.kinetic_start) for name_v, k in kin.items()}})
        print(f"{name}: MD kurtosis {md['kurtosis'][0]:.3f} -> {md['kurtosis'][-1]:.3f} +- "
              f"{md['kurtosis_err'][-1]:.3f} (change {md['kurtosis_change'][-1]:.3f} +- "
              f"{md['kurtosis_change_err'][-1]:.3f}); MD energy rel. err {md['energy_rel_err']:.1e} "
              f"(drift per rod {md['energy_drift_per_rod']:.1e}); "
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
        if args.parity:
            results[-1]["parity"] = _parity(md, md_minus, kin, kin_minus, t_bar, args.kinetic_start)
            results[-1]["md_minus_v0"], results[-1]["gbbgky_minus_v0"] = md_minus, kin_minus
            par = results[-1]["parity"]
            print(f"   parity in V0, kinetic slopes d kurtosis/d t_bar: MD even {_fmt(par['md']['slope_even'])} +- "
                  f"{_fmt(par['md']['slope_even_err'])}, odd {_fmt(par['md']['slope_odd'])} +- "
                  f"{_fmt(par['md']['slope_odd_err'])}; " + "; ".join(
                      f"gBBGKY {name_v} even {_fmt(k['slope_even'])}, odd {_fmt(k['slope_odd'])}"
                      for name_v, k in par["gbbgky"].items()), flush=True)
    if rank == 0 and not args.md_only:
        plot(results, os.path.join(args.out, "hard_rods_relaxation.png"))
        if args.parity:
            plot_parity(results, os.path.join(args.out, "hard_rods_parity.png"))
        for res in results:                      # per-realisation moments: in the checkpoints, not the summary
            for md_run in (res["md"], res.get("md_minus_v0", {})):
                md_run.pop("moments", None)
        summary = {"quick": args.quick, "ring": args.ring, "n_real": n_real, "t_bar_end": t_bar_end, "h": steps,
                   "parity": args.parity, "kinetic_start": args.kinetic_start, "propagator": args.propagator,
                   "cases": results, **describe_run(args.out, clock, None, "hard_rods", ERRORS)}
        with open(os.path.join(args.out, "summary.json"), "w") as f:
            json.dump(_jsonable(summary), f, indent=1)
        print(summary_line("hard_rods_relaxation", [f"{len(results)} case(s) up to t_bar = {max(t_bar_end):g}"],
                           os.path.join(args.out, "summary.json")), flush=True)


if __name__ == "__main__":
    main()
