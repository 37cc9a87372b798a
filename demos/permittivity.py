"""The main job: eps_eff(w) of 2D dipolar molecules by three routes (docs/theory.md §2-§4).

(b) MD AC lock-in: Langevin (BAOAB) MD with a uniform field E0 e cos(w t), conducting boundary;
    eps_ab(w) - delta_ab = M^_a / (eps0 |Omega| E0) for a field along b (x and y).
(c) MD fluctuation formula, same dynamics without field:
    eps_ab(w) - delta_ab = (beta / (eps0 |Omega|)) [C_ab(0) + i w int_0^inf C_ab(t) exp(i w t) dt].
(a) the continuum dipolar fluid (limiting case U = 0, rho = n) with closures from the MD system:
    fitted to route (c): lorentz_fitted (damped Grad: chi_s, w0, friction) and debye_fitted (chi_s, tau_D);
    parameter-free, from the molecular parameters: grad_damped (ideal chi_s, w0^2 = kT/I, friction gamma_r
    of the Langevin bath), debye_ideal (tau_D = I gamma_r / kT), grad (undamped) and local_equilibrium
    (no static response); equilibrium-MD only (no response fitted, docs/theory.md (3.20)-(3.28)): correlated (the
    correlation field of the equilibrium pair harmonics, sum-rule w0, bath friction plus the single-dipole cage
    memory), correlated_markov (the same with the single-dipole friction w0^2 tau_s), and the MD-free
    correlated_rpa (random-phase correlation outside the core, bath friction); eps_eff from sheet pairs along x,
    y and 45 degrees (complex 2x2 tensor), by
    continuum_route: "auto" solves the linear closures (all nine here) in the frequency domain, one linear
    solve per frequency (docs/theory.md (4.14)), with a dense curve of DENSE_POINTS frequencies; "time"
    time-steps each sheet pair to its periodic state and takes the lock-in (docs/theory.md §4).
The linear-response theorem says (b) = (c) within error bars; the continuum's differences from MD are
reduction errors (mean field: no Kirkwood factor; closure: the shape of the spectrum).

Outputs in --out (docs/outputs.md): summary.json (frequencies, tensors with errors, fitted closure, per-closure
errors; provenance, units, conventions), eps.png (Re and Im of (eps_xx + eps_yy)/2 against w), md/tasks/ and
continuum/tasks/ (per-task results: a killed run resumes with --resume), with trajectory_every > 0 an H5MD
trajectory per MD task in md/trajectories/.
Runs independent MD and continuum tasks in parallel over MPI ranks:

    mpiexec -n 2 python -m hydrobridge.demos.permittivity --out out/permittivity [--quick] [--ideal]
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from mpi4py import MPI

from hydrobridge.closures.dipolar_spectrum import combine_replicas, fit_spectrum
from hydrobridge.config import OUTPUT_FOLDER, Option, study_main
from hydrobridge.continuum.frequency import ROUTES, continuum_eps
from hydrobridge.demos.dipolar_options import (MIN_STEPS_PER_PERIOD, TRAJECTORY_OPTION, block_lag_rule,
                                               continuum_molecule, correlated_inputs, equilibrium_observer, field_rule, frequency_rule, md_trajectory,
                                               replica_setup, study_closure, system_options, system_rules)
from hydrobridge.demos.permittivity_nonlocal import OPTION, mode_sampler, nonlocal_summary, plot_nonlocal, with_sampler
from hydrobridge.demos.permittivity_report import ERRORS, STATIC, headline, plot, summarise
from hydrobridge.particles.dipolar.replica import ReplicaSetup
from hydrobridge.provenance import StageClock, describe_run, summary_line
from hydrobridge.tasks import run_tasks

CLOSURES = ("lorentz_fitted", "debye_fitted", "grad_damped", "debye_ideal", "grad", "local_equilibrium", "correlated",
            "correlated_markov", "correlated_rpa")

#: frequencies of the dense continuum curve (closures solved in the frequency domain)
DENSE_POINTS = 100

SCHEMA = {
    "out": Option(str, "out/permittivity", "output folder (a writable folder, or creatable)"),
    **system_options(64),
    "dt": Option(float, 0.005, "MD time step; dt <= 0.2 / (fastest rate of the model), see dipolar_options",
                 minimum=0.0, open_minimum=True),
    "equil_steps": Option(int, 4000, "equilibration steps before each MD run", minimum=0),
    "fluct_steps": Option(int, 40000, "steps of each equilibrium (fluctuation) replica; fluct_steps // blocks > "
                          "max_lag", minimum=100),
    "fluct_replicas": Option(int, 2, "independent equilibrium replicas", minimum=1),
    "ac_steps": Option(int, 20000, "steps of each AC run (extended to blocks + 2 periods of its frequency if shorter)",
                       minimum=100),
    "e0": Option(float, 0.2, "AC field amplitude; mu e0 <= kT (linear response)", minimum=0.0, open_minimum=True),
    "omegas": Option(list, [1.0, 3.0, 6.0, 12.0], f"angular frequencies; each <= 2 pi / ({MIN_STEPS_PER_PERIOD} dt)",
                     item=float, minimum=0.0, open_minimum=True, non_empty=True, unique=True),
    "max_lag": Option(int, 1000, "correlation length in steps for the fluctuation route; < fluct_steps // blocks",
                      minimum=10),
    "blocks": Option(int, 10, "blocks for standard errors (of the fluctuation and the AC runs)", minimum=2),
    "closures": Option(list, list(CLOSURES), "continuum closures to run", item=str, choices=CLOSURES,
                       non_empty=True, unique=True),
    "continuum_route": Option(str, "auto", "continuum eps(w): auto (frequency domain for linear closures, else "
                              "time stepping), frequency (one linear solve per frequency) or time (sheet lock-in)",
                              choices=ROUTES),
    "seed": Option(int, 1, "base random seed", minimum=0),
    "trajectory_every": TRAJECTORY_OPTION,
    "nonlocal_modes": OPTION,
}


#: cross-key rules (besides the system's, dipolar_options): checked by validate before any work
RULES = [
    OUTPUT_FOLDER,
    *system_rules(),
    frequency_rule("omegas"),
    field_rule("e0"),
    block_lag_rule("fluct_steps"),
]

QUICK = {"n_particles": 36, "equil_steps": 2000, "fluct_steps": 16000, "ac_steps": 8000, "max_lag": 400,
         "omegas": [2.0, 5.0, 12.0], "blocks": 5}
IDEAL = {"interactions": False, "omegas": [0.3, 1.0, 3.0, 10.0]}


def fit_grid(config: dict) -> np.ndarray:
    w = np.asarray(config["omegas"])
    return np.logspace(np.log10(w.min()) - 0.5, np.log10(w.max()) + 0.3, 24)


def fluct_task(setup: ReplicaSetup, config: dict, key: str, out: Path) -> dict:
    from hydrobridge.particles.dipolar.runs import fluctuation_permittivity_run

    w = np.concatenate([config["omegas"], fit_grid(config), [1e-9]])
    sampler = mode_sampler(setup, config)
    with md_trajectory(setup, config["trajectory_every"], out, key) as trajectory:
        observe, finish = equilibrium_observer(setup, config["blocks"], config["max_lag"], trajectory)
        eps, err = fluctuation_permittivity_run(setup, key, config["fluct_steps"], w, config["max_lag"],
                                                config["blocks"], with_sampler(observe, sampler))
    modes = {} if sampler is None else {"modes": sampler.block_means(config["blocks"]).tolist()}
    return {"re": eps.real.tolist(), "im": eps.imag.tolist(), "err_re": err.real.tolist(),
            "err_im": err.imag.tolist(), "equilibrium": finish(), **modes}


def ac_task(setup: ReplicaSetup, config: dict, key: str, omega: float, direction: int, out: Path) -> dict:
    from hydrobridge.particles.dipolar.runs import ac_permittivity_run

    with md_trajectory(setup, config["trajectory_every"], out, key) as observe:
        column, column_err = ac_permittivity_run(setup, key, omega, direction, config["e0"], config["ac_steps"],
                                                 config["blocks"], observe)
    return {"re": [c.real for c in column], "im": [c.imag for c in column],
            "err_re": [c.real for c in column_err], "err_im": [c.imag for c in column_err]}


def continuum_task(config: dict, fitted: dict, correlated: dict, closure_name: str) -> dict:
    """eps_eff(w) tensors of one closure at the study's frequencies by config["continuum_route"] (auto: the
    frequency domain for linear closures, docs/theory.md (4.14)), and for the frequency domain a dense curve of
    (eps_xx + eps_yy)/2 on DENSE_POINTS frequencies."""
    par, n = continuum_molecule(config), config["density"]
    closure = study_closure(config, fitted, correlated, closure_name)
    return continuum_eps(closure, par, n, config["omegas"], route=config["continuum_route"],
                         dense_omegas=dense_grid(config)).to_dict()


def correlated_report(config: dict, correlated: dict, summary: dict) -> dict:
    """The predicted static eps against MD's and, per frequency, the fraction of the mean-field error each
    correlated closure removes, 1 - err_correlated / err_mean_field, against grad_damped (ideal chi, bath friction)
    and against the same closure without correlation (c0 = 0, derived response (3.25))."""
    from hydrobridge.closures.dipolar_continuum import dipolar_closure
    from hydrobridge.closures.dipolar_correlated import PotentialCorrelation

    report = dict(correlated["report"])
    par, n, w = continuum_molecule(config), config["density"], np.array(config["omegas"])
    md_abs = np.array(summary["md_reference"]["abs_eps_minus_1"])
    none = PotentialCorrelation(1.0, par.mu, par.kT_r, par.eps0, interactions=False)
    md = summary["md_static_eps_fluctuation"]
    report["md_static_eps"] = 0.5 * (md["tensor_re"][0][0] + md["tensor_re"][1][1])
    report["md_static_eps_err"] = 0.5 * float(np.hypot(md["err_re"][0][0], md["err_re"][1][1]))
    cont = summary["continuum"]
    if "grad_damped" in cont:
        base = np.array(cont["grad_damped"]["relative_error_abs_eps_minus_1_vs_md"])
        for name in ("correlated", "correlated_markov", "correlated_rpa"):
            if name in cont:
                err = np.array(cont[name]["relative_error_abs_eps_minus_1_vs_md"])
                report[f"{name}_fraction_of_mean_field_error_removed"] = (1 - err / base).tolist()
                uncorrelated = dipolar_closure(name, density=n, bath_friction=config["gamma_r"], correlation=none,
                                               single_dipole_friction=correlated["friction"],
                                               single_dipole_memory=correlated["memory"])
                err0 = np.abs(np.abs(uncorrelated.susceptibility(par, n, w)) - md_abs) / md_abs
                report[f"{name}_without_correlation_error"] = err0.tolist()
                report[f"{name}_fraction_of_uncorrelated_error_removed"] = (1 - err / err0).tolist()
    return report


def dense_grid(config: dict) -> np.ndarray:
    """DENSE_POINTS log-spaced angular frequencies over the fit grid's range."""
    w = fit_grid(config)
    return np.logspace(np.log10(w.min()), np.log10(w.max()), DENSE_POINTS)


def run_study(config: dict, out: Path, resume: bool = False) -> dict:
    comm = MPI.COMM_WORLD
    clock = StageClock()
    out = Path(out)
    setup = replica_setup(config)
    omegas = list(config["omegas"])
    md_tasks = [(f"fluct/{r}", lambda r=r: fluct_task(setup, config, f"fluct/{r}", out)) for r in range(config["fluct_replicas"])]
    md_tasks += [(f"ac/{w:.6g}/{'xy'[d]}", lambda w=w, d=d: ac_task(setup, config, f"ac/{w:.6g}/{'xy'[d]}", w, d, out))
                 for w in omegas for d in (0, 1)]
    with clock.stage("md"):
        md = run_tasks(md_tasks, out / "md", resume, comm, label="permittivity/md")

    with clock.stage("fits"):
        nw, nfit = len(omegas), len(fit_grid(config))
        fluct_runs = [md[f"fluct/{r}"] for r in range(config["fluct_replicas"])]
        fl, fl_err = combine_replicas([np.array(r["re"]) + 1j * np.array(r["im"]) for r in fluct_runs],
                                      [np.array(r["err_re"]) + 1j * np.array(r["err_im"]) for r in fluct_runs])
        fluct, fluct_err = fl[:nw], fl_err[:nw]
        fit_w, fit_eps, fit_err = fit_grid(config), fl[nw:nw + nfit], fl_err[nw:nw + nfit]
        static, static_err = fl[-1], fl_err[-1]
        scalar = 0.5 * (fit_eps[:, 0, 0] + fit_eps[:, 1, 1])            # isotropic part: the fitted closure is scalar
        scalar_err = 0.5 * (np.abs(fit_err[:, 0, 0].real) + np.abs(fit_err[:, 1, 1].real)) \
            + 0.5j * (np.abs(fit_err[:, 0, 0].imag) + np.abs(fit_err[:, 1, 1].imag))
        par, n = continuum_molecule(config), config["density"]
        fitted = fit_spectrum(fit_w, scalar, scalar_err, par.w0)
        ac = np.zeros((nw, 2, 2), complex)
        ac_err = np.zeros((nw, 2, 2), complex)
        for i, w in enumerate(omegas):
            for d in (0, 1):
                r = md[f"ac/{w:.6g}/{'xy'[d]}"]
                ac[i, :, d] = np.array(r["re"]) + 1j * np.array(r["im"])
                ac_err[i, :, d] = np.array(r["err_re"]) + 1j * np.array(r["err_im"])

        correlated = correlated_inputs(config, [r["equilibrium"] for r in fluct_runs])
    cont_tasks = [(c, lambda c=c: continuum_task(config, fitted, correlated, c)) for c in config["closures"]]
    with clock.stage("continuum"):
        cont = run_tasks(cont_tasks, out / "continuum", resume, comm, label="permittivity/continuum")

    summary = summarise(config, par.static_susceptibility(n), fitted, (ac, ac_err), (fluct, fluct_err),
                        (static, static_err), cont)
    summary["correlated_closure"] = correlated_report(config, correlated, summary)
    if config["nonlocal_modes"]:
        summary["eps_longitudinal_k"] = nonlocal_summary(config, setup, fluct_runs, fitted, correlated,
                                                         0.5 * np.trace(static),
                                                         0.5 * np.hypot(static_err[0, 0].real, static_err[1, 1].real))
    if comm.rank == 0:
        with clock.stage("report"):
            plot(summary, fit_w, fit_eps, out / "eps.png")
            if config["nonlocal_modes"]:
                plot_nonlocal(summary["eps_longitudinal_k"], out / "eps_L_k.png")
    summary.update(describe_run(out, clock, comm, "dipolar_md", ERRORS, STATIC, resume))
    if comm.rank == 0:
        (out / "summary.json").write_text(json.dumps(summary, indent=2))
        print(summary_line("permittivity", headline(summary), out / "summary.json"))
    comm.barrier()
    return summary


def main(argv=None) -> dict:
    return study_main(__doc__.splitlines()[0], SCHEMA, run_study, "out/permittivity",
                      {"quick": (QUICK, "small ensemble, 3 frequencies (minutes)"),
                       "ideal": (IDEAL, "ideal rotors (interactions off)")}, argv, RULES)


if __name__ == "__main__":
    main()
