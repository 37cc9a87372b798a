"""Numbers for the acceptance points of the Euler rung (docs/theory.md §1).

    python -m hydrobridge.demos.euler_acceptance [--out out/euler_acceptance.json] [--quick]

Prints Sod L1 density errors per mesh (P1, P2), smooth-problem errors and rates (1D density wave,
2D isentropic vortex), linear-wave frequencies vs theory (Bohm-Gross adiabatic/isothermal, Gaussian
kernel by convolution, Jeans), and the relative drift of the totals on periodic boxes. Runs on
any number of ranks (mpiexec -n 2 ... gives the same numbers). The cases live in continuum/verification.py.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np

from mpi4py import MPI

from hydrobridge.continuum import verification as mc


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=None, help="write all results as JSON here")
    ap.add_argument("--quick", action="store_true", help="coarser meshes (about a minute)")
    args = ap.parse_args(argv)
    comm = MPI.COMM_WORLD
    say = print if comm.rank == 0 else (lambda *a, **k: None)
    res: dict = {"ranks": comm.size}
    sod_sizes = [100, 200, 400] if args.quick else [100, 200, 400, 800]
    for deg in (1, 2):
        r = mc.euler_riemann(comm, deg, sod_sizes)
        res[f"sod_P{deg}"] = r
        say(f"Sod P{deg}: cells {sod_sizes} L1(rho) {[f'{e:.3e}' for e in r['l1']]} steps {r['steps']} "
            f"wall {[round(w, 1) for w in r['wall']]} s")
    for dim, sizes in ((1, [16, 32, 64] if args.quick else [16, 32, 64, 128]), (2, [8, 16, 32])):
        for deg in (1, 2):
            r = mc.euler_smooth(comm, dim, deg, sizes)
            e = np.asarray(r["errors"])
            r["rates"] = np.log2(e[:-1] / e[1:]).tolist()
            res[f"smooth_{dim}d_P{deg}"] = r
            say(f"smooth {dim}D P{deg}: cells {sizes} L2(rho) {[f'{x:.3e}' for x in e]} rates "
                f"{np.round(r['rates'], 3).tolist()} (need >= {deg + 0.5}) max drift "
                f"{max(max(d.values()) for d in r['drifts']):.1e} wall {[round(w, 1) for w in r['wall']]} s")
    for kind in ("bohm_gross_adiabatic", "bohm_gross_isothermal", "bohm_gross_nonconservative", "kernel", "jeans"):
        r = mc.euler_wave(comm, kind)
        res[f"wave_{kind}"] = r
        say(f"{kind}: omega theory {r['omega_theory']:.8f} zero crossings {r['omega_zero_crossings']:.8f} "
            f"({r['omega_zero_crossings'] / r['omega_theory'] - 1:+.2e}) fit {r['omega_fit']:.8f} "
            f"({r['omega_fit'] / r['omega_theory'] - 1:+.2e}) steps {r['steps']} wall {r['wall']:.2f} s "
            f"drifts {{{', '.join(f'{k}: {v:.1e}' for k, v in r['drifts'].items())}}}")
    for dim, field, clo in [(1, "none", "adiabatic"), (1, "poisson", "isothermal"), (1, "kernel", "adiabatic"),
                            (2, "none", "adiabatic"), (2, "poisson", "isothermal"),
                            (2, "poisson_nonconservative", "isothermal")]:
        r = mc.euler_conservation(comm, dim, field, clo, n=16 if dim == 1 else 8, steps=100 if dim == 1 else 60)
        res[f"conservation_{dim}d_{field}_{clo}"] = r
        say(f"conservation {dim}D {field} {clo}: relative drift "
            f"{{{', '.join(f'{k}: {v:.1e}' for k, v in r['drifts'].items())}}}")
    if args.out is not None and comm.rank == 0:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(res, indent=1))
    return res


if __name__ == "__main__":
    main()
