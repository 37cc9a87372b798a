"""Kinetic blocking in the 1D HMF model (docs/theory.md (6.17)-(6.20)).

After Fouvry, "Kinetic blocking and 1/N^2 kinetic theory" (slides, WPI 2022).

    python -m hydrobridge.demos.kinetic_blocking --out out/kinetic_blocking [--quick]
    mpiexec -n 2 python -m hydrobridge.demos.kinetic_blocking ...     (realisations split over the ranks)

1. The 1D homogeneous 1/N Balescu-Lenard flux vanishes identically (local resonance v' = v): for a
   non-Maxwellian f the flux at sigma = 0 is exactly zero and, with the resonance delta(v - v') widened to
   width sigma, it is O(sigma^2) -> 0.
2. Blocked: homogeneous HMF states (theta uniform, smooth non-Maxwellian f(p) ~ exp(-p^4/4s^4), <p^2> = 0.6,
   Vlasov stable, eps(omega = 0) = 0.62) evolve only through 1/N^2 effects: tau ~ N^2 expected.
3. Unblocked: the magnetised stationary Vlasov state F(e) ~ (e0 - e)_+^2 (M = 0.5, e0 = 1.055 > M: librating
   and circulating orbits, so the orbital frequency is non-monotonic across the separatrix and non-local
   resonances exist): 1/N Balescu-Lenard relaxation, tau ~ N expected.

Relaxation observable (both systems): the momentum kurtosis K = <p^4>/<p^2>^2, 3 in the Boltzmann equilibrium
of either state (Gaussian in p), 2.19 (blocked) / 2.43 (unblocked) initially. Per realisation r the change
K_r(t) - K_r(t_ref) is taken (the frozen sampling noise of K_r cancels), averaged over realisations and over
a running window of --window records; t_f is the first time it reaches f (3 - <K(t_ref)>), and
tau = geometric mean over --fractions of t_f - t_ref. In the asymptotic regime the kinetic equation
(1/N^2 Landau, resp. 1/N Balescu-Lenard) depends on N only through t/N^2, resp. t/N, so every fraction scales
alike; averaging over fractions reduces the noise. Errors: bootstrap over realisations.

Choice of t_ref, fractions and N (physical criteria, not fits):
* t_ref = 100 (about 15 plasma periods 2 pi / omega_p, omega_p^2 = 1/2, and 11 libration periods 2 pi/sqrt(M)):
  the i.i.d. initial sampling first builds the O(1/N) pair correlations ("dressing"); the kinetic equations
  describe the evolution after that. The dressing changes K by ~0.04 (128/N) (measured), so fractions
  >= 0.25 (Delta K >= 0.2) keep it below 10 % of the signal for N >= 256.
* N >= 256 for the homogeneous state: the kinetic expansion needs a weak fluctuating field. The 1/N theory
  predicts N <|M|^2> = int f / |eps_1|^2 = 2.61 for this f (printed; the flat top has weakly damped modes,
  min |eps_1| = 0.49), so rms |M| <= 0.1 needs N ~ 260 (256 on the sqrt(2) ladder). Below N ~ 256 the
  relaxation is not 1/N^2-controlled (measured rms |M| and local exponents: docs/validation.md).
* tau >= 10 t_ref in every run (printed) so that relaxation is slow compared with the dynamical times.

--quick: N = 362, 512, 724 (blocked: the sizes whose curves collapse in the default run) and 256, 512, 1024
(unblocked), 32 realisations.
Default: N = 256 ... 1024 and 256 ... 2048, 64 realisations.

Measured results: docs/validation.md, "Kinetic blocking in the HMF model".
Writes kinetic_blocking.png (kurtosis change against t/N^2 and t/N: collapse; tau(N)) and summary.json into --out.
"""

import argparse
import json
import os
import time

import numpy as np

from hydrobridge.particles.kinetic.hmf import (
    balescu_lenard_flux_1d,
    hmf_dielectric,
    hmf_ensemble,
    homogeneous_quartic,
    magnetisation_fluctuation,
    polytrope,
)
from hydrobridge.particles.kinetic.relaxation import (bootstrap_relaxation_times, kurtosis_change, relaxation_time,
                                                     size_exponent)

TEMPERATURE = 0.6
MAGNETISATION, POLYTROPE_INDEX = 0.5, 2.0


def _comm():
    try:
        from mpi4py import MPI
    except ImportError:
        return None
    return MPI.COMM_WORLD if MPI.COMM_WORLD.Get_size() > 1 else None


def blocked_initial_f(v: np.ndarray) -> np.ndarray:
    """f(p) ~ exp(-p^4/4s^4) with <p^2> = TEMPERATURE (<p^2> = 0.676 s^2), normalised on the uniform grid v."""
    s4 = (TEMPERATURE / 0.6759782400677737) ** 2
    f = np.exp(-v**4 / (4 * s4))
    return f / (f.sum() * (v[1] - v[0]))


def flux_table() -> dict:
    """1D homogeneous Balescu-Lenard flux of the blocked initial state, dressed by its own HMF dielectric
    function: weight(v) = sum_(k = +-1) |psi_k|^2 / |eps_k(k v)|^2 = 1 / (2 |eps_1(v)|^2)."""
    v = np.linspace(-6, 6, 1201)
    f = blocked_initial_f(v)
    weight = 0.5 / np.abs(hmf_dielectric(f, v)) ** 2
    sigmas = np.array([0.2, 0.1, 0.05, 0.025])
    peaks = np.array([np.abs(balescu_lenard_flux_1d(f, v, s, weight))[200:-200].max() for s in sigmas])
    exact = np.abs(balescu_lenard_flux_1d(f, v, 0.0, weight)).max()
    order = float(np.polyfit(np.log(sigmas), np.log(peaks), 1)[0])
    print("1D homogeneous Balescu-Lenard flux of the blocked initial state, resonance delta(v - v') widened to sigma:")
    print(f"  |eps_1| ranges over [{np.abs(hmf_dielectric(f, v)).min():.2f}, {np.abs(hmf_dielectric(f, v)).max():.2f}]")
    for s, j in zip(sigmas, peaks):
        print(f"  sigma = {s:5.3f}   max |J| = {j:.3e}")
    print(f"  fitted order in sigma: {order:.2f};  sigma = 0 (exact resonance v' = v): max |J| = {exact:.1e}")
    return {"sigma": sigmas.tolist(), "max_flux": peaks.tolist(), "order": order, "exact_resonance_max_flux": exact}


def run_system(name: str, sample, sizes: list[int], realisations: int, dt: float, record_time: float,
               chunk_records: int, t_max: float, fractions: tuple[float, ...], window: int, t_ref: float, comm) -> dict:
    every = round(record_time / dt)
    reference = round(t_ref / record_time)
    chunk = every * chunk_records
    max_steps = chunk * int(np.ceil(t_max / (chunk * dt)))
    rank = 0 if comm is None else comm.Get_rank()
    out = {"sizes": sizes, "tau": [], "records_time": [], "kurtosis_change": [], "rms_magnetisation": [],
           "energy_drift": [], "target": []}
    boots = []
    rng = np.random.default_rng(12345)
    for n in sizes:
        start = time.perf_counter()
        records = hmf_ensemble(
            sample, n, realisations, dt, every, chunk, max_steps, seed=n,
            done=lambda rec: np.isfinite(relaxation_time(rec[:, :, 1], record_time, fractions, window, t_ref)), comm=comm)
        kurtosis = records[:, :, 1]
        tau = relaxation_time(kurtosis, record_time, fractions, window, t_ref)
        boot = bootstrap_relaxation_times(kurtosis, record_time, fractions, window, t_ref, rng, 200)
        m_rms = float(np.sqrt((records[:, 1:, 0] ** 2).mean()))
        drift = float(np.abs(records[:, :, 2] - records[:, :1, 2]).max())
        out["target"].append(max(fractions) * (3.0 - kurtosis[:, reference:reference + window].mean()))
        out["tau"].append(tau)
        boots.append(boot)
        out["records_time"].append((record_time * np.arange(records.shape[1])).tolist())
        out["kurtosis_change"].append(kurtosis_change(kurtosis, window, reference).tolist())
        out["rms_magnetisation"].append(m_rms)
        out["energy_drift"].append(drift)
        if rank == 0:
            level = f" (N <|M|^2> = {n * m_rms**2:.2f})" if name == "blocked" else ""
            print(f"  {name:9s} N = {n:4d}   tau = {tau:9.1f} +- {np.nanstd(boot):7.1f}   tau/t_ref = {tau / t_ref:5.0f}"
                  f"   rms|M| = {m_rms:.3f}{level}   max |U - U0| = {drift:.1e}"
                  f"   ({time.perf_counter() - start:.0f} s)", flush=True)
    out["exponent"], out["exponent_error"], local = size_exponent(np.array(sizes), np.array(out["tau"]), np.array(boots))
    out["tau_error"] = [float(np.nanstd(b)) for b in boots]
    out["local_exponents"] = local
    return out


def plot(result: dict, path: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 3, figsize=(15, 4.5))
    for ax, key, power in ((axes[0], "blocked", 2), (axes[1], "unblocked", 1)):
        sysres = result[key]
        for n, t, dk in zip(sysres["sizes"], sysres["records_time"], sysres["kurtosis_change"]):
            ax.plot(np.array(t) / n**power, dk, label=f"N = {n}")
        ax.axhline(np.mean(sysres["target"]), color="k", ls=":", lw=1)
        ax.set(xlabel=f"t / N^{power}", ylabel="<K(t) - K(t_ref)>", title=f"{key}: exponent {sysres['exponent']:.2f}"
               f" +- {sysres['exponent_error']:.2f}")
        ax.legend(fontsize=8)
    ax = axes[2]
    for key, marker in (("blocked", "o"), ("unblocked", "s")):
        sysres = result[key]
        n = np.array(sysres["sizes"], dtype=float)
        ax.errorbar(n, sysres["tau"], yerr=sysres["tau_error"], fmt=marker, label=f"{key}: N^{sysres['exponent']:.2f}")
        ax.plot(n, np.exp(np.polyval(np.polyfit(np.log(n), np.log(sysres["tau"]), 1), np.log(n))), "k-", lw=0.8)
    ax.set(xscale="log", yscale="log", xlabel="N", ylabel="tau", title="relaxation time")
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", default="out/kinetic_blocking")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--blocked-sizes", type=int, nargs="+")
    parser.add_argument("--unblocked-sizes", type=int, nargs="+")
    parser.add_argument("--realisations", type=int)
    parser.add_argument("--fractions", type=float, nargs="+", default=[0.25, 0.3, 0.35, 0.4])
    parser.add_argument("--window", type=int, default=11)
    parser.add_argument("--dt", type=float, default=0.25)
    parser.add_argument("--t-ref", type=float, default=100.0,
                        help="reference time (after the O(1/N) build-up of correlations, ~10 plasma periods)")
    args = parser.parse_args()
    blocked_sizes = args.blocked_sizes or ([362, 512, 724] if args.quick else [256, 362, 512, 724, 1024])
    unblocked_sizes = args.unblocked_sizes or ([256, 512, 1024] if args.quick else [256, 512, 1024, 2048])
    realisations = args.realisations or (32 if args.quick else 64)
    comm = _comm()
    rank = 0 if comm is None else comm.Get_rank()
    start = time.perf_counter()
    v = np.linspace(-12, 12, 4801)
    fluctuation = magnetisation_fluctuation(blocked_initial_f(v), v)
    result = {"flux": flux_table() if rank == 0 else None, "realisations": realisations, "dt": args.dt,
              "predicted_n_m2": fluctuation,
              "fractions": args.fractions, "window": args.window, "t_ref": args.t_ref}
    if rank == 0:
        print(f"\nBlocked state: predicted N <|M|^2> = int f / |eps_1|^2 = {fluctuation:.2f}, i.e. rms |M| <= 0.1 for "
              f"N >= {fluctuation / 0.01:.0f} (the homogeneous kinetic regime; measured values below)")
        print(f"\nRelaxation time: <K(t) - K(t_ref)> reaches {args.fractions} of 3 - <K(t_ref)> (geometric mean), "
              f"t_ref = {args.t_ref}; {realisations} realisations")
    result["blocked"] = run_system(
        "blocked", lambda n, rng: homogeneous_quartic(n, TEMPERATURE, rng), blocked_sizes, realisations, args.dt,
        record_time=20.0, chunk_records=50, t_max=2e6, fractions=tuple(args.fractions), window=args.window, t_ref=args.t_ref, comm=comm)
    result["unblocked"] = run_system(
        "unblocked", lambda n, rng: polytrope(n, MAGNETISATION, POLYTROPE_INDEX, rng), unblocked_sizes, realisations,
        args.dt, record_time=2.5, chunk_records=40, t_max=1e5, fractions=tuple(args.fractions), window=args.window, t_ref=args.t_ref, comm=comm)
    if rank != 0:
        return
    result["runtime_s"] = time.perf_counter() - start
    for key, expected in (("blocked", 2), ("unblocked", 1)):
        r = result[key]
        print(f"{key:9s}: fitted exponent of tau vs N = {r['exponent']:.2f} +- {r['exponent_error']:.2f}"
              f"  (expected {expected} +- 0.3); local: " + ", ".join(f"{x:.2f}" for x in r["local_exponents"]))
    os.makedirs(args.out, exist_ok=True)
    plot(result, os.path.join(args.out, "kinetic_blocking.png"))
    with open(os.path.join(args.out, "summary.json"), "w") as fh:
        json.dump(result, fh, indent=1)
    print(f"wrote {args.out}/kinetic_blocking.png and summary.json ({result['runtime_s']:.0f} s)")


if __name__ == "__main__":
    main()
