"""Kinetic blocking measured with hard-rod MD (docs/theory.md §5): relaxation rate ~ (a V0)^2 for a = 1
(5.21), ~ V0^4 for a = 0 (the (5.21) kernel vanishes; three-particle processes remain).

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

Measured results: docs/validation.md, "Kinetic blocking in hard rods".
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
