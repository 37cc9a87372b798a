"""The 1D reduction ladder: particles -> correlation closures -> Euler, with the error of each rung.

System (docs/theory.md §1, §5; the gas of (5.1)): N rods (length a = 0 or 1) on a ring of length L with
V(x) = (V0/xi) phi(x/xi), phi = 1/(1+x^6), at inverse temperature beta, started from a Gaussian density
bump on the uniform background with Maxwellian velocities (kT = 1/beta, m = 1).

Rungs:
* MD ensemble average (truth; exact hard-core collisions, hydrobridge.particles.hard_rods.md), with standard errors;
* Euler with mean field only (the Vlasov closure) and the equation of state of the free gas
  (isothermal p = rho kT, or the Tonks gas p = rho kT / (1 - a rho) for rods): ``mean_field``;
* Euler + correlation source C = rho ((F h) * rho) (hydrobridge.continuum.euler.CorrelatedConvolutionMeanField1D) with
  h from: weak coupling h = -beta V (``weak_coupling``); Ornstein-Zernike with HNC and PY and hard core a
  (``hnc``, ``py``); the stationary thermal gBBGKY correlation, rho2 / rho_bar^2 (``gbbgky``); the MD g(r)
  of the same gas in canonical equilibrium (Andersen-thermostatted MD, ``md_gr``). Every h is that of the
  homogeneous gas at the mean density rho_bar, applied across the bump: a documented extrapolation
  (``extrapolate=True``, recorded in summary.json);
* Euler with the MD-measured equation of state and no convolution (``md_pressure``, the local
  equation-of-state rung): p(rho) = kinetic + virial + contact pressure measured by thermostatted MD at
  several densities and temperatures (0.8, 1, 1.25 times the demo's kT), fitted by p(rho, kT), cubic in rho
  and quadratic in kT (hydrobridge.closures.measured.MeasuredEquationOfState), used at the demo's kT (the Euler rungs
  are isothermal); it holds mean field and correlations
  in their local (long-wavelength) form. The fitted density range is checked against the Euler state at
  every sample time. (Keeping the convolution and using only p - rho^2 V~(0)/2 as a local correlation
  pressure was tried: for a = 0 that part decreases with rho above rho ~ 0.25, an ill-posed local law.)
The MD-fitted closures are saved in --out (md_equation_of_state.json, md_pair_correlation.json, with provenance
and units) and reused by later runs with the same system.

MD variance reduction: realisations come in antithetic pairs (the same positions, velocities u and -u),
and the estimator is symmetrised under the mirror x -> L - x (the bump is centred at L/2), so a pair gives
one sample (density even, momentum odd under the mirror); standard errors are over pairs. Errors:
relative L2 error of each rung against the MD mean (bins of the MD histogram; Euler averaged over each
bin), normalised by the initial bump's L2 size (density) and by the largest MD momentum profile
(momentum); the same norm of the MD standard error; the bias-corrected error sqrt(err^2 - se^2); and,
per rung, the paired difference err^2 - err_mean_field^2 with its standard error (computed from the
pair samples projected on the difference of the two Euler profiles), so a rung "reduces" or "increases"
the error against MD only where that difference exceeds 2 standard errors ("unresolved" otherwise).
Output in --out/a<a>: summary.json, profiles.png (density and momentum at several times), errors.png.

    mpiexec -n 2 python -m hydrobridge.demos.reduction_ladder_1d --out out/ladder --quick    (CI-sized, < 10 min)
    mpiexec -n 2 python -m hydrobridge.demos.reduction_ladder_1d --out out/ladder            (full: 800 pairs, t = 120)

Measured results (errors of every rung against MD): docs/validation.md, "1D reduction ladder".
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import sys
import time
from pathlib import Path

import numpy as np

from mpi4py import MPI

from hydrobridge.closures.base import PressureClosure
from hydrobridge.closures.hard_rods import correlation_closure, md_equation_of_state, md_pair_correlation
from hydrobridge.closures.ideal import Isothermal, TonksPressure
from hydrobridge.closures.measured import load_closure, save_closure
from hydrobridge.closures.pair_correlation import PairCorrelation, load_pair_correlation
from hydrobridge.continuum.reduction_ladder import RungProfiles, euler_rung, rung_errors
from hydrobridge.particles.hard_rods.bump import DensityBump, expected_density, mirrored_pair_sample
from hydrobridge.particles.hard_rods.potential import PHI6
from hydrobridge.particles.hard_rods.thermostat import CanonicalRun, sample_canonical_runs
from hydrobridge.provenance import StageClock, describe_run, summary_line

RUNGS = ("mean_field", "weak_coupling", "hnc", "py", "gbbgky", "md_gr", "md_pressure")


def gas(cfg: dict) -> DensityBump:
    """The particle system of the configuration (phi = 1/(1+x^6))."""
    return DensityBump(n=cfg["n"], ring=cfg["ring"], a=cfg["a"], v0=cfg["v0"], xi=cfg["xi"], beta=cfg["beta"],
                       amplitude=cfg["amplitude"], width=cfg["width"], kind=PHI6, dt=cfg["dt"])


# --- closures measured by thermostatted MD (fitted once, saved, reused) -------------------------------

def _md_system(cfg: dict) -> dict:
    keys = ("n", "ring", "a", "v0", "xi", "beta", "eos_densities", "eos_temperatures", "eos_equilibrate",
            "eos_time", "gr_runs")
    return {k: cfg[k] for k in keys}


def _eos_densities(cfg: dict) -> np.ndarray:
    """Densities of the equation-of-state runs: rings of N rods with L a multiple of 0.1 (table spacing)."""
    xs, rho = expected_density(gas(cfg))
    lo, hi = 0.75 * rho.min(), min(1.15 * rho.max(), 0.9 / cfg["a"] if cfg["a"] > 0 else np.inf)
    rings = np.round(cfg["n"] / np.linspace(lo, hi, cfg["eos_densities"]), 1)
    return cfg["n"] / rings


def md_closures(cfg: dict, out: Path, comm) -> tuple[PressureClosure, PairCorrelation, dict]:
    """The MD equation of state p(rho, kT) over eos_densities x eos_temperatures times the demo's kT (its
    isothermal MeasuredPressure at kT is the md_pressure rung) and the MD h(r) at rho_bar; loaded from out
    if they were fitted for the same system, else measured with Andersen MD over the ranks and saved."""
    system = _md_system(cfg)
    kT = 1.0 / cfg["beta"]
    p_path, h_path = out / "md_equation_of_state.json", out / "md_pair_correlation.json"
    if p_path.exists() and h_path.exists():
        eos, h = load_closure(p_path), load_pair_correlation(h_path)
        if eos.provenance.get("system") == system and h.provenance.get("system") == system:
            return eos.at_temperature(kT), h, {"reused": True, "md_equation_of_state": eos.to_dict()}
    n, rho_bar = cfg["n"], cfg["n"] / cfg["ring"]
    eos_runs = [CanonicalRun(n, round(n / float(d), 1), 1.0 / (kT * f), 11 + k)
                for k, (d, f) in enumerate(itertools.product(_eos_densities(cfg), cfg["eos_temperatures"]))]
    gr_runs = [CanonicalRun(n, round(n / rho_bar, 1), 1.0 / kT, 101 + k) for k in range(cfg["gr_runs"])]
    t0 = time.perf_counter()
    samples = sample_canonical_runs(eos_runs + gr_runs, cfg["a"], cfg["v0"], cfg["xi"], PHI6, comm,
                                    t_equilibrate=cfg["eos_equilibrate"], t_sample=cfg["eos_time"],
                                    sample_interval=2.0, r_max=80.0, nbins=160)
    source = "Andersen-thermostatted hard-rod MD (particles.hard_rods.thermostat)"
    eos = md_equation_of_state(samples[:len(eos_runs)], degree_rho=3, degree_kT=min(2, len(cfg["eos_temperatures"]) - 1),
                               provenance={"system": system, "source": source})
    h = md_pair_correlation(samples[len(eos_runs):],
                            {"system": system, "t_sample": cfg["eos_time"], "thermostat": "Andersen 0.2"},
                            extrapolate=True)
    if comm.rank == 0:
        out.mkdir(parents=True, exist_ok=True)
        save_closure(p_path, eos)
        h.save(h_path)
    return eos.at_temperature(kT), h, {"reused": False, "seconds": time.perf_counter() - t0,
                                       "md_equation_of_state": eos.to_dict()}


def ladder_rung(cfg: dict, name: str, times: np.ndarray, edges: np.ndarray, md_pressure: PressureClosure | None = None,
                md_h: PairCorrelation | None = None) -> RungProfiles:
    """The rung `name` of RUNGS (module doc); every h is that of rho_bar, applied with extrapolate=True."""
    bump = gas(cfg)
    if name == "md_pressure":
        return euler_rung(bump, md_pressure, times, edges, cfg["cells"], mean_field=False)
    pressure = TonksPressure(1.0 / cfg["beta"], cfg["a"]) if cfg["a"] > 0 else Isothermal(1.0 / cfg["beta"])
    h = None if name == "mean_field" else correlation_closure(
        name, cfg["a"], cfg["v0"], cfg["xi"], PHI6, cfg["ring"], bump.density, cfg["beta"], md_h, extrapolate=True)
    return euler_rung(bump, pressure, times, edges, cfg["cells"], pair_correlation=h)


def run(cfg: dict, out: Path) -> dict:
    comm = MPI.COMM_WORLD
    clock = StageClock()
    times = np.linspace(0.0, cfg["t_end"], cfg["samples"])
    edges = np.linspace(0.0, cfg["ring"], cfg["bins"] + 1)
    centres = 0.5 * (edges[1:] + edges[:-1])
    with clock.stage("md_closures"):
        md_pressure, md_h, closure_info = md_closures(cfg, out, comm)
    bump = gas(cfg)
    with clock.stage("md_ensemble"):
        local = [mirrored_pair_sample(bump, cfg["seed"] * 100003 + p, times, edges)
                 for p in range(comm.rank, cfg["pairs"], comm.size)]
        allp = [x for part in comm.allgather(local) for x in part]
    rho_md = np.array([r for r, _ in allp])                     # (P, T, bins)
    mom_md = np.array([m for _, m in allp])
    md = {"rho": rho_md.mean(0), "m": mom_md.mean(0), "rho_se": rho_md.std(0, ddof=1) / math.sqrt(len(allp)),
          "m_se": mom_md.std(0, ddof=1) / math.sqrt(len(allp))}
    with clock.stage("euler_rungs"):
        mine = {name: ladder_rung(cfg, name, times, edges, md_pressure, md_h) for name in RUNGS[comm.rank::comm.size]}
        rungs = {k: v for part in comm.allgather(mine) for k, v in part.items()}
    rungs = {name: rungs[name] for name in RUNGS}
    dev = np.sqrt(np.sum((md["rho"][0] - cfg["n"] / cfg["ring"]) ** 2))    # size of the initial bump
    mscale = np.sqrt(np.sum(md["m"] ** 2, axis=1)).max()
    base_rho, base_m = rungs["mean_field"].rho, rungs["mean_field"].m
    summary = {
        "study": "1D reduction ladder (docs/theory.md §1, §5): MD vs Euler rungs", "config": cfg,
        "times": times.tolist(), "md_pairs": len(allp), "md_realisations": 2 * len(allp),
        "variance_reduction": "antithetic velocity pairs + mirror symmetrisation; SE over pairs",
        "md_sampling_error": {"rho": (np.sqrt(np.sum(md["rho_se"] ** 2, axis=1)) / dev).tolist(),
                              "m": (np.sqrt(np.sum(md["m_se"] ** 2, axis=1)) / mscale).tolist()},
        "closures": {"md_pressure": md_pressure.to_dict(), "md_pair_correlation_source": md_h.provenance,
                     "pair_correlations": "h of the homogeneous gas at rho_bar, extrapolate=True across the bump",
                     **closure_info},
        "rungs": {name: {"status": status,
                         "rho": rung_errors(r, md["rho"], rho_md, dev, base_rho),
                         "m": rung_errors(m, md["m"], mom_md, mscale, base_m)}
                  for name, (r, m, status) in rungs.items()}}
    summary.update(describe_run(out, clock, comm, "hard_rods", ERRORS))
    if comm.rank == 0:
        out.mkdir(parents=True, exist_ok=True)
        (out / "summary.json").write_text(json.dumps(summary, indent=1))
        plot(summary, centres, md, rungs, out)
        tag = f"[ladder a={cfg['a']:g}]"
        for name in RUNGS:
            e = summary["rungs"][name]
            print(f"{tag} {name:>13}: rho err {_fmt(e['rho']['relative_l2_error'])} vs MF "
                  f"{e['rho']['vs_mean_field'][1:]}  m err {_fmt(e['m']['relative_l2_error'])} vs MF "
                  f"{e['m']['vs_mean_field'][1:]}  {e['status'] if e['status'] != 'ok' else ''}", file=sys.stderr)
        print(f"{tag} MD sampling error rho {_fmt(summary['md_sampling_error']['rho'])} "
              f"m {_fmt(summary['md_sampling_error']['m'])}; wall {summary['provenance']['wall_time_s']}",
              file=sys.stderr)
        final = {name: summary["rungs"][name]["rho"]["relative_l2_error"][-1] for name in RUNGS}
        best = min((n for n in RUNGS if final[n] is not None), key=lambda n: final[n], default=None)
        facts = [f"a = {cfg['a']:g}", f"{len(allp)} MD pairs"]
        if best is not None:
            facts.append(f"closest rung at t = {times[-1]:g}: {best} (density error {100 * final[best]:.1f} %, "
                         f"MD sampling error {100 * summary['md_sampling_error']['rho'][-1]:.1f} %)")
        print(summary_line("reduction_ladder_1d", facts, out / "summary.json"), flush=True)
    return summary


#: what the summary's errors are (conventions block of summary.json, docs/outputs.md)
ERRORS = ("standard errors over antithetic MD pairs (each pair mirror-symmetrised gives one sample); "
          "md_sampling_error: the relative L2 norm of those errors; vs_mean_field: paired difference "
          "err^2 - err_mean_field^2 with its standard error")


def _fmt(values) -> str:
    return "[" + " ".join("  nan" if v is None else f"{v:.3f}" for v in values) + "]"


def plot(summary, centres, md, rungs, out: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    times = summary["times"]
    show = sorted({1, len(times) // 2, len(times) - 1})
    fig, ax = plt.subplots(2, len(show), figsize=(5 * len(show), 7), squeeze=False)
    for col, k in enumerate(show):
        for row, key in enumerate(("rho", "m")):
            a_ = ax[row, col]
            a_.fill_between(centres, md[key][k] - 2 * md[f"{key}_se"][k], md[key][k] + 2 * md[f"{key}_se"][k],
                            color="0.8", label="MD +- 2 standard errors")
            a_.plot(centres, md[key][k], "k-", lw=1, label="MD, mean over pairs")
            for j, (name, (r, m, _)) in enumerate(rungs.items()):
                a_.plot(centres, (r if key == "rho" else m)[k], f"C{j}-", lw=1, label=f"Euler: {name}")
            a_.set_title(f"{'density rho(x)' if key == 'rho' else 'momentum density m(x)'} at t = {times[k]:.0f}")
            a_.set_xlabel("x, position on the ring  [length unit of a, xi]")
            a_.set_ylabel("rho  [rods per length]" if key == "rho" else "m = rho u  [mass x velocity per length]")
    ax[0, 0].legend(fontsize=7)
    fig.suptitle(f"1D reduction ladder, rods a = {summary['config']['a']:g}: MD against Euler rungs "
                 "(units of docs/theory.md §5, m = 1)", fontsize=10)
    fig.tight_layout()
    fig.savefig(out / "profiles.png", dpi=100)
    plt.close(fig)
    fig, axes = plt.subplots(1, 2, figsize=(11, 4))
    for a_, key, label in ((axes[0], "rho", "density"), (axes[1], "m", "momentum")):
        for j, name in enumerate(rungs):
            err = np.array(summary["rungs"][name][key]["relative_l2_error"][1:], dtype=float)
            a_.plot(times[1:], err, f"C{j}o-", label=name)
        a_.plot(times[1:], summary["md_sampling_error"][key][1:], "k:", label="MD sampling error")
        a_.set_xlabel("time t  [time unit, m = 1]")
        a_.set_ylabel(f"relative L2 {label} error vs MD")
        a_.set_title(f"{label} error of each Euler rung against MD")
    axes[0].legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(out / "errors.png", dpi=100)
    plt.close(fig)


def main(argv=None) -> dict:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--out", type=Path, default=Path("out/reduction_ladder_1d"))
    p.add_argument("--quick", action="store_true", help="fewer MD pairs, shorter run (CI-sized, < 10 min)")
    p.add_argument("--rod-length", type=float, nargs="*", default=[0.0, 1.0], help="a values (one run each)")
    p.add_argument("--pairs", type=int, help="antithetic MD pairs (default 64 quick, 800 full)")
    args = p.parse_args(argv)
    cfg = {"n": 100, "ring": 500.0, "v0": 4.0, "xi": 20.0, "beta": 2.5, "amplitude": 2.0, "width": 25.0,
           "dt": 0.1, "t_end": 40.0 if args.quick else 120.0, "samples": 5 if args.quick else 7,
           "pairs": args.pairs or (64 if args.quick else 800), "bins": 50, "cells": 100, "seed": 1,
           "eos_densities": 5, "eos_temperatures": [0.8, 1.0, 1.25], "eos_equilibrate": 50.0 if args.quick else 200.0,
           "eos_time": 200.0 if args.quick else 2000.0, "gr_runs": 2 if args.quick else 6}
    if cfg["pairs"] < 2:
        p.error(f"--pairs {cfg['pairs']}: expected at least 2 (standard errors)")
    results = {}
    for a in args.rod_length:
        if not 0 <= a < cfg["ring"] / cfg["n"]:
            p.error(f"--rod-length {a}: expected 0 <= a < L/N = {cfg['ring'] / cfg['n']}")
        results[f"a={a:g}"] = run({**cfg, "a": a}, args.out / f"a{a:g}")
    return results


if __name__ == "__main__":
    main()
