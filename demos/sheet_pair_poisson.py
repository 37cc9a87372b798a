"""AC sheet-pair Poisson problem with a prescribed polarisation (docs/theory.md §3, §4).

    -eps0 Lap psi = -div(P) + cos(w t) Q,   Q = sigma0 (delta_A - delta_B),   sheets at n.x = L/4, 3L/4
    P(x, t) = p0 cos(w t - phi) cos(2 pi n.x / L) n       (a lagging, spatially modulated polarisation)

Exact solution along the normal: E.n = s(n.x) sigma0 cos(w t) / (2 eps0) - P.n / eps0, with s = +1
between the sheets and -1 outside, so the potential drop between the sheets has the lock-in
amplitude  dpsi^ = sigma0 L / (4 eps0) + p0 L exp(i phi) / (pi eps0)   (L: period along the normal).
The demo marches over whole periods, writes psi, E, P (VTX, ParaView), a line-out PNG and
summary.json with the measured and exact amplitudes. Run: ``mpiexec -n 2 python -m hydrobridge.demos.sheet_pair_poisson --out DIR``.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

import ufl
from dolfinx import fem
from mpi4py import MPI

from hydrobridge.lockin import lockin_amplitude
from hydrobridge.continuum.output import FieldWriter, sample
from hydrobridge.continuum.poisson import PoissonSolver
from hydrobridge.continuum.forcing import SheetForcing
from hydrobridge.config import OUTPUT_FOLDER, ConfigError, Option, Rule, check_out_option, validate
from hydrobridge.meshes.sheets import SHEET_A, SHEET_B, sheet_pair_mesh
from hydrobridge.provenance import StageClock, describe_run, summary_line


SCHEMA = {
    "out": Option(str, "out/sheet_pair_poisson", "output folder (a writable folder, or creatable)"),
    "orientation": Option(str, "x", "sheet normal", choices=("x", "y", "45")),
    "n": Option(int, 64, "cells per side (the sheets at L/4 and 3L/4 lie on grid lines)", minimum=4, maximum=512,
                multiple_of=4),
    "degree": Option(int, 2, "Lagrange degree of psi", choices=(1, 2)),
    "omega": Option(float, 2 * np.pi, "forcing angular frequency", minimum=0.0, open_minimum=True),
    "periods": Option(int, 2, "forcing periods", minimum=1, maximum=1000),
    "steps_per_period": Option(int, 64, "time samples per period", minimum=3, maximum=4096),
    "sigma0": Option(float, 1.0, "sheet charge per unit length; sigma0 and p0 not both 0"),
    "p0": Option(float, 0.1, "polarisation amplitude; sigma0 and p0 not both 0"),
    "phi": Option(float, np.pi / 3, "phase lag of P behind the forcing"),
    "field_frames": Option(int, 8, "VTX frames of psi, E, P in fields.bp, evenly spaced over the run (0: none; "
                                   ">= periods * steps_per_period: every step)", minimum=0),
}

#: cross-key rules: checked by validate before any work
RULES = [
    OUTPUT_FOLDER,
    Rule(("sigma0", "p0"), lambda c: c["sigma0"] != 0 or c["p0"] != 0,
         "expected sigma0 or p0 non-zero (the exact drop amplitude, the reference of the relative error, is 0)"),
]


def parse(argv: list[str] | None) -> tuple[dict, Path]:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--out", type=Path, default=Path("out/sheet_pair_poisson"), help="output folder")
    p.add_argument("--quick", action="store_true", help="small, fast case (CI)")
    p.add_argument("--resume", action="store_true", help="accepted for uniformity; this study reruns (seconds)")
    p.add_argument("--orientation", choices=("x", "y", "45"), default="x")
    p.add_argument("--n", type=int, default=None, help="cells per side (multiple of 4)")
    p.add_argument("--degree", type=int, default=2, choices=(1, 2))
    p.add_argument("--omega", type=float, default=2 * np.pi)
    p.add_argument("--periods", type=int, default=None)
    p.add_argument("--steps-per-period", type=int, default=None)
    p.add_argument("--sigma0", type=float, default=1.0)
    p.add_argument("--p0", type=float, default=0.1)
    p.add_argument("--phi", type=float, default=np.pi / 3, help="phase lag of P behind the forcing")
    p.add_argument("--field-frames", type=int, default=8,
                   help="VTX frames written, evenly spaced (0: none; periods * steps-per-period: every step)")
    a = p.parse_args(argv)
    raw = {"orientation": a.orientation, "n": a.n or (16 if a.quick else 64), "degree": a.degree,
           "omega": a.omega, "periods": a.periods or (1 if a.quick else 2),
           "steps_per_period": a.steps_per_period or (16 if a.quick else 64), "sigma0": a.sigma0,
           "p0": a.p0, "phi": a.phi, "field_frames": a.field_frames}
    try:
        config = validate(raw, SCHEMA, "command line", RULES)
        check_out_option(a.out)
        return config, a.out
    except ConfigError as exc:
        p.error(str(exc))


def main(argv: list[str] | None = None) -> dict:
    config, out = parse(argv)
    return run_study(config, out)


def run_study(config: dict, out: Path, resume: bool = False) -> dict:
    """The AC sheet-pair problem of the module doc; resume reruns (the whole study takes seconds)."""
    args = argparse.Namespace(**config)
    comm = MPI.COMM_WORLD
    out = Path(out)
    if comm.rank == 0:
        out.mkdir(parents=True, exist_ok=True)
    comm.barrier()
    eps0, L = 1.0, 1.0
    clock = StageClock()
    t_start = time.perf_counter()
    sp = sheet_pair_mesh(comm, args.orientation, args.n, args.n, L, L)
    msh, nrm, Ln = sp.mesh, sp.normal, sp.period_n
    V = fem.functionspace(msh, ("Lagrange", args.degree))
    VP = fem.functionspace(msh, ("Lagrange", args.degree, (2,)))
    P = fem.Function(VP, name="P")
    profile = fem.Function(VP)
    profile.interpolate(lambda x: np.outer(nrm, np.cos(2 * np.pi * (nrm @ x[:2]) / Ln)))
    solver = PoissonSolver(V, eps0, polarisation=P, facet_tags=sp.facet_tags,
                          forcing=SheetForcing(args.sigma0, args.omega))
    dS = ufl.Measure("dS", domain=msh, subdomain_data=sp.facet_tags)
    drop_form = fem.form((1.0 / sp.sheet_length) * (ufl.avg(solver.psi) * dS(SHEET_A)
                                                     - ufl.avg(solver.psi) * dS(SHEET_B)))
    E = -ufl.grad(solver.psi)

    period = 2 * np.pi / args.omega
    nsteps = args.periods * args.steps_per_period
    times = np.arange(nsteps) * period / args.steps_per_period
    drops = np.empty(nsteps)
    s_line = np.linspace(0.0, Ln, 201)[:-1] + 0.5 * Ln / 200
    base = 0.5 * L * (1.0 - np.abs(nrm)) if args.orientation != "45" else np.zeros(2)  # mid-line of the box
    line = base + np.outer(s_line, nrm)
    snapshots = []
    frames = args.field_frames
    every = max(1, nsteps // frames) if frames else 0
    writer = FieldWriter(out / "fields.bp", {"psi": solver.psi, "E": E, "P": P}, msh, degree=args.degree) \
        if frames else None
    with clock.stage("time_march"):
        for k, t in enumerate(times):
            P.x.array[:] = args.p0 * np.cos(args.omega * t - args.phi) * profile.x.array
            solver.solve(t)
            drops[k] = comm.allreduce(fem.assemble_scalar(drop_form))
            if writer is not None and k % every == 0 and k // every < frames:
                writer.write(t)
            if k % max(1, args.steps_per_period // 4) == 0 and k < args.steps_per_period:
                snapshots.append((t, sample(solver.psi, line), sample(ufl.dot(E, ufl.as_vector(nrm)), line, msh)))
            if comm.rank == 0 and (k % max(1, nsteps // 10) == 0 or k == nsteps - 1):
                print(f"[sheet_pair_poisson] step {k + 1}/{nsteps}  t = {t:.4f}  drop = {drops[k]:+.6f}",
                      file=sys.stderr, flush=True)
    if writer is not None:
        writer.close()
    elapsed = time.perf_counter() - t_start

    measured = lockin_amplitude(drops, args.omega, t=times)
    exact = args.sigma0 * Ln / (4 * eps0) + args.p0 * Ln * np.exp(1j * args.phi) / (np.pi * eps0)
    between = (s_line > sp.positions[0]) & (s_line < sp.positions[1])
    field_errors = []
    for t, _, En in snapshots:
        sgn = np.where(between, 1.0, -1.0)
        En_exact = sgn * args.sigma0 * np.cos(args.omega * t) / (2 * eps0) \
            - args.p0 * np.cos(args.omega * t - args.phi) * np.cos(2 * np.pi * s_line / Ln) / eps0
        field_errors.append(float(np.max(np.abs(En - En_exact))))
    summary = {
        "problem": "AC sheet pair with prescribed polarisation (docs/theory.md §3-§4)",
        "config": config,
        "orientation": args.orientation, "cells_per_side": args.n, "degree": args.degree,
        "omega": args.omega, "periods": args.periods, "steps": nsteps,
        "sigma0": args.sigma0, "p0": args.p0, "phi": args.phi, "eps0": eps0, "L": L,
        "dofs": V.dofmap.index_map.size_global,
        "potential_drop_lockin": {"measured": [measured.real, measured.imag], "exact": [exact.real, exact.imag],
                                  "relative_error": abs(measured - exact) / abs(exact)},
        "max_normal_field_error_on_lineout": max(field_errors),
        "outputs": {"fields": f"fields.bp (VTX: psi, E, P; {min(frames, nsteps)} frames)" if frames else None,
                    "plot": "lineout.png", "summary": "summary.json"},
    }
    if comm.rank == 0:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        fig, ax = plt.subplots(1, 2, figsize=(12, 4.4))
        for t, psi_line, En in snapshots:
            ax[0].plot(s_line, psi_line, label=f"t = {t:.3f}")
            ax[1].plot(s_line, En, label=f"t = {t:.3f}")
        for a_, (title, ylabel) in zip(ax, (("potential psi along a line normal to the sheets", "psi"),
                                            ("normal field E.n along the same line", "E.n"))):
            for j, x0 in enumerate(sp.positions):
                a_.axvline(x0, color="k", lw=0.5, ls="--", label="sheets, +-sigma0 cos(omega t)" if j == 0 else None)
            a_.set_xlabel("n.x, distance along the sheet normal n  [L]")
            a_.set_ylabel(f"{ylabel}  [units L = eps0 = 1, sigma0 = {args.sigma0:g}]")
            a_.set_title(title)
        handles, labels = ax[0].get_legend_handles_labels()
        fig.legend(handles, labels, fontsize=8, loc="center left", bbox_to_anchor=(0.8, 0.5),
                   title=f"time t (period {period:.3g})")
        normal = "45 degrees" if args.orientation == "45" else args.orientation
        fig.suptitle(f"AC sheet pair, normal {normal}, lagging polarisation p0 = {args.p0:g}: relative error of "
                     f"the lock-in drop dpsi^ {summary['potential_drop_lockin']['relative_error']:.1e}", fontsize=10)
        fig.tight_layout(rect=(0, 0, 0.8, 1))
        fig.savefig(out / "lineout.png", dpi=120)
        plt.close(fig)
    summary.update(describe_run(out, clock, comm, "sheet_poisson", None))
    if comm.rank == 0:
        (out / "summary.json").write_text(json.dumps(summary, indent=2))
        print(summary_line("sheet_pair_poisson", [
            f"normal {'45 degrees' if args.orientation == '45' else args.orientation}, {summary['dofs']} dofs, lock-in drop relative error "
            f"{summary['potential_drop_lockin']['relative_error']:.1e}",
            f"{min(frames, nsteps)} VTX frames", f"wall {elapsed:.1f} s"], out / "summary.json"))
    return summary


if __name__ == "__main__":
    main()
