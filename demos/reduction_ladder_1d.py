"""The 1D reduction ladder: particles -> correlation closures -> Euler, with the error of each rung.

System (THEORY.md sections 1 and 5; the seed's gas): N rods (length a = 0 or 1) on a ring of length L with
V(x) = (V0/xi) phi(x/xi), phi = 1/(1+x^6), at inverse temperature beta, started from a Gaussian density
bump on the uniform background with Maxwellian velocities (kT = 1/beta, m = 1).

Rungs:
* MD ensemble average (truth; exact hard-core collisions, particles.hard_rods.md), with standard errors;
* Euler with mean field only (the Vlasov closure) and the equation of state of the free gas
  (isothermal p = rho kT, or the Tonks gas p = rho kT / (1 - a rho) for rods);
* Euler + correlation source C = rho ((F h) * rho) with h from weak coupling (h = -beta V) and from
  Ornstein-Zernike with HNC (closures.ornstein_zernike, hard core a).
Output in --out: summary.json (L2 error of each rung against MD at every sample time, relative to the
initial bump's L2 size for the density and to the largest MD momentum profile for the momentum, and the MD
sampling error in the same norms), profiles.png, errors.png.

    python -m demos.reduction_ladder_1d --out out/ladder [--quick]      (MD realisations over MPI ranks)
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

import meshes  # noqa: F401
from mpi4py import MPI

from closures.base import PressureClosure
from closures.ideal import Isothermal
from closures.ornstein_zernike import solve_oz_1d
from closures.pair_correlation import from_oz, weak_coupling
from continuum.euler import ConvolutionMeanField1D, CorrelatedConvolutionMeanField1D, EulerSolver, EulerSystem
from continuum.output import sample
from meshes.periodic import periodic_interval
from particles.hard_rods.md import forces, step, work_array
from particles.hard_rods.potential import PHI6, phi_derivatives, potential, ring_table


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


def md_realisation(cfg: dict, seed: int, times: np.ndarray, edges: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(density, momentum density) histograms at the sample times for one realisation."""
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


def euler_rung(cfg: dict, name: str, times: np.ndarray, centres: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(rho, m) at the bin centres and sample times for one continuum rung."""
    kT, a, L = 1.0 / cfg["beta"], cfg["a"], cfg["ring"]
    closure = TonksPressure(kT, a) if a > 0 else Isothermal(kT)
    dphi = lambda s: phi_derivatives(np.ascontiguousarray(s, dtype=float), PHI6)[1]  # noqa: E731
    base = dict(V0=cfg["v0"], xi=cfg["xi"], dphi=dphi, images=1, kernel_name="1/(1+x^6)")
    beta_u = lambda r: cfg["beta"] * potential(r, cfg["v0"], cfg["xi"], PHI6)  # noqa: E731
    if name == "mean_field":
        mf = ConvolutionMeanField1D(**base)
    elif name == "weak_coupling":
        mf = CorrelatedConvolutionMeanField1D(**base, pair_correlation=weak_coupling(beta_u, 0.5 * L))
    elif name == "hnc":
        sol = solve_oz_1d(beta_u, density=cfg["n"] / L, closure="hnc", hard_core=a, r_max=0.5 * L, n=2**15)
        mf = CorrelatedConvolutionMeanField1D(**base, pair_correlation=from_oz(sol))
    else:
        raise ValueError(f"rung = {name!r}")
    pm = periodic_interval(MPI.COMM_SELF, cfg["cells"], L)
    solver = EulerSolver(EulerSystem(1, closure, mean_field=mf), pm.mesh, degree=1)
    xs, rho_x = bump_profile(cfg)
    solver.set_state(lambda x: np.interp(x[0], xs, rho_x), lambda x: 0.0 * x[0])
    pts = centres[:, None]
    rho_t, m_t = [], []
    for target in times:
        solver.run(target)
        st = solver.system.state(solver.U)
        rho_t.append(sample(st["rho"], pts, pm.mesh))
        m_t.append(sample(st["m"][0], pts, pm.mesh))
    return np.array(rho_t), np.array(m_t)


RUNGS = ("mean_field", "weak_coupling", "hnc")


def run(cfg: dict, out: Path) -> dict:
    comm = MPI.COMM_WORLD
    t0 = time.perf_counter()
    times = np.linspace(0.0, cfg["t_end"], cfg["samples"])
    edges = np.linspace(0.0, cfg["ring"], cfg["bins"] + 1)
    centres = 0.5 * (edges[1:] + edges[:-1])
    mine = range(comm.rank, cfg["realisations"], comm.size)
    local = [md_realisation(cfg, cfg["seed"] * 100003 + r, times, edges) for r in mine]
    allr = [x for part in comm.allgather(local) for x in part]
    rho_md = np.array([r for r, _ in allr])                     # (R, T, bins)
    mom_md = np.array([m for _, m in allr])
    md = {"rho": rho_md.mean(0), "m": mom_md.mean(0),
          "rho_se": rho_md.std(0, ddof=1) / math.sqrt(len(allr)), "m_se": mom_md.std(0, ddof=1) / math.sqrt(len(allr))}
    t_md = time.perf_counter() - t0
    rungs = {name: euler_rung(cfg, name, times, centres) for name in RUNGS}
    dev = np.sqrt(np.sum((md["rho"][0] - cfg["n"] / cfg["ring"]) ** 2))    # size of the initial bump
    mscale = np.sqrt(np.sum(md["m"] ** 2, axis=1)).max()

    def rel(a_, b_, scale):
        return (np.sqrt(np.sum((a_ - b_) ** 2, axis=1)) / scale).tolist()

    summary = {"study": "1D reduction ladder (THEORY.md sec. 1, 5): MD vs Euler rungs", "config": cfg,
               "times": times.tolist(), "md_realisations": len(allr),
               "md_sampling_error": {"rho": (np.sqrt(np.sum(md["rho_se"] ** 2, axis=1)) / dev).tolist(),
                                     "m": (np.sqrt(np.sum(md["m_se"] ** 2, axis=1)) / mscale).tolist()},
               "rungs": {name: {"rho_relative_l2_error": rel(r, md["rho"], dev),
                                "m_relative_l2_error": rel(m, md["m"], mscale)} for name, (r, m) in rungs.items()},
               "timings_s": {"md": t_md, "total": time.perf_counter() - t0}}
    if comm.rank == 0:
        out.mkdir(parents=True, exist_ok=True)
        (out / "summary.json").write_text(json.dumps(summary, indent=1))
        plot(summary, centres, md, rungs, out)
        for name in RUNGS:
            e = summary["rungs"][name]
            print(f"[ladder a={cfg['a']}] {name:>13}: density error {np.round(e['rho_relative_l2_error'], 3)}  "
                  f"momentum error {np.round(e['m_relative_l2_error'], 3)}", file=sys.stderr)
        print(f"[ladder a={cfg['a']}] MD sampling error (density) {np.round(summary['md_sampling_error']['rho'], 3)}",
              file=sys.stderr)
    return summary


def plot(summary, centres, md, rungs, out: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    times = summary["times"]
    show = [len(times) // 2, len(times) - 1]
    fig, ax = plt.subplots(2, 2, figsize=(12, 7))
    for col, k in enumerate(show):
        for row, key in enumerate(("rho", "m")):
            a_ = ax[row, col]
            a_.fill_between(centres, md[key][k] - 2 * md[f"{key}_se"][k], md[key][k] + 2 * md[f"{key}_se"][k],
                            color="0.8", label="MD (2 SE)")
            a_.plot(centres, md[key][k], "k-", lw=1)
            for j, (name, (r, m)) in enumerate(rungs.items()):
                a_.plot(centres, (r if key == "rho" else m)[k], f"C{j}-", lw=1, label=f"Euler: {name}")
            a_.set_title(f"{'density' if key == 'rho' else 'momentum density'} at t = {times[k]:.0f}")
            a_.set_xlabel("x")
    ax[0, 0].legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(out / "profiles.png", dpi=110)
    fig, a_ = plt.subplots(figsize=(6, 4))
    for j, name in enumerate(rungs):
        a_.plot(times[1:], summary["rungs"][name]["rho_relative_l2_error"][1:], f"C{j}o-", label=name)
    a_.plot(times[1:], summary["md_sampling_error"]["rho"][1:], "k:", label="MD sampling error")
    a_.set_xlabel("t")
    a_.set_ylabel("relative L2 density error vs MD")
    a_.legend()
    fig.tight_layout()
    fig.savefig(out / "errors.png", dpi=110)


def main(argv=None) -> dict:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--out", type=Path, default=Path("out/reduction_ladder_1d"))
    p.add_argument("--quick", action="store_true", help="fewer realisations, shorter run (CI-sized)")
    p.add_argument("--rod-length", type=float, nargs="*", default=[0.0, 1.0], help="a values (one run each)")
    args = p.parse_args(argv)
    cfg = {"n": 100, "ring": 500.0, "v0": 4.0, "xi": 20.0, "beta": 2.5, "amplitude": 2.0, "width": 25.0,
           "dt": 0.1, "t_end": 40.0 if args.quick else 120.0, "samples": 5 if args.quick else 7,
           "realisations": 96 if args.quick else 800, "bins": 50, "cells": 100, "seed": 1}
    results = {}
    for a in args.rod_length:
        if not 0 <= a < cfg["ring"] / cfg["n"]:
            p.error(f"--rod-length {a}: expected 0 <= a < L/N = {cfg['ring'] / cfg['n']}")
        results[f"a={a:g}"] = run({**cfg, "a": a}, args.out / f"a{a:g}")
    return results


if __name__ == "__main__":
    main()
