"""eps_eff(w) of the dipolar continuum from AC sheet pairs (docs/theory.md §3-§4), continuum rung only.

For each frequency and each sheet orientation (x, y, 45 degrees) the limiting-case dipolar fluid
(U = 0, rho = n) with a rotational closure (Debye or Grad) is driven by the sheet pair; the lock-in
potential drop gives eps_nn, and eps_xx, eps_yy, eps_xy form the complex 2x2 tensor. Outputs in --out:
summary.json (frequencies, tensors, the closure's analytic eps(w), errors, the macroscopic check;
provenance, units, conventions: docs/outputs.md), eps.png (Re and Im of eps_xx, eps_yy against w, log
axis), and for the middle frequency a two-period field run through the driver in field_run/ (fields.bp for
ParaView with `field_frames` frames, diagnostics.csv, checkpoint/).

    mpiexec -n 2 python -m hydrobridge.demos.permittivity_continuum --out out/eps --closure debye
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Callable

import numpy as np

from mpi4py import MPI

from hydrobridge.closures.rotational import Debye, DipolarParameters, GradRotational
from hydrobridge.continuum.checkpoint import checkpoint_exists
from hydrobridge.continuum.dipolar import DipolarFluid
from hydrobridge.continuum.forcing import SheetForcing
from hydrobridge.continuum.driver import RunSettings, run
from hydrobridge.continuum.permittivity import closure_run_settings, eps_tensor_from_nn, run_sheet_response, sheet_pair_for
from hydrobridge.config import OUTPUT_FOLDER, ConfigError, Option, Rule, check_out_option, validate
from hydrobridge.provenance import StageClock, describe_run, summary_line


#: time steps per forcing period at most (a lock-in run takes a few periods)
MAX_STEPS_PER_PERIOD = 20000
#: a Grad-closure frequency keeps this relative distance from the resonances w0 and w_L
RESONANCE_GAP = 0.01

SCHEMA = {
    "out": Option(str, "out/permittivity_continuum", "output folder (a writable folder, or creatable)"),
    "closure": Option(str, "debye", "rotational closure", choices=("debye", "grad")),
    "tau": Option(float, 1.0, "Debye relaxation time", minimum=0.0, open_minimum=True),
    "density": Option(float, 1.0, "number density n (chi_s = n mu^2 / (2 eps0 kT))", minimum=0.0, open_minimum=True),
    "omegas": Option(list, [0.01, 0.0316, 0.1, 0.316, 1.0, 3.16, 10.0],
                     f"angular frequencies; at most {MAX_STEPS_PER_PERIOD} closure time steps per period; with the "
                     f"grad closure {RESONANCE_GAP:.0%} away from w0 and w_L = w0 sqrt(1 + chi_s)", item=float,
                     minimum=0.0, open_minimum=True, non_empty=True, unique=True),
    "field_frames": Option(int, 16, "VTX frames of the field run (two periods; 0: none; >= its steps: every step)",
                           minimum=0),
}


def _closure(config: dict):
    return Debye(config["tau"]) if config["closure"] == "debye" else GradRotational()


def _steps_per_period(config: dict, w: float) -> float:
    """Time steps per period of the lock-in run at w (continuum.permittivity.closure_run_settings)."""
    settings = closure_run_settings(_closure(config), DipolarParameters(), config["density"], w)
    return max(32.0, 2 * np.pi / w / settings["max_dt"])


def _resonances(config: dict) -> list[float]:
    if config["closure"] != "grad":
        return []
    par = DipolarParameters()
    return [par.w0, par.w0 * np.sqrt(1 + par.static_susceptibility(config["density"]))]


def _too_costly(config: dict) -> list[int]:
    return [i for i, w in enumerate(config["omegas"]) if _steps_per_period(config, w) > MAX_STEPS_PER_PERIOD]


def _resonant(config: dict) -> list[int]:
    near = _resonances(config)
    return [i for i, w in enumerate(config["omegas"]) if any(abs(w / r - 1) <= RESONANCE_GAP for r in near)]


#: cross-key rules: checked by validate before any work
RULES = [
    OUTPUT_FOLDER,
    Rule(("omegas", "closure", "tau", "density"), lambda c: not _too_costly(c),
         lambda c: f"omegas[{_too_costly(c)[0]}] needs {_steps_per_period(c, c['omegas'][_too_costly(c)[0]]):.3g} "
                   f"time steps per period; expected <= {MAX_STEPS_PER_PERIOD} (raise omega or tau, lower density)"),
    Rule(("omegas", "closure", "density"), lambda c: not _resonant(c),
         lambda c: f"omegas[{_resonant(c)[0]}] within {RESONANCE_GAP:.0%} of a resonance of the undamped grad closure "
                   f"(w0, w_L) = ({', '.join(f'{r:.4g}' for r in _resonances(c))}); expected further away"),
]


def parse(argv) -> tuple[dict, Path]:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--out", type=Path, default=Path("out/permittivity_continuum"))
    p.add_argument("--quick", action="store_true", help="3 frequencies (CI-sized)")
    p.add_argument("--resume", action="store_true", help="continue a killed run")
    p.add_argument("--closure", choices=("debye", "grad"), default="debye")
    p.add_argument("--tau", type=float, default=1.0, help="Debye relaxation time")
    p.add_argument("--density", type=float, default=1.0)
    p.add_argument("--omegas", type=float, nargs="*", default=None, help="angular frequencies")
    p.add_argument("--field-frames", type=int, default=16,
                   help="VTX frames of the field run (0: none; >= its steps: every step)")
    a = p.parse_args(argv)
    if a.omegas is None:
        if a.closure == "debye":
            a.omegas = [0.1, 1.0, 10.0] if a.quick else list(np.logspace(-2, 1, 7) / a.tau)
        else:
            a.omegas = [0.5, 1.0, 1.5] if a.quick else [0.2, 0.5, 0.8, 1.0, 1.3, 1.6, 1.9]
    raw = {"closure": a.closure, "tau": a.tau, "density": a.density, "omegas": [float(w) for w in a.omegas],
           "field_frames": a.field_frames}
    try:
        config = validate(raw, SCHEMA, "command line", RULES)
        check_out_option(a.out)
        return config, a.out, a.resume
    except ConfigError as exc:
        p.error(str(exc))


def _append_line(path: Path, record: dict) -> None:
    """Append one JSON line and fsync: a killed run keeps every completed sweep entry."""
    with path.open("a") as fh:
        fh.write(json.dumps(record) + "\n")
        fh.flush()
        os.fsync(fh.fileno())


def run_study(config: dict, out: Path, resume: bool = False) -> dict:
    comm = MPI.COMM_WORLD
    clock = StageClock()
    out = Path(out)
    if comm.rank == 0:
        out.mkdir(parents=True, exist_ok=True)
    comm.barrier()
    par = DipolarParameters()
    n, tau = config["density"], config["tau"]
    chi = par.static_susceptibility(n)
    w0, wL = par.w0, par.w0 * np.sqrt(1 + chi)
    closure = _closure(config)
    omegas = config["omegas"]

    def analytic(w):
        return 1 + chi / (1 - 1j * w * tau) if config["closure"] == "debye" else 1 + chi * w0**2 / (w0**2 - w**2)

    def make(sp, forcing):
        return DipolarFluid(sp.mesh, par, closure, n, translation=False, facet_tags=sp.facet_tags,
                            forcing=forcing, sheet_length=sp.sheet_length)

    partial = out / "sweep_partial.jsonl"
    done = {}
    if resume and partial.exists():
        for line in partial.read_text().splitlines():
            if line.strip():
                rec = json.loads(line)
                done[(rec["omega"], rec["orientation"])] = rec
    elif comm.rank == 0 and partial.exists():
        partial.unlink()
    comm.barrier()
    meshes_by_orientation = {o: sheet_pair_for(comm, o) for o in ("x", "y", "45")}
    rows = []
    with clock.stage("sweep"):
        for i, w in enumerate(omegas):
            eps, mismatch = {}, []
            for o, sp in meshes_by_orientation.items():
                rec = done.get((w, o))
                if rec is None:
                    r = run_sheet_response(make, sp, w, 1.0, par.eps0, **closure_run_settings(closure, par, n, w))
                    rec = {"omega": w, "orientation": o, "eps": [r.eps_nn.real, r.eps_nn.imag],
                           "mismatch": r.macroscopic_mismatch}
                    if comm.rank == 0:
                        _append_line(partial, rec)
                eps[o] = complex(*rec["eps"])
                mismatch.append(rec["mismatch"])
            tensor = eps_tensor_from_nn(eps["x"], eps["y"], eps["45"])
            exact = analytic(w)
            rows.append({"omega": w, "tensor_re": tensor.real.tolist(), "tensor_im": tensor.imag.tolist(),
                         "analytic": [exact.real, exact.imag],
                         "relative_error_xx": abs(tensor[0, 0] - exact) / abs(exact),
                         "anisotropy": float(max(abs(tensor[0, 1]), abs(tensor[0, 0] - tensor[1, 1])) / abs(tensor[0, 0])),
                         "macroscopic_mismatch": max(mismatch)})
            if comm.rank == 0:
                print(f"[permittivity_continuum] {i + 1}/{len(omegas)} w = {w:.4g}: eps_xx = {tensor[0, 0]:.6f}  "
                      f"analytic {exact:.6f}", file=sys.stderr, flush=True)
    # one full field run for ParaView / CSV at the middle frequency
    w_mid = omegas[len(omegas) // 2]
    sp = meshes_by_orientation["45"]
    fluid = make(sp, SheetForcing(1.0, w_mid))
    period = 2 * np.pi / w_mid
    per = max(32, int(np.ceil(period / closure_run_settings(closure, par, n, w_mid)["max_dt"])))
    field_dir = out / "field_run"
    steps = 2 * per
    frames = config["field_frames"]
    with clock.stage("field_run"):
        field_run = run(fluid, RunSettings(dt=period / per, steps=steps,
                                           output_every=-(-steps // frames) if frames else 0,
                                           checkpoint_every=max(1, per // 4)), field_dir, sp.domain.cell_input_ids,
                        resume=resume and checkpoint_exists(field_dir / "checkpoint"), label="field_run")
    final = fluid.diagnostics()
    summary = {"study": "eps_eff(w) of the dipolar continuum, sheet-pair lock-in (docs/theory.md §3-§4)",
               "config": config, "closure": closure.to_dict(), "parameters": par.__dict__, "chi_s": chi,
               "w0": w0, "wL": wL, "sweep": rows,
               "field_run": {"omega": w_mid, "steps": field_run["steps"], "time": field_run["time"],
                             "final_diagnostics": final}}
    if comm.rank == 0:
        with clock.stage("report"):
            plot(summary, analytic, out / "eps.png")
    summary.update(describe_run(out, clock, comm, "dipolar_continuum", None, resumed=resume))
    if comm.rank == 0:
        (out / "summary.json").write_text(json.dumps(summary, indent=2))
        print(summary_line("permittivity_continuum", [
            f"{config['closure']} closure, max |eps_xx - analytic| / |analytic| "
            f"{max(r['relative_error_xx'] for r in rows):.1e}",
            f"max anisotropy {max(r['anisotropy'] for r in rows):.1e}"], out / "summary.json"))
    return summary


def plot(summary: dict, analytic: Callable[[np.ndarray], np.ndarray], path: Path) -> None:
    """Re and Im of eps_xx(w) and eps_yy(w) from the lock-in of each sheet orientation against the closure's
    analytic eps(w) (scalar: the closure is isotropic)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows, closure = summary["sweep"], summary["config"]["closure"]
    ws = np.array([r["omega"] for r in rows])
    exx = np.array([r["tensor_re"][0][0] + 1j * r["tensor_im"][0][0] for r in rows])
    eyy = np.array([r["tensor_re"][1][1] + 1j * r["tensor_im"][1][1] for r in rows])
    fine = np.logspace(np.log10(ws.min()) - 0.3, np.log10(ws.max()) + 0.3, 300)
    if closure == "grad":                       # undamped: a pole at the longitudinal frequency wL
        fine = fine[np.abs(fine - summary["wL"]) > 0.02 * summary["wL"]]
    fig, ax = plt.subplots(1, 2, figsize=(11, 4.4))
    for k, (part, f) in enumerate((("Re", np.real), ("Im", np.imag))):
        ax[k].semilogx(fine, f(analytic(fine)), "k-", lw=1, label=f"{closure} closure, analytic eps(omega)")
        ax[k].semilogx(ws, f(exx), "o", mfc="none", ms=8, label="continuum eps_xx (sheet-pair lock-in)")
        ax[k].semilogx(ws, f(eyy), "x", label="continuum eps_yy (sheet-pair lock-in)")
        ax[k].set_xlabel("angular frequency omega  [1/t*; mu = m = kT = eps0 = 1]")
        ax[k].set_ylabel(f"{part} eps(omega) / eps0")
        ax[k].set_title(f"{part} eps(omega)" + ("  (Im > 0: loss)" if part == "Im" else ""))
    ax[1].axhline(0.0, color="grey", lw=0.5)
    ax[0].legend(fontsize=8)
    fig.suptitle(f"Dipolar continuum (U = 0, rho = n = {summary['config']['density']:g}), {closure} closure, "
                 f"chi_s = {summary['chi_s']:.3g}: diagonal components of eps_ab(omega)", fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def main(argv=None) -> dict:
    config, out, resume = parse(argv)
    return run_study(config, out, resume)


if __name__ == "__main__":
    main()
