"""Kinetic blocking measured with hard-rod MD (THEORY.md section 5): relaxation rate ~ (a V0)^2 for a = 1
(SB.8), ~ V0^4 for a = 0 (the SB.8 kernel vanishes; three-particle processes remain).

Small, fast system in the kinetic regime: N = 20 rods on L = 100 (rho = 0.2), xi = 5, phi = 1/(1+x^6),
boosted initial state (beta = 2.5, theta0 = 1), V0 / xi <= 0.6. For each a and V0 the same R initial states
are evolved (common random numbers: the V0-dependence is resolved better than the ensemble noise), to
t_end = T (V0_ref / V0)^2, so that every run covers a comparable kurtosis change for a = 1 and the
short runs at large V0 still extend well past the transient for a = 0.
Rate: least-squares slope of the pooled kurtosis kappa(t) on [t_end / 5, t_end] (after the correlation
build-up transient); exponent: least-squares slope of log rate against log V0; errors: jackknife over
realisations (the same realisation is left out of every V0 run).

    python -m benchmarks.hard_rods_blocking [--n-real 32] [--t-ref 400] [--a 1 0] [--v0 V ...] [--out DIR]

(runs of the same a, V0, realisation count and run length share checkpoints in --out, so --v0 with a subset of
a finished series only refits.)

Measured: a = 1 (--n-real 128 --t-ref 300 --a 1, 51 s on an idle machine): exponent 2.09 +- 0.41
(rates 8.2e-5, 2.3e-4, 3.5e-4 per unit time at V0 = 0.5, 0.71, 1; with 48 realisations 2.64 +- 0.57).
a = 0 (48 realisations): 1.02 +- 0.88 with the V0^-2 run lengths, 2.26 +- 1.17 with V0^-4 lengths (largest V0
inside its transient). a = 1 with 512 realisations (3 min 36 s, 2 threads) V0 = 0.5, 0.71, 1 give 1.66 +- 0.18 (rates 1.12e-4,
2.09e-4, 3.53e-4): in t V0^2 the slope still falls with V0 (4.5e-4, 3.9e-4, 3.3e-4 per unit t V0^2), a
higher-order correction. Weaker coupling, the default series now (--n-real 512 --t-ref 1200 --a 1,
12 min with 2 threads): V0 = 0.25, 0.35, 0.5, rates 3.13e-5, 5.54e-5, 1.12e-4, exponent 1.84 +- 0.14,
within 0.3 of 2 and moving towards 2 as V0 -> 0. Energy error 2-3e-7 at h = 0.1 for this xi = 5 potential.
a = 0 needs V0 / xi well below the in-beam temperature 1/(2 beta) = 0.2 (at V0 = 1..2.8 the exponent was 1-2.9).
V0 = 0.5, 0.71, 1 with V0^-4 run lengths and 256 realisations (t_end = 24000 at V0 = 0.5; 71 min on 2 shared
cores) gave rates 1.50e-5, 5.50e-5, 1.87e-4 (+-7-10%), exponent 3.64 +- 0.17. The default series adds
V0 = 0.35 (t_end = 1.0e5; ~40 min on 2 shared cores per 64 realisations): --n-real 192 --a 0 gives
rates 3.46e-6, 1.42e-5, 5.95e-5, 1.84e-4 (+-9-11%) and an exponent of 3.82 +- 0.13, within 0.3 of 4; the
weaker-coupling three V0 = 0.35..0.71 give 4.02 +- 0.18, the stronger three 0.5..1 3.70 +- 0.20: the V0^4 law
is approached as V0 -> 0 (128 realisations: 3.83 +- 0.15). Energy error <= 2e-6.
This system is not a gBBGKY test: at a = 1, V0 = 0.25 the SB.1 + collective solution (72 x 40 grid, converged in
theta) changes the kurtosis 2.9-3.3x faster than this MD over t = 0..4800; xi = 5 equals the mean spacing,
presumably too short for the hydrodynamic propagator of the correlations.
"""
import argparse
import os
import time

import numpy as np

from hydrobridge.particles.hard_rods import ensemble as ens
from hydrobridge.particles.hard_rods.observables import jackknife, kurtosis_from_moments
from hydrobridge.particles.hard_rods.potential import PHI6

# (a, expected exponent, V0 values, reference V0 at which the run lasts t_ref, run length ~ V0^-power, t_ref)
SERIES: tuple[tuple[float, float, tuple[float, ...], float, float, float], ...] = (
    (1.0, 2.0, (0.25, 0.35, 0.5), 0.5, 2.0, 1200.0),  # V0 <= 0.5: at 0.5..1 the O(V0^3) terms bend the law
    (0.0, 4.0, (0.35, 0.5, 0.71, 1.0), 1.0, 4.0, 1500.0),   # V0 / xi <= 0.2: below the in-beam temperature 0.2
)
N_SAMPLES = 10


def exponent_and_rates(moments: np.ndarray, times: np.ndarray, v0: np.ndarray) -> np.ndarray:
    """[exponent, rate_1, ..., rate_K] from ensemble raw moments (K, S, 4) sampled at times (K, S)."""
    kappa = kurtosis_from_moments(moments)
    rates = np.empty(v0.size)
    for i in range(v0.size):
        sel = times[i] >= times[i, -1] / 5.0
        rates[i] = np.polyfit(times[i, sel], kappa[i, sel], 1)[0]
    expo = np.polyfit(np.log(v0), np.log(np.abs(rates)), 1)[0]
    return np.concatenate([[expo], rates])


def run_series(a: float, expected: float, v0s: tuple[float, ...], v0_ref: float, power: float, n_real: int,
               t_ref: float, h: float, out: str) -> dict:
    """MD runs of one series; returns exponent, rates and their jackknife errors."""
    per_real, times = [], []
    for v0 in v0s:
        sys = ens.RodSystem(n=20, ring=100.0, xi=5.0, a=a, v0=v0, kind=PHI6, h=h)
        t_end = t_ref * (v0_ref / v0) ** power
        t0 = time.perf_counter()
        res = ens.run_ensemble(sys, n_real, 11, t_end, N_SAMPLES, np.linspace(-4.0, 4.0, 9),
                               checkpoint=os.path.join(out, f"blocking_a{a:g}_V{v0:g}_R{n_real}_T{t_end:.0f}_h{h:g}"))
        energy = res["obs"][:, :, 4] + res["obs"][:, :, 5]
        print(f"  a={a:g} V0={v0:g}: t_end={t_end:.0f}, wall {time.perf_counter() - t0:.0f}s, energy rel. err "
              f"{np.abs(energy - energy[:, :1]).max() / np.abs(energy[:, 0]).min():.1e}", flush=True)
        per_real.append(res["obs"][:, :, :4])
        times.append(res["times"])
    per_real = np.stack(per_real, axis=1)          # (R, K, S, 4)
    times = np.array(times)
    v0 = np.array(v0s)
    value, err = jackknife(per_real, lambda m: exponent_and_rates(m, times, v0))
    return {"a": a, "expected": expected, "v0": v0, "exponent": value[0], "exponent_err": err[0],
            "rates": value[1:], "rates_err": err[1:]}


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--n-real", type=int, default=32)
    p.add_argument("--t-ref", type=float, help="run length at the reference V0 (default: the series' own)")
    p.add_argument("--h", type=float, default=0.1)
    p.add_argument("--a", type=float, nargs="+", default=[s[0] for s in SERIES], help="series to run")
    p.add_argument("--v0", type=float, nargs="+", help="V0 values instead of the series' own (same run-length "
                   "law, so runs of a subset reuse the series' checkpoints)")
    p.add_argument("--out", default="out/hard_rods_blocking", help="checkpoint directory")
    args = p.parse_args(argv)
    if args.v0 is not None and (len(args.v0) < 2 or min(args.v0) <= 0):
        p.error(f"--v0 {args.v0}: expected at least two positive values")
    os.makedirs(args.out, exist_ok=True)
    for a, expected, v0s, v0_ref, power, t_ref in (s for s in SERIES if s[0] in args.a):
        if args.v0 is not None:
            v0s = tuple(sorted(args.v0))
        t_ref = t_ref if args.t_ref is None else args.t_ref
        res = run_series(a, expected, v0s, v0_ref, power, args.n_real, t_ref, args.h, args.out)
        rates = ", ".join(f"V0={v:g}: {r:.2e}+-{e:.1e}" for v, r, e in zip(res["v0"], res["rates"], res["rates_err"]))
        ok = abs(res["exponent"] - res["expected"]) <= 0.3
        print(f"a={res['a']:g}: d kappa/dt {rates}", flush=True)
        print(f"a={res['a']:g}: fitted exponent {res['exponent']:.2f} +- {res['exponent_err']:.2f} "
              f"(expected {res['expected']:g}; within 0.3: {ok})", flush=True)


if __name__ == "__main__":
    main()
