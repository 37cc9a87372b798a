"""The pair-propagator test of figure 2 (docs/theory.md (5.28)-(5.31)): the MD of figure 2 to t0, the potential
switched off, the free rods' probe current J(theta, s) against the gBBGKY correlation at t0 propagated by the pair
operator (5.13) alone.

    python -m hydrobridge.demos.hard_rods_propagator --out D [--quick] [--n-real 96] [--t0-bar 0.05] [--s-end 3000]

The MD is that of the figure-2 demo (hard_rods_relaxation, same seed, sampling and checkpoint name): a checkpoint
written by

    nice -n 10 python -m hydrobridge.demos.hard_rods_relaxation --out D --case 0 --n-real 96 --t-bar-end 0.05 \\
        --dt-bar 0.00625 --h 0.2 --md-only

is reused (its last sample must be t0), otherwise the MD runs here. The gBBGKY state at t0 (leading order, or
--variant) is cached in D. Output: D/propagator_test.json (ratios of int_0^S of the kurtosis and energy norms,
MD over gBBGKY, with jackknife errors; the s = 0 consistency numbers), D/propagator_test.npz (J(theta, s) of
both) and D/propagator_test.png.
"""
import argparse
import json
import os

import numpy as np

from hydrobridge.demos.hard_rods_relaxation import A, BETA, CASES, DENSITY, RING, THETA0, VARIANTS, XI
from hydrobridge.particles.hard_rods import gbbgky as gb
from hydrobridge.particles.hard_rods import ghd
from hydrobridge.particles.hard_rods.ensemble import RodSystem, load, table
from hydrobridge.particles.hard_rods.observables import mean_and_error
from hydrobridge.particles.hard_rods.propagator_test import (gbbgky_probe_current, integral_ratio, md_probe_current,
                                                             probe_weights, trapezoid_integral)
from hydrobridge.particles.hard_rods.relaxation import md_checkpoint_stem, md_relaxation, time_scale

NORMS = ("kurtosis", "energy")
LATE = 250.0    # start of the late window of the probe integral (after the fast dephasing)


def _state_path(system: RodSystem, t0: float, grid: tuple[int, int, float], variant: str, out: str) -> str:
    tag = variant.replace(" ", "_").replace("^", "")
    return os.path.join(out, f"gbbgky_state_phi{system.kind}_V{system.v0:g}_L{system.ring:g}_{grid[0]}x{grid[1]}"
                             f"_h{grid[2]:g}_t{t0:g}_{tag}.npz")


def gbbgky_states(system: RodSystem, times: list[float], grid: tuple[int, int, float], variant: str,
                  out: str) -> tuple[gb.KineticSetup, list[gb.SB1State]]:
    """The (5.15) states of `variant` at the increasing `times` from the boosted state, each cached in out
    (rho and the correlation modes)."""
    setup = gb.make_setup(system.a, system.v0, system.xi, system.kind, system.ring, 6.0, grid[0], grid[1])
    paths = [_state_path(system, t, grid, variant, out) for t in times]
    if not all(os.path.exists(path) for path in paths):
        rho0 = ghd.boosted_state(setup.theta, setup.w, system.n / system.ring, system.beta, system.theta0)
        state = gb.sb1_initial(setup, rho0)
        for t, path in zip(times, paths):
            gb.sb1_advance(setup, state, t, grid[2], **VARIANTS[variant])
            np.savez(path, rho=state.rho, g=gb.correlation_modes(state))
    states = []
    for path in paths:
        with np.load(path) as d:
            states.append(gb.sb1_initial(setup, d["rho"], d["g"]))
    return setup, states


def md_states(system: RodSystem, n_real: int, t0: float, dt_sample: float, out: str, pieces: int,
              run: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[int]]:
    """(y, u) at t0 of the MD realisations, run as `pieces` sequential shares (the checkpoint files of a
    `pieces`-rank MPI run of md_relaxation, reused when present). With run=False only the shares whose checkpoint
    has reached t0 are used. Returns y, u (R, N), the change of the kinetic energy per particle since t = 0 (R,)
    and the realisation indices."""
    stem = os.path.join(out, md_checkpoint_stem(system, n_real, dt_sample))
    ys, us, dekin, index = [], [], [], []
    for p in range(pieces):
        path = f"{stem}.rank{p}.npz"
        if run:
            md_relaxation(system, n_real, t0, dt_sample, None, out, part=(p, pieces))
        if not os.path.exists(path):
            continue
        state = load(path)
        if abs(state.times[-1] - t0) > 1e-6 * t0:
            if run:
                raise ValueError(f"{path} ends at t = {state.times[-1]:g}, not at t0 = {t0:g}: use another --out")
            continue
        ys.append(state.y)
        us.append(state.u)
        dekin.append(state.obs[-1][:, 4] - state.obs[0][:, 4])
        index.extend(range(p, n_real, pieces))
    if len(index) < 2:
        raise ValueError(f"fewer than two MD realisations at t0 = {t0:g} in {out} (pieces: {pieces})")
    return np.concatenate(ys), np.concatenate(us), np.concatenate(dekin), index


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--out", required=True)
    p.add_argument("--quick", action="store_true",
                   help="4 realisations in 2 shares, t0 = one sample (t_bar 0.00625), s <= 200, 36 x 80 grid")
    p.add_argument("--case", type=int, default=0, choices=range(len(CASES)), help="index into the figure-2 CASES")
    p.add_argument("--n-real", type=int, default=96)
    p.add_argument("--t0-bar", type=float, default=0.05, help="switch-off time in t_bar (0.05: t = 820.8 at V0 = 4)")
    p.add_argument("--dt-bar", type=float, default=0.00625, help="MD sampling interval in t_bar (checkpoint name)")
    p.add_argument("--h", type=float, default=0.2, help="MD time step")
    p.add_argument("--s-end", type=float, default=3000.0, help="probe time after the switch-off (MD time units)")
    p.add_argument("--ds", type=float, default=0.5, help="probe time step (trapezoid rule)")
    p.add_argument("--ds-kinetic", type=float, default=10.0, help="probe time step of the gBBGKY (exact integrals)")
    p.add_argument("--grid", type=float, nargs=3, default=(72, 125, 1.0), metavar=("N_THETA", "N_MODES", "H"))
    p.add_argument("--variant", default="SB.1 (a V0)^2", choices=tuple(VARIANTS))
    p.add_argument("--pieces", type=int, default=12,
                   help="the MD runs as this many sequential shares of the realisations (checkpoint files of an "
                        "MPI run with as many ranks)")
    p.add_argument("--md-only", action="store_true", help="production: run (and checkpoint) the MD only")
    p.add_argument("--available", action="store_true",
                   help="analyse only the MD shares that have reached t0 (no MD is run)")
    args = p.parse_args(argv)
    if args.quick:
        args.n_real, args.pieces, args.t0_bar, args.s_end, args.grid = 4, 2, args.dt_bar, 200.0, (36, 80, 2.0)
    if args.n_real < 2 or args.s_end <= 0 or args.ds <= 0:
        raise ValueError("--n-real: expected >= 2; --s-end, --ds: expected > 0")
    _, kind, v0 = CASES[args.case]
    system = RodSystem(kind=kind, v0=v0, a=A, xi=XI, beta=BETA, theta0=THETA0, ring=RING,
                       n=int(round(DENSITY * RING)), h=args.h)
    scale = time_scale(system)
    dt_sample = args.h * max(1, round(args.dt_bar / scale / args.h))
    t0 = dt_sample * int(round(args.t0_bar / scale / dt_sample))
    grid = (int(args.grid[0]), int(args.grid[1]), float(args.grid[2]))
    os.makedirs(args.out, exist_ok=True)
    s_grid = np.arange(0.0, args.s_end + 0.5 * args.ds, args.ds)

    y, u, dekin, index = md_states(system, args.n_real, t0, dt_sample, args.out, args.pieces, not args.available)
    if args.md_only:
        return
    mean, density = u.mean(), system.n / system.ring
    mu2, mu4 = ((u - mean) ** 2).mean(), ((u - mean) ** 4).mean()
    weights = np.stack([probe_weights(ur, density, mean, mu2, mu4) for ur in u])
    edges = np.linspace(-4.0, 4.0, 33)
    md_current, md_norms = md_probe_current(y, u, system.a, table(system), system.table_dx, system.ring, s_grid,
                                            edges, weights)
    md_int = trapezoid_integral(md_norms, s_grid)

    setup, (state,) = gbbgky_states(system, [t0], grid, args.variant, args.out)
    g_mean = setup.w @ (setup.theta * state.rho) / (setup.w @ state.rho)
    c = setup.theta - g_mean
    g_mu2 = setup.w @ (c**2 * state.rho) / (setup.w @ state.rho)
    g_mu4 = setup.w @ (c**4 * state.rho) / (setup.w @ state.rho)
    stride = max(1, int(round(args.ds_kinetic / args.ds)))      # the gBBGKY integrals are exact in s
    kin = gbbgky_probe_current(setup, state, s_grid[::stride],
                               probe_weights(setup.theta, density, g_mean, g_mu2, g_mu4))

    checkpoints = [s for s in (100.0, 250.0, 500.0, 1000.0, 2000.0, 3000.0) if s <= args.s_end] + [args.s_end]
    ratios = {}
    k_late = int(round(LATE / args.ds))
    for s_end in sorted(set(checkpoints)):
        k = int(round(s_end / args.ds)) // stride * stride
        # int_0^S, and int_LATE^S (after the fast dephasing; the part that the diffusive propagator carries)
        for label, k_from in ((f"{s_end:g}", 0), (f"{LATE:g}-{s_end:g}", k_late)):
            if k_from >= k:
                continue
            entry = {}
            for c_i, name in enumerate(NORMS):
                md_part = md_int[:, k, c_i] - md_int[:, k_from, c_i]
                kin_part = kin["integrals"][k // stride, c_i] - kin["integrals"][k_from // stride, c_i]
                val, err = integral_ratio(md_part, kin_part)
                md_val, md_err = mean_and_error(md_part[:, None])
                entry[name] = {"ratio": float(val), "ratio_err": float(err), "md": float(md_val[0]),
                               "md_err": float(md_err[0]), "gbbgky": float(kin_part)}
            ratios[label] = entry
    k0_md, k0_err = mean_and_error(md_norms[:, 0, :])
    j0_md, j0_err = mean_and_error(md_current[:, 0, :])
    centres = 0.5 * (edges[1:] + edges[:-1])
    j0_kin = np.interp(centres, setup.theta, kin["current"][0])
    # correlation energy at t0 (energy conservation: E_corr = -density * change of e_kin per particle)
    ecorr_md, ecorr_md_err = mean_and_error(-density * dekin[:, None])
    consistency = {"ecorr_t0_md": float(ecorr_md[0]), "ecorr_t0_md_err": float(ecorr_md_err[0]),
                   "ecorr_t0_gbbgky": float(kin["ecorr"][0]), "norms_s0_md": k0_md.tolist(), "norms_s0_md_err": k0_err.tolist(),
                   "norms_s0_gbbgky": kin["norms"][0].tolist(),
                   "current_s0_chi2_per_bin": float(np.mean(((j0_md - j0_kin)[j0_err > 0] / j0_err[j0_err > 0]) ** 2)),
                   "energy_integral_equals_ecorr_drop_gbbgky": [float(kin["integrals"][-1, 1]),
                                                                 float(kin["ecorr"][0] - kin["ecorr"][-1])]}
    summary = {"t0": t0, "t0_bar": t0 * scale, "n_real": len(index), "realisations": index, "s_end": args.s_end, "ds": args.ds,
               "grid": grid, "variant": args.variant, "norms": NORMS, "ratios": ratios, "consistency": consistency,
               "errors": "ratio_err, md_err: jackknife / standard error over the MD realisations; gBBGKY deterministic"}
    with open(os.path.join(args.out, "propagator_test.json"), "w") as f:
        json.dump(summary, f, indent=1)
    np.savez(os.path.join(args.out, "propagator_test.npz"), s=s_grid, edges=edges, md_current=md_current.mean(0),
             md_current_err=md_current.std(0, ddof=1) / np.sqrt(len(index)), md_norms=md_norms, md_integrals=md_int,
             theta=setup.theta, s_gbbgky=s_grid[::stride], gbbgky_current=kin["current"], gbbgky_norms=kin["norms"],
             gbbgky_integrals=kin["integrals"])
    plot(s_grid, md_int, s_grid[::stride], kin["integrals"], os.path.join(args.out, "propagator_test.png"))
    for s_end, entry in ratios.items():
        print(f"S = {s_end}: " + "; ".join(f"{name} int MD {e['md']:.4g} +- {e['md_err']:.2g}, gBBGKY {e['gbbgky']:.4g}, "
                                          f"ratio {e['ratio']:.3f} +- {e['ratio_err']:.3f}" for name, e in entry.items()),
              flush=True)
    print(f"E_corr(t0): MD {ecorr_md[0]:.5f} +- {ecorr_md_err[0]:.5f}, gBBGKY {kin['ecorr'][0]:.5f}", flush=True)
    print(f"s = 0: kurtosis norm MD {k0_md[0]:.3g} +- {k0_err[0]:.2g} vs gBBGKY {kin['norms'][0, 0]:.3g}; energy "
          f"norm MD {k0_md[1]:.3g} +- {k0_err[1]:.2g} vs {kin['norms'][0, 1]:.3g}; J(theta, 0) chi2/bin "
          f"{consistency['current_s0_chi2_per_bin']:.2f}", flush=True)


def plot(s_grid: np.ndarray, md_int: np.ndarray, kin_s: np.ndarray, kin_int: np.ndarray, path: str) -> None:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, axes = plt.subplots(1, 2, figsize=(11, 4.2))
    for c_i, (ax, name) in enumerate(zip(axes, NORMS)):
        mean, err = mean_and_error(md_int[:, :, c_i])
        ax.fill_between(s_grid, mean - err, mean + err, color="tab:brown", alpha=0.3, label="MD, free rods (1 s.e.)")
        ax.plot(s_grid, mean, color="tab:brown")
        ax.plot(kin_s, kin_int[:, c_i], "k--", label="gBBGKY, pair operator (5.13) only")
        ax.set(xlabel="s (time since the switch-off)", ylabel=f"int_0^s of the {name} norm of J")
        ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=120)


if __name__ == "__main__":
    main()
