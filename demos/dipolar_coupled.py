"""Coupled dipolar demo: one periodic box, MD and the continuum with MD-fitted closures (docs/theory.md §2-§4).

The same L x L periodic box (N molecules at number density n) is driven by the same sheet pair normal to x
(+sigma0 at x = L/4, -sigma0 at x = 3L/4, times cos(w t)) in two rungs:

MD (ensemble of Langevin replicas, Ewald + short range; the sheets Gaussian-smeared with a small width):
    slab profiles across the sheets of rho(x) and P_x(x) = mu rho D_x(x), the potential psi(x) of the
    sharp sheets plus the particles' point dipoles (exact in 1D: psi' = (P_x - <P_x>)/eps0 - E_sheets), and
    the potential drop psi(L/4) - psi(3L/4) in time. Lock-in complex amplitudes over whole periods after a
    transient, mean and standard error over replicas; the drop also phase-averaged over one period.
MD fits (hydrobridge.closures.dipolar_md): equilibrium replicas give chi_s, w0 (sum rule), tau_D, P_vv and the pair
    moments D2, D2perp; uniform-field AC runs at a few frequencies give P_dw as a linear-response
    coefficient (the "measured" damped Grad closure) and the symmetry-zero P_dv, P_wv amplitudes;
    equilibrium runs at neighbouring densities give P_vv(rho). Saved to closures.json.
The equilibrium replicas also sample the pair harmonics and the single-dipole correlation: the inputs of the
    "correlated" closure (closures.dipolar_correlated, docs/theory.md (3.20)-(3.28): equilibrium MD only).
Continuum (DipolarFluid with translation: rho, rho U, rho D and the closure's fields on the sheet-pair
    mesh of the same box) with each closure (local equilibrium, Grad, Debye, measured, correlated) without and
    with the D2 correction (S_x, S_th from the MD pair moments); same forcing, same molecular parameters.

Outputs in --out (docs/outputs.md): summary.json (fits with errors; per closure the relative L2 errors of
the P_x and psi amplitude profiles, of the time-mean rho profile, of the drop amplitude and of the drop
waveform against MD, next to the MD sampling error; the MD P_dv_xx profile, which every closure here sets to
zero; provenance, units, conventions), profiles.png (fields across the sheets) and response.png (drop in
time), closures.json, fields/<variant>.bp (VTX, `field_frames` frames over the last period), md/ and
continuum/ task records (--resume continues a killed run), with trajectory_every > 0 an H5MD trajectory
per MD task in md/trajectories/.

    mpiexec -n 2 python -m hydrobridge.cli run demos/configs/dipolar_coupled.toml --out out/coupled
"""

from __future__ import annotations

import json
import math
from dataclasses import replace
from pathlib import Path

import numpy as np

from mpi4py import MPI

from hydrobridge.closures.dipolar_continuum import dipolar_closure
from hydrobridge.closures.dipolar_md import (DipolarMDClosures, combine_replica_fits, fit_dw_response, molecular_record,
                                            rotational_relaxation, symmetrise_square)
from hydrobridge.closures.measured import fit_pressure
from hydrobridge.config import OUTPUT_FOLDER, Option, Rule, study_main
from hydrobridge.demos.dipolar_coupled_report import ERRORS, headline, plot, summarise
from hydrobridge.demos.dipolar_options import (MIN_STEPS_PER_PERIOD, TRAJECTORY_OPTION, block_lag_rule,
                                               continuum_molecule, correlated_inputs, density_list_rule,
                                               equilibrium_observer, field_rule, frequency_rule, md_trajectory, replica_setup, system_options, system_rules)
from hydrobridge.particles.dipolar.model import DipolarBoxModel
from hydrobridge.particles.dipolar.replica import ReplicaSetup
from hydrobridge.lockin import lockin_amplitude
from hydrobridge.particles.dipolar.response import one_period_waveform
from hydrobridge.particles.dipolar.sheet_profiles import SheetGeometry, sheet_geometry
from hydrobridge.provenance import StageClock, describe_run, summary_line
from hydrobridge.tasks import run_tasks

#: the closures this study compares (closures.dipolar_continuum)
CLOSURES = ("local_equilibrium", "grad", "debye", "measured", "correlated")

SCHEMA = {
    "out": Option(str, "out/dipolar_coupled", "output folder (a writable folder, or creatable)"),
    **system_options(36),
    "dt": Option(float, 0.005, "MD time step (rounded down to a whole number of steps per period); dt <= 0.2 / "
                 "(fastest rate of the model), see dipolar_options", minimum=0.0, open_minimum=True),
    "equil_steps": Option(int, 2000, "equilibration steps before each MD run", minimum=0),
    "eq_replicas": Option(int, 2, "equilibrium replicas (chi_s, tau_D, w0, P_vv, pair moments)", minimum=1),
    "eq_steps": Option(int, 20000, "steps of each equilibrium replica; eq_steps // blocks > max_lag, "
                       "eq_steps // sample_every >= blocks", minimum=100),
    "max_lag": Option(int, 300, "C(t) integration range in steps; < eq_steps // blocks", minimum=10),
    "sample_every": Option(int, 20, "steps between pair-moment / pressure samples", minimum=1),
    "pair_bins": Option(int, 9, "pair-moment bins per direction (centred on the mesh's separation grid); odd, "
                        "<= mesh_cells / sqrt(2)", minimum=3),
    "eos_densities": Option(list, [0.45, 0.75], "further densities for P_vv(rho); none equal to density, each "
                            "within close packing", item=float, minimum=0.0, open_minimum=True, non_empty=True,
                            unique=True),
    "eos_steps": Option(int, 4000, "steps of each equation-of-state run; eos_steps // sample_every >= blocks",
                        minimum=100),
    "uniform_omegas": Option(list, [1.5, 4.0, 10.0], "frequencies of the uniform-field P_dw runs; each <= 2 pi / "
                             f"({MIN_STEPS_PER_PERIOD} dt)", item=float, minimum=0.0, open_minimum=True,
                             non_empty=True, unique=True),
    "uniform_periods": Option(int, 40, "measured periods of each uniform-field run; >= blocks", minimum=4),
    "e0": Option(float, 0.3, "uniform AC field amplitude; mu e0 <= kT (linear response)", minimum=0.0,
                 open_minimum=True),
    "sheet_replicas": Option(int, 8, "replicas of the sheet-forced MD", minimum=2),
    "sheet_periods": Option(int, 16, "measured periods of each sheet-forced replica", minimum=1),
    "transient_periods": Option(int, 2, "periods discarded before measuring (MD)", minimum=0),
    "sigma0": Option(float, 0.5, "sheet charge amplitude (per length); mu sigma0 / (2 eps0) <= kT", minimum=0.0,
                     open_minimum=True),
    "omega": Option(float, 3.0, f"forcing angular frequency; <= 2 pi / ({MIN_STEPS_PER_PERIOD} dt)", minimum=0.0,
                    open_minimum=True),
    "sheet_width": Option(float, 0.15, "Gaussian width of the MD sheets; <= L / 8, L = sqrt(n_particles / density)",
                          minimum=0.0, open_minimum=True),
    "mesh_cells": Option(int, 16, "continuum cells across the box = MD profile slabs (sheets at L/4, 3L/4 on cell "
                         "faces)", minimum=4, multiple_of=4),
    "closures": Option(list, list(CLOSURES), "continuum closures", item=str, choices=CLOSURES, non_empty=True,
                       unique=True),
    "blocks": Option(int, 5, "blocks for standard errors", minimum=2),
    "seed": Option(int, 1, "base random seed", minimum=0),
    "field_frames": Option(int, 8, "VTX frames of each continuum variant over its last measured period, "
                                   "fields/<variant>.bp (0: none; >= the steps of a period: every step)", minimum=0),
    "trajectory_every": TRAJECTORY_OPTION,
}


def _box_length(config: dict) -> float:
    return math.sqrt(config["n_particles"] / config["density"])


def _pressure_samples(config: dict) -> int:
    return min(config["eq_steps"], config["eos_steps"]) // config["sample_every"]


#: cross-key rules (besides the system's, dipolar_options): checked by validate before any work
RULES = [
    OUTPUT_FOLDER,
    *system_rules(),
    frequency_rule("uniform_omegas"),
    frequency_rule("omega"),
    field_rule("e0"),
    field_rule("sigma0", lambda sigma0: sigma0 / (2 * DipolarBoxModel.eps0), "sigma0 / (2 eps0)"),
    density_list_rule("eos_densities"),
    Rule(("eos_densities", "density"), lambda c: f"{c['density']:.6g}" not in [f"{n:.6g}" for n in c["eos_densities"]],
         "expected densities other than density (the equation of state is fitted through distinct points)"),
    Rule(("pair_bins",), lambda c: c["pair_bins"] % 2 == 1, "expected an odd number (bins centred on zero separation)"),
    Rule(("pair_bins", "mesh_cells"), lambda c: c["pair_bins"] * math.sqrt(2) <= c["mesh_cells"],
         lambda c: f"expected pair_bins <= mesh_cells / sqrt(2) = {c['mesh_cells'] / math.sqrt(2):.3g} (pair "
                   "separations within half the box diagonal)"),
    block_lag_rule("eq_steps"),
    Rule(("sample_every", "eq_steps", "eos_steps", "blocks"), lambda c: _pressure_samples(c) >= c["blocks"],
         lambda c: f"{_pressure_samples(c)} pressure samples in the shorter of eq_steps, eos_steps; expected at least "
                   "blocks"),
    Rule(("uniform_periods", "blocks"), lambda c: c["uniform_periods"] >= c["blocks"],
         "expected uniform_periods >= blocks (at least one period per block)"),
    Rule(("sheet_width", "n_particles", "density"), lambda c: c["sheet_width"] <= _box_length(c) / 8,
         lambda c: f"expected sheet_width <= L / 8 = {_box_length(c) / 8:.4g} (L = sqrt(n_particles / density): "
                   "the smeared sheets, L / 2 apart, must not overlap)"),
]

QUICK = {"n_particles": 16, "equil_steps": 500, "eq_replicas": 2, "eq_steps": 3000, "max_lag": 100, "sample_every": 50,
         "pair_bins": 5, "eos_steps": 600, "uniform_omegas": [2.0, 8.0], "uniform_periods": 8,
         "sheet_replicas": 2, "sheet_periods": 3, "transient_periods": 1, "mesh_cells": 8,
         "closures": ["local_equilibrium", "debye", "correlated"], "blocks": 2}


# ----------------------------------------------------------------------------------------------------
# MD tasks (particles.dipolar.runs) and the closure fits (closures.dipolar_md)
def equilibrium_task(setup: ReplicaSetup, config: dict, key: str, with_pairs: bool, out: Path) -> dict:
    """Equilibrium replica: rotational relaxation fits, pressure, (optionally) pair moments."""
    from hydrobridge.particles.dipolar.observables import block_average
    from hydrobridge.particles.dipolar.runs import equilibrium_run

    nb = config["pair_bins"]
    r_max = 0.5 * nb * (sheet_pair_geometry(config).length / config["mesh_cells"]) if with_pairs else None
    with md_trajectory(setup, config["trajectory_every"], out, key) as trajectory:
        observe, finish = equilibrium_observer(setup, config["blocks"], config["max_lag"], trajectory)
        series = equilibrium_run(setup, key, config["eq_steps" if with_pairs else "eos_steps"], config["sample_every"],
                                 r_max, nb, observe if with_pairs else trajectory)
    p, p_err = block_average(series.pressure, min(config["blocks"], len(series.pressure)))
    out = {"density": setup.system.density, "pressure": float(p), "pressure_err": float(p_err)}
    if with_pairs:
        params = setup.system.model()
        out["relaxation"] = rotational_relaxation(series.m, series.mdot, setup.thermostat.dt, setup.thermostat.kT,
                                                  params.eps0, params.area, config["max_lag"], config["blocks"])
        out["pairs"] = {k: getattr(series.pairs, k).tolist() for k in ("m2", "m2perp", "n2", "edges")}
        out["equilibrium"] = finish()
    return out


def uniform_task(setup: ReplicaSetup, config: dict, key: str, omega: float, out: Path) -> dict:
    """Uniform field E0 x cos(w t): [Re, Im, err Re, err Im] of each box moment's lock-in amplitude."""
    from hydrobridge.particles.dipolar.runs import UNIFORM_FIELD_OBSERVABLES, uniform_field_run

    with md_trajectory(setup, config["trajectory_every"], out, key) as observe:
        mean, err = uniform_field_run(setup, key, omega, config["e0"], config["uniform_periods"], config["blocks"],
                                      observe)
    return {name: [mean[k].real, mean[k].imag, err[k].real, err[k].imag] for k, name in enumerate(UNIFORM_FIELD_OBSERVABLES)}


def sheet_pair_geometry(config: dict) -> SheetGeometry:
    return sheet_geometry(replica_setup(config).system.model(), config["mesh_cells"], config["sigma0"])


def sheet_task(setup: ReplicaSetup, config: dict, key: str, out: Path) -> dict:
    """One sheet-forced replica: lock-in amplitudes of the field profiles and drop, time-mean profiles,
    and the drop phase-averaged over one period."""
    from hydrobridge.particles.dipolar.runs import sheet_run

    w = config["omega"]
    with md_trajectory(setup, config["trajectory_every"], out, key) as observe:
        s = sheet_run(setup, key, sheet_pair_geometry(config), config["sigma0"], config["sheet_width"], w,
                      config["transient_periods"], config["sheet_periods"], observe)
    amp = lockin_amplitude(s.fields, w, t=s.t)
    drop = s.fields[:, 3 * config["mesh_cells"]]
    phase, wave = one_period_waveform(s.t, drop.reshape(config["sheet_periods"], s.per).mean(axis=0), w, s.per)
    return {"amp_re": amp.real.tolist(), "amp_im": amp.imag.tolist(), "mean": s.fields.mean(axis=0).tolist(),
            "wave_phase": phase, "wave": wave}


def fit_closures(config: dict, md: dict) -> DipolarMDClosures:
    """DipolarMDClosures from the equilibrium, equation-of-state and uniform-field MD tasks."""
    par = continuum_molecule(config)
    eq = [md[f"eq/{r}"] for r in range(config["eq_replicas"])]
    R = len(eq)
    relax = combine_replica_fits([e["relaxation"] for e in eq])
    m2, m2p = symmetrise_square(*(np.mean([np.array(e["pairs"][k]) for e in eq], axis=0) for k in ("m2", "m2perp")))
    rho = [config["density"]] + list(config["eos_densities"])
    eos = [md[f"eos/{n:.6g}"] for n in config["eos_densities"]]
    p = [np.mean([e["pressure"] for e in eq])] + [e["pressure"] for e in eos]
    p_err = [np.sqrt(np.sum([e["pressure_err"] ** 2 for e in eq])) / R] + [e["pressure_err"] for e in eos]
    pressure = fit_pressure(np.array(rho), np.array(p), np.array(p_err), degree=min(2, len(rho) - 1),
                            provenance={"source": "demos.dipolar_coupled equilibrium MD", "kT": config["kT"],
                                        "points": {"rho": rho, "p": [float(v) for v in p],
                                                   "p_err": [float(v) for v in p_err]}})
    ws = config["uniform_omegas"]
    uni = [md[f"uniform/{w:.6g}"] for w in ws]
    amp = lambda k, j: [complex(r[k][j], r[k][j + 1]) for r in uni]  # noqa: E731
    transport = fit_dw_response(ws, config["e0"], amp("p_x", 0), amp("B_x", 0), amp("p_x", 2), amp("B_x", 2),
                                par.eps0, par.mu)
    transport["symmetry_zero_amplitudes"] = {
        name: {"omega": ws, "abs": [abs(c) for c in amp(name, 0)], "err": [abs(c) for c in amp(name, 2)]}
        for name in ("p_y", "B_y", "P_dv_xx", "P_dv_xy", "P_dv_yx", "P_dv_yy", "P_wv_x", "P_wv_y")}
    transport["lockin"] = {"omega": ws, "e0": config["e0"],
                           **{k: [uni[i][k] for i in range(len(ws))] for k in ("p_x", "B_x")}}
    return DipolarMDClosures(molecular_record(par, config["density"], config["gamma_r"]), config["density"], relax,
                             transport, pressure, {"edges": np.array(eq[0]["pairs"]["edges"]), "m2": m2, "m2perp": m2p},
                             {"source": "hydrobridge.demos.dipolar_coupled", "config": config})


# ----------------------------------------------------------------------------------------------------
# continuum tasks
def continuum_task(config: dict, fitted: dict, correlated: dict, name: str, d2: bool, fields_dir: Path | None) -> dict:
    """The continuum with closure `name` (and the D2 correction if d2), driven like the MD
    (continuum.sheet_profiles): lock-in amplitudes and means of the same profiles, the drop over one period.
    "correlated" takes the equilibrium inputs `correlated` (dipolar_options.correlated_inputs), the others the fits."""
    from hydrobridge.continuum.sheet_profiles import sheet_profile_response

    fits = DipolarMDClosures.from_dict(fitted)
    geo = sheet_pair_geometry(config)
    w = config["omega"]
    closure = (dipolar_closure(name, density=config["density"], correlation=correlated["pairs"],
                               single_dipole_memory=correlated["memory"]) if name == "correlated" else fits.closure(name))
    r = sheet_profile_response(closure, continuum_molecule(config), config["density"], geo.length,
                               config["mesh_cells"], config["sigma0"], w, geo.points,
                               pressure=fits.pressure if name == "measured" else None,
                               correlation=fits.pair_table((geo.length, geo.length)) if d2 else None,
                               field_path=fields_dir / f"{name}{'_d2' if d2 else ''}.bp" if fields_dir else None,
                               field_frames=config["field_frames"])
    amp = lockin_amplitude(r.samples, w, t=r.t)
    phase, wave = one_period_waveform(r.t, r.samples[:, -1], w, r.steps_per_period)
    return {"amp_re": amp.real.tolist(), "amp_im": amp.imag.tolist(), "mean": r.samples.mean(axis=0).tolist(),
            "wave_phase": phase, "wave": wave, "dt": r.dt, "steps": r.steps}


# ----------------------------------------------------------------------------------------------------
def variants(config: dict) -> list[tuple[str, bool]]:
    return [(c, d2) for c in config["closures"] for d2 in (False, True)]


def run_study(config: dict, out: Path, resume: bool = False) -> dict:
    comm = MPI.COMM_WORLD
    clock = StageClock()
    out = Path(out)
    setup = replica_setup(config)
    eos = {n: replace(setup, system=replace(setup.system, density=n)) for n in config["eos_densities"]}
    md_tasks = [(f"eq/{r}", lambda r=r: equilibrium_task(setup, config, f"eq/{r}", True, out)) for r in range(config["eq_replicas"])]
    md_tasks += [(f"eos/{n:.6g}", lambda n=n: equilibrium_task(eos[n], config, f"eos/{n:.6g}", False, out))
                 for n in config["eos_densities"]]
    md_tasks += [(f"uniform/{w:.6g}", lambda w=w: uniform_task(setup, config, f"uniform/{w:.6g}", w, out))
                 for w in config["uniform_omegas"]]
    md_tasks += [(f"sheet/{r}", lambda r=r: sheet_task(setup, config, f"sheet/{r}", out)) for r in range(config["sheet_replicas"])]
    with clock.stage("md"):
        md = run_tasks(md_tasks, out / "md", resume, comm, label="dipolar_coupled/md")
    with clock.stage("fits"):
        fits = fit_closures(config, md)
        correlated = correlated_inputs(config, [md[f"eq/{r}"]["equilibrium"] for r in range(config["eq_replicas"])])
    fitted = fits.to_dict()
    fields = out / "fields" if config["field_frames"] else None
    if comm.rank == 0:
        fits.save(out / "closures.json")
        if fields is not None:
            fields.mkdir(exist_ok=True)
    comm.barrier()
    cont_tasks = [(f"{c}/{'d2' if d2 else 'mf'}", lambda c=c, d2=d2: continuum_task(config, fitted, correlated, c, d2,
                                                                                   fields))
                  for c, d2 in variants(config)]
    with clock.stage("continuum"):
        cont = run_tasks(cont_tasks, out / "continuum", resume, comm, label="dipolar_coupled/continuum")
    summary = summarise(config, sheet_pair_geometry(config), continuum_molecule(config), fits, md, cont)
    summary["correlated_closure"] = {k: v for k, v in correlated["report"].items() if k != "single_dipole_correlation"}
    if comm.rank == 0:
        with clock.stage("report"):
            plot(summary, out)
    summary.update(describe_run(out, clock, comm, "dipolar_md", ERRORS, resumed=resume))
    if comm.rank == 0:
        (out / "summary.json").write_text(json.dumps(summary, indent=2))
        print(summary_line("dipolar_coupled", headline(summary), out / "summary.json"))
    comm.barrier()
    return summary


def main(argv=None) -> dict:
    return study_main(__doc__.splitlines()[0], SCHEMA, run_study, "out/dipolar_coupled",
                      {"quick": (QUICK, "tiny system and ensemble (seconds; a smoke test)")}, argv, RULES)


if __name__ == "__main__":
    main()
