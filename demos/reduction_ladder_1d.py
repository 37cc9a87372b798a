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
import json
import math
import sys
import time
from functools import lru_cache
from pathlib import Path

import numpy as np

from mpi4py import MPI

from hydrobridge.closures.base import PressureClosure
from hydrobridge.closures.gbbgky_correlation import thermal_gbbgky_closure
from hydrobridge.closures.ideal import Isothermal
from hydrobridge.closures.measured import fit_equation_of_state, load_closure, save_closure
from hydrobridge.closures.ornstein_zernike import solve_oz_1d
from hydrobridge.closures.pair_correlation import PairCorrelation, from_md, from_oz, load_pair_correlation, weak_coupling
from hydrobridge.continuum.euler import ConvolutionMeanField1D, CorrelatedConvolutionMeanField1D, EulerSolver, EulerSystem
from hydrobridge.continuum.output import sample
from hydrobridge.meshes.periodic import periodic_interval
from hydrobridge.particles.hard_rods.md import forces, step, work_array
from hydrobridge.particles.hard_rods.potential import PHI6, phi_derivatives, potential, ring_table
from hydrobridge.particles.hard_rods.thermostat import sample_canonical

RUNGS = ("mean_field", "weak_coupling", "hnc", "py", "gbbgky", "md_gr", "md_pressure")
SUBSAMPLES = 4          # Euler point values averaged per MD bin


class TonksPressure(PressureClosure):
    """Hard-rod (Tonks) gas: p = rho kT / (1 - a rho) (m = 1), c^2 = kT / (1 - a rho)^2."""

    fields = ("rho", "m")

    def __init__(self, kT: float, a: float) -> None:
        if not (kT > 0 and a >= 0):
            raise ValueError(f"kT = {kT}, a = {a}: expected kT > 0 and a >= 0")
        self.kT, self.a = float(kT), float(a)

    def pressure(self, state):
        return self.kT * state["rho"] / (1.0 - self.a * state["rho"])

    def sound_speed_squared(self, state):
        return self.kT / (1.0 - self.a * state["rho"]) ** 2

    def to_dict(self) -> dict:
        return {"closure": "TonksPressure", "kT": self.kT, "a": self.a}


def bump_profile(cfg: dict) -> tuple[np.ndarray, np.ndarray]:
    """Expected physical density on a fine grid: rods sampled as rho_y in contracted coordinates,
    mapped by x = y + a N F(y) (F the CDF of rho_y/N), so rho_x = rho_y / (1 + a rho_y)."""
    n, L, a = cfg["n"], cfg["ring"], cfg["a"]
    lc = L - n * a
    y = np.linspace(0.0, lc, 20001)
    shape = 1.0 + cfg["amplitude"] * np.exp(-0.5 * ((y - 0.5 * lc) / cfg["width"]) ** 2)
    rho_y = n * shape / np.trapezoid(shape, y)
    cdf = np.concatenate([[0.0], np.cumsum(0.5 * (rho_y[1:] + rho_y[:-1]) * np.diff(y))]) / n
    x = y + a * n * cdf
    return x, rho_y / (1.0 + a * rho_y)


@lru_cache(maxsize=4)
def _ring_potential(v0: float, xi: float, ring: float, dx: float) -> np.ndarray:
    return ring_table(v0, xi, ring, PHI6, dx)


def md_realisation(cfg: dict, seed: int, times: np.ndarray, edges: np.ndarray,
                   antithetic: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """(density, momentum density) histograms at the sample times for one realisation; antithetic: the
    same positions with the velocities reversed."""
    n, L, a = cfg["n"], cfg["ring"], cfg["a"]
    rng = np.random.default_rng(seed)
    lc = L - n * a
    yy = np.linspace(0.0, lc, 20001)
    shape = 1.0 + cfg["amplitude"] * np.exp(-0.5 * ((yy - 0.5 * lc) / cfg["width"]) ** 2)
    cdf = np.cumsum(shape)
    cdf /= cdf[-1]
    y = np.sort(np.interp(rng.random(n), cdf, yy))
    u = rng.normal(0.0, math.sqrt(1.0 / cfg["beta"]), n)
    u -= u.mean()                                               # zero total momentum, as the Euler state
    if antithetic:
        u = -u
    dx = 0.05
    tab = _ring_potential(cfg["v0"], cfg["xi"], L, dx)
    f = np.empty(n)
    forces(y, a, tab, dx, L, f)
    work = work_array(n)
    width = edges[1] - edges[0]
    rho_t, mom_t = [], []
    t = 0.0
    for target in times:
        while t < target - 1e-12:
            h = min(cfg["dt"], target - t)
            step(y, u, f, h, a, tab, dx, L, work)
            t += h
        x = np.mod(y + a * np.arange(n), L)
        rho_t.append(np.histogram(x, edges)[0] / width)
        mom_t.append(np.histogram(x, edges, weights=u)[0] / width)
    return np.array(rho_t), np.array(mom_t)


def md_pair_sample(cfg: dict, pair: int, times: np.ndarray, edges: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """One variance-reduced sample: antithetic pair, mirror-symmetrised (density even, momentum odd)."""
    seed = cfg["seed"] * 100003 + pair
    r1, m1 = md_realisation(cfg, seed, times, edges)
    r2, m2 = md_realisation(cfg, seed, times, edges, antithetic=True)
    rho, mom = 0.5 * (r1 + r2), 0.5 * (m1 + m2)
    return 0.5 * (rho + rho[:, ::-1]), 0.5 * (mom - mom[:, ::-1])


# --- closures measured by thermostatted MD (fitted once, saved, reused) -------------------------------

def _md_system(cfg: dict) -> dict:
    keys = ("n", "ring", "a", "v0", "xi", "beta", "eos_densities", "eos_temperatures", "eos_equilibrate",
            "eos_time", "gr_runs")
    return {k: cfg[k] for k in keys}


def _eos_densities(cfg: dict) -> np.ndarray:
    """Densities of the equation-of-state runs: rings of N rods with L a multiple of 0.1 (table spacing)."""
    xs, rho = bump_profile(cfg)
    lo, hi = 0.75 * rho.min(), min(1.15 * rho.max(), 0.9 / cfg["a"] if cfg["a"] > 0 else np.inf)
    rings = np.round(cfg["n"] / np.linspace(lo, hi, cfg["eos_densities"]), 1)
    return cfg["n"] / rings


def md_closures(cfg: dict, out: Path, comm) -> tuple[PressureClosure, PairCorrelation, dict]:
    """The MD equation of state p(rho, kT) (kinetic + virial + contact, over eos_densities x eos_temperatures
    times the demo's kT; its isothermal MeasuredPressure at kT is the md_pressure rung) and the MD h(r) at
    rho_bar; loaded from out if they were fitted for the same system, else measured with Andersen MD over
    the ranks and saved."""
    system = _md_system(cfg)
    kT = 1.0 / cfg["beta"]
    p_path, h_path = out / "md_equation_of_state.json", out / "md_pair_correlation.json"
    if p_path.exists() and h_path.exists():
        eos, h = load_closure(p_path), load_pair_correlation(h_path)
        if eos.provenance.get("system") == system and h.provenance.get("system") == system:
            return eos.at_temperature(kT), h, {"reused": True, "md_equation_of_state": eos.to_dict()}
    rho_bar = cfg["n"] / cfg["ring"]
    states = [(float(d), kT * f) for d in _eos_densities(cfg) for f in cfg["eos_temperatures"]]
    tasks = [("eos", d, t, 11 + k) for k, (d, t) in enumerate(states)]
    tasks += [("gr", rho_bar, kT, 101 + k) for k in range(cfg["gr_runs"])]
    t0 = time.perf_counter()
    local = []
    for kind, dens, temp, seed in tasks[comm.rank::comm.size]:
        s = sample_canonical(cfg["n"], round(cfg["n"] / dens, 1), cfg["a"], 1.0 / temp, cfg["v0"], cfg["xi"],
                             PHI6, t_equilibrate=cfg["eos_equilibrate"], t_sample=cfg["eos_time"], sample_interval=2.0,
                             r_max=80.0, nbins=160, seed=seed)
        local.append((kind, s))
    done = [x for part in comm.allgather(local) for x in part]
    runs = [s for kind, s in done if kind == "eos"]
    grs = [s for kind, s in done if kind == "gr"]
    rho = np.array([s.density for s in runs])
    temp = np.array([1.0 / s.beta for s in runs])                 # thermostat temperature
    p_md = np.array([s.pressure for s in runs])
    prov = {"system": system, "source": "Andersen-thermostatted hard-rod MD (particles.hard_rods.thermostat)",
            "rho": rho.tolist(), "kT": temp.tolist(), "p_md": p_md.tolist(),
            "measured_temperature": [s.temperature for s in runs]}
    eos = fit_equation_of_state(rho, temp, p_md, degree_rho=3, degree_kT=min(2, len(cfg["eos_temperatures"]) - 1),
                                provenance=prov)
    eos.units = "rho: 1/length (1D); kT: energy; p: rho velocity^2 (m = 1)"
    pressure = eos.at_temperature(kT)
    g = np.array([s.g for s in grs])
    h = from_md(grs[0].r, g.mean(0), rho_bar,
                {"system": system, "runs": len(grs), "t_sample": cfg["eos_time"], "thermostat": "Andersen 0.2",
                 "max_standard_error": float(np.max(g.std(0, ddof=1) / math.sqrt(len(grs))))},
                extrapolate=True)
    if comm.rank == 0:
        out.mkdir(parents=True, exist_ok=True)
        save_closure(p_path, eos)
        h.save(h_path)
    return pressure, h, {"reused": False, "seconds": time.perf_counter() - t0,
                         "md_equation_of_state": eos.to_dict()}


# --- continuum rungs -------------------------------------------------------------------------------------

def correlation_closure(cfg: dict, name: str, md_h: PairCorrelation | None) -> PairCorrelation | None:
    """h of the rung (None: mean field only); every h is that of rho_bar, applied with extrapolate=True."""
    a, L, rho_bar = cfg["a"], cfg["ring"], cfg["n"] / cfg["ring"]
    beta_u = lambda r: cfg["beta"] * potential(r, cfg["v0"], cfg["xi"], PHI6)  # noqa: E731
    if name in ("mean_field", "md_pressure"):
        return None
    if name == "weak_coupling":
        return weak_coupling(beta_u, 0.5 * L)
    if name in ("hnc", "py"):
        sol = solve_oz_1d(beta_u, density=rho_bar, closure=name, hard_core=a, r_max=0.5 * L, n=2**15)
        return from_oz(sol, extrapolate=True)
    if name == "gbbgky":
        return thermal_gbbgky_closure(a, cfg["v0"], cfg["xi"], PHI6, L, rho_bar, cfg["beta"],
                                      n_theta=61 if a > 0 else 161, extrapolate=True)
    if name == "md_gr":
        return md_h
    raise ValueError(f"rung = {name!r}: expected one of {RUNGS}")


def euler_rung(cfg: dict, name: str, times: np.ndarray, edges: np.ndarray, md_pressure: PressureClosure | None = None,
               md_h: PairCorrelation | None = None) -> tuple[np.ndarray, np.ndarray, str]:
    """(rho, m) averaged over the MD bins at the sample times for one continuum rung, and a status
    ("ok", or why the rung stopped: its values are NaN from then on)."""
    kT, a, L = 1.0 / cfg["beta"], cfg["a"], cfg["ring"]
    if name == "md_pressure":
        closure = md_pressure
    else:
        closure = TonksPressure(kT, a) if a > 0 else Isothermal(kT)
    dphi = lambda s: phi_derivatives(np.ascontiguousarray(s, dtype=float), PHI6)[1]  # noqa: E731
    base = dict(V0=cfg["v0"], xi=cfg["xi"], dphi=dphi, images=1, kernel_name="1/(1+x^6)")
    h = correlation_closure(cfg, name, md_h)
    if name == "md_pressure":
        mf = None                                                  # local equation of state (module doc)
    elif h is None:
        mf = ConvolutionMeanField1D(**base)
    else:
        mf = CorrelatedConvolutionMeanField1D(**base, pair_correlation=h)
    pm = periodic_interval(MPI.COMM_SELF, cfg["cells"], L)
    solver = EulerSolver(EulerSystem(1, closure, mean_field=mf), pm.mesh, degree=1)
    xs, rho_x = bump_profile(cfg)
    solver.set_state(lambda x: np.interp(x[0], xs, rho_x), lambda x: 0.0 * x[0])
    width = edges[1] - edges[0]
    pts = (edges[:-1, None] + width * (np.arange(SUBSAMPLES) + 0.5) / SUBSAMPLES).ravel()[:, None]
    rho_t = np.full((len(times), len(edges) - 1), np.nan)
    m_t = np.full_like(rho_t, np.nan)
    status = "ok"
    for k, target in enumerate(times):
        solver.run(target)
        st = solver.system.state(solver.U)
        rho = sample(st["rho"], pts, pm.mesh).reshape(-1, SUBSAMPLES).mean(1)
        try:
            for c in (h, closure):
                if hasattr(c, "check_range"):
                    c.check_range(rho)
        except ValueError as err:
            status = f"stopped at t = {target:g}: {err}"
            break
        rho_t[k] = rho
        m_t[k] = sample(st["m"][0], pts, pm.mesh).reshape(-1, SUBSAMPLES).mean(1)
    return rho_t, m_t, status


# --- errors ------------------------------------------------------------------------------------------------

def rung_errors(euler: np.ndarray, reference: np.ndarray, samples: np.ndarray, scale: float,
                baseline: np.ndarray) -> dict:
    """Relative L2 error of one rung against the MD mean (per time), bias-corrected error, and the paired
    difference err^2 - err_baseline^2 with its standard error (module doc). samples: (P, T, bins)."""
    se2 = np.sum(samples.var(0, ddof=1), axis=1) / len(samples)
    err2 = np.sum((euler - reference) ** 2, axis=1)
    diff = euler - baseline
    d = np.sum(diff * (euler + baseline - 2 * reference), axis=1)
    proj = np.einsum("tb,ptb->pt", diff, samples)
    d_se = 2.0 * proj.std(0, ddof=1) / math.sqrt(len(samples))
    verdict = np.where(np.isnan(d), "stopped", np.where(d < -2 * d_se, "reduces",
                                                         np.where(d > 2 * d_se, "increases", "unresolved")))
    nan_list = lambda v: [None if not np.isfinite(x) else float(x) for x in v]  # noqa: E731
    return {"relative_l2_error": nan_list(np.sqrt(err2) / scale),
            "bias_corrected_error": nan_list(np.sqrt(np.maximum(err2 - se2, 0.0)) / scale),
            "err2_minus_mean_field_err2": nan_list(d / scale**2),
            "its_standard_error": nan_list(d_se / scale**2),
            "vs_mean_field": verdict.tolist()}


def run(cfg: dict, out: Path) -> dict:
    comm = MPI.COMM_WORLD
    t0 = time.perf_counter()
    times = np.linspace(0.0, cfg["t_end"], cfg["samples"])
    edges = np.linspace(0.0, cfg["ring"], cfg["bins"] + 1)
    centres = 0.5 * (edges[1:] + edges[:-1])
    md_pressure, md_h, closure_info = md_closures(cfg, out, comm)
    t_closures = time.perf_counter() - t0
    local = [md_pair_sample(cfg, p, times, edges) for p in range(comm.rank, cfg["pairs"], comm.size)]
    allp = [x for part in comm.allgather(local) for x in part]
    rho_md = np.array([r for r, _ in allp])                     # (P, T, bins)
    mom_md = np.array([m for _, m in allp])
    md = {"rho": rho_md.mean(0), "m": mom_md.mean(0), "rho_se": rho_md.std(0, ddof=1) / math.sqrt(len(allp)),
          "m_se": mom_md.std(0, ddof=1) / math.sqrt(len(allp))}
    t_md = time.perf_counter() - t0 - t_closures
    mine = {name: euler_rung(cfg, name, times, edges, md_pressure, md_h) for name in RUNGS[comm.rank::comm.size]}
    rungs = {k: v for part in comm.allgather(mine) for k, v in part.items()}
    rungs = {name: rungs[name] for name in RUNGS}
    dev = np.sqrt(np.sum((md["rho"][0] - cfg["n"] / cfg["ring"]) ** 2))    # size of the initial bump
    mscale = np.sqrt(np.sum(md["m"] ** 2, axis=1)).max()
    base_rho, base_m = rungs["mean_field"][0], rungs["mean_field"][1]
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
                  for name, (r, m, status) in rungs.items()},
        "timings_s": {"md_closures": t_closures, "md_ensemble": t_md, "total": time.perf_counter() - t0}}
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
              f"m {_fmt(summary['md_sampling_error']['m'])}; {summary['timings_s']}", file=sys.stderr)
    return summary


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
                            color="0.8", label="MD (2 SE)")
            a_.plot(centres, md[key][k], "k-", lw=1)
            for j, (name, (r, m, _)) in enumerate(rungs.items()):
                a_.plot(centres, (r if key == "rho" else m)[k], f"C{j}-", lw=1, label=f"Euler: {name}")
            a_.set_title(f"{'density' if key == 'rho' else 'momentum density'} at t = {times[k]:.0f}")
            a_.set_xlabel("x")
    ax[0, 0].legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(out / "profiles.png", dpi=100)
    plt.close(fig)
    fig, axes = plt.subplots(1, 2, figsize=(11, 4))
    for a_, key, label in ((axes[0], "rho", "density"), (axes[1], "m", "momentum")):
        for j, name in enumerate(rungs):
            err = np.array(summary["rungs"][name][key]["relative_l2_error"][1:], dtype=float)
            a_.plot(times[1:], err, f"C{j}o-", label=name)
        a_.plot(times[1:], summary["md_sampling_error"][key][1:], "k:", label="MD sampling error")
        a_.set_xlabel("t")
        a_.set_ylabel(f"relative L2 {label} error vs MD")
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
