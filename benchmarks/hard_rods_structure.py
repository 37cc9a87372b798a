"""Equilibrium g(r) of hard rods + long-range potential: Monte Carlo against OZ with HNC and PY (issue 6).

Seed figure-2 system: a = 1, xi = 20, beta = 2.5, density 0.2, N = 100 on a ring of 500, potentials
phi = 1/(1+x^6) with V0 = 4 and 1/(1+|x|^3) with V0 = 8. Prints max and mean |g_OZ - g_MC| (r > 1.5) with
the MC standard error from independent chains, and g at a few separations.

    NUMBA_NUM_THREADS=1 .venv/bin/python benchmarks/hard_rods_structure.py [--chains 8] [--sweeps 20000]
"""

from __future__ import annotations

import argparse

import numpy as np

from closures.ornstein_zernike import solve_oz_1d
from particles.hard_rods.equilibrium import sample_pair_correlation
from particles.hard_rods.potential import PHI3, PHI6, potential


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--chains", type=int, default=8)
    p.add_argument("--sweeps", type=int, default=20000)
    args = p.parse_args()
    beta, xi, a, rho = 2.5, 20.0, 1.0, 0.2
    for name, kind, v0 in (("1/(1+x^6)", PHI6, 4.0), ("1/(1+|x|^3)", PHI3, 8.0)):
        runs = [sample_pair_correlation(100, 500.0, a, beta, v0, xi, kind, r_max=80.0, nbins=160,
                                        sweeps=args.sweeps, seed=11 + 7 * c) for c in range(args.chains)]
        r = runs[0][0]
        g = np.array([run[1] for run in runs])
        g_mc, se = g.mean(axis=0), g.std(axis=0, ddof=1) / np.sqrt(len(runs))
        m = r > 1.5
        print(f"phi = {name}, V0 = {v0}: MC over {len(runs)} chains x {args.sweeps} sweeps, "
              f"median standard error {np.median(se[m]):.4f}")
        for closure in ("hnc", "py"):
            sol = solve_oz_1d(lambda s: beta * potential(s, v0, xi, kind), density=rho, closure=closure,
                              hard_core=a, r_max=400.0, n=2**17)
            g_oz = np.interp(r, sol.r, sol.g)
            d = np.abs(g_oz - g_mc)[m]
            print(f"  {closure.upper():>3}: max |dg| = {d.max():.4f}, mean |dg| = {d.mean():.4f}, "
                  f"fraction within 3 SE + 1/N: {np.mean(d < 3 * se[m] + 0.01):.2f};  "
                  f"g(2, 10, 30) = {np.round(np.interp([2, 10, 30], r, g_oz), 4)} "
                  f"(MC {np.round(np.interp([2, 10, 30], r, g_mc), 4)})")


if __name__ == "__main__":
    main()
