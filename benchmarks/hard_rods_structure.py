"""Equilibrium g(r) of hard rods + long-range potential: MD (Andersen thermostat) and Monte Carlo against
OZ with HNC and PY (docs/theory.md (1.14)-(1.17), (5.25)-(5.26)).

The figure-2 system of Biagetti et al. (arXiv:2408.00593; docs/theory.md (5.24)): a = 1, xi = 20, beta = 2.5,
density 0.2, N = 100 on a ring of 500, potentials phi = 1/(1+x^6) with V0 = 4 and 1/(1+|x|^3) with V0 = 8.
The MD g(r) is sampled by the real hard-rod MD
with Andersen velocity resampling (hydrobridge.particles.hard_rods.thermostat; the NVE gas is near-integrable and does
not thermalise in affordable time); the MC g(r) by hydrobridge.particles.hard_rods.equilibrium. Both are canonical at
N = 100, so g -> 1 - S(0)/N at large r; the OZ columns are shown raw (thermodynamic limit) and with that
leading finite-N (Lebowitz-Percus) shift, S(0) = 1/(1 - rho c^(0)) from the same OZ solution.
Prints max and mean |dg| over 1.5 < r < 80 with the MD and MC standard errors from independent runs, and
the MD-measured pressure (kinetic + virial + contact).

    NUMBA_NUM_THREADS=1 python benchmarks/hard_rods_structure.py [--md-runs 4] [--md-time 4000]
        [--chains 8] [--sweeps 20000] [--potential x6|x3]

Measured results: docs/validation.md, "Equilibrium structure of hard rods".
"""

from __future__ import annotations

import argparse

import numpy as np

from hydrobridge.closures.ornstein_zernike import solve_oz_1d
from hydrobridge.particles.hard_rods.equilibrium import sample_pair_correlation
from hydrobridge.particles.hard_rods.potential import PHI3, PHI6, potential
from hydrobridge.particles.hard_rods.thermostat import sample_canonical

SYSTEMS = {"x6": ("1/(1+x^6)", PHI6, 4.0), "x3": ("1/(1+|x|^3)", PHI3, 8.0)}


def mean_and_error(samples: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    return samples.mean(axis=0), samples.std(axis=0, ddof=1) / np.sqrt(len(samples))


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--md-runs", type=int, default=4)
    p.add_argument("--md-time", type=float, default=4000.0)
    p.add_argument("--chains", type=int, default=8)
    p.add_argument("--sweeps", type=int, default=20000)
    p.add_argument("--potential", choices=sorted(SYSTEMS), nargs="*", default=["x6", "x3"])
    args = p.parse_args()
    beta, xi, a, rho, n, ring = 2.5, 20.0, 1.0, 0.2, 100, 500.0
    for key in args.potential:
        name, kind, v0 = SYSTEMS[key]
        md = [sample_canonical(n, ring, a, beta, v0, xi, kind, t_equilibrate=200.0, t_sample=args.md_time,
                               sample_interval=2.0, r_max=80.0, nbins=160, seed=101 + 13 * c)
              for c in range(args.md_runs)]
        r = md[0].r
        g_md, se_md = mean_and_error(np.array([s.g for s in md]))
        p_md, p_se = mean_and_error(np.array([s.pressure for s in md]))
        mc = [sample_pair_correlation(n, ring, a, beta, v0, xi, kind, r_max=80.0, nbins=160,
                                      sweeps=args.sweeps, seed=11 + 7 * c) for c in range(args.chains)]
        g_mc, se_mc = mean_and_error(np.array([run[1] for run in mc]))
        m = r > 1.5
        d = np.abs(g_md - g_mc)[m]
        print(f"phi = {name}, V0 = {v0}: MD {args.md_runs} runs x t = {args.md_time:g} (Andersen nu = 0.2), "
              f"median SE {np.median(se_md[m]):.4f}; MC {args.chains} chains x {args.sweeps} sweeps, median SE "
              f"{np.median(se_mc[m]):.4f}; MD pressure {p_md:.5f} +- {p_se:.5f}")
        print(f"   MD vs MC: max |dg| = {d.max():.4f}, mean |dg| = {d.mean():.4f}, "
              f"fraction within 3 combined SE: {np.mean(d < 3 * np.hypot(se_md, se_mc)[m]):.2f}")
        for closure in ("hnc", "py"):
            sol = solve_oz_1d(lambda s: beta * potential(s, v0, xi, kind), density=rho, closure=closure,
                              hard_core=a, r_max=400.0, n=2**17)
            dr = sol.r[1] - sol.r[0]
            s0 = 1.0 / (1.0 - rho * (2.0 * np.sum(sol.c) - sol.c[0]) * dr)
            g_oz = np.interp(r, sol.r, sol.g)
            for label, shift in (("raw", 0.0), (f"- S(0)/N = {s0 / n:.4f}", s0 / n)):
                for ref, g_ref, se in (("MD", g_md, se_md), ("MC", g_mc, se_mc)):
                    dd = np.abs(g_oz - shift - g_ref)[m]
                    print(f"   {closure.upper():>3} {label:>20} vs {ref}: max |dg| = {dd.max():.4f}, "
                          f"mean |dg| = {dd.mean():.4f}, fraction within 3 SE: {np.mean(dd < 3 * se[m]):.2f}")
            at = [2, 10, 30]
            print(f"   {closure.upper():>3} g(2, 10, 30) = {np.round(np.interp(at, r, g_oz), 4)} "
                  f"(MD {np.round(np.interp(at, r, g_md), 4)}, MC {np.round(np.interp(at, r, g_mc), 4)})")


if __name__ == "__main__":
    main()
