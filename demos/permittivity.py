"""The main job: eps_eff(w) of 2D dipolar molecules by three routes (docs/theory.md §2-§4).

(b) MD AC lock-in: Langevin (BAOAB) MD with a uniform field E0 e cos(w t), conducting boundary;
    eps_ab(w) - delta_ab = M^_a / (eps0 |Omega| E0) for a field along b (x and y).
(c) MD fluctuation formula, same dynamics without field:
    eps_ab(w) - delta_ab = (beta / (eps0 |Omega|)) [C_ab(0) + i w int_0^inf C_ab(t) exp(i w t) dt].
(a) the continuum dipolar fluid (limiting case U = 0, rho = n) with closures from the MD system:
    fitted to route (c): lorentz_fitted (damped Grad: chi_s, w0, friction) and debye_fitted (chi_s, tau_D);
    parameter-free, from the molecular parameters: grad_damped (ideal chi_s, w0^2 = kT/I, friction gamma_r
    of the Langevin bath), debye_ideal (tau_D = I gamma_r / kT), grad (undamped) and local_equilibrium
    (no static response); eps_eff from sheet pairs along x, y and 45 degrees (complex 2x2 tensor).
The linear-response theorem says (b) = (c) within error bars; the continuum's differences from MD are
reduction errors (mean field: no Kirkwood factor; closure: the shape of the spectrum).

Outputs in --out: summary.json (frequencies, tensors with errors, fitted closure, per-closure errors),
eps.png (Re and Im of eps_xx against w), tasks/ (per-task results: a killed run resumes with --resume).
Runs independent MD and continuum tasks in parallel over MPI ranks:

    mpiexec -n 2 python -m hydrobridge.demos.permittivity --out out/permittivity [--quick] [--ideal]
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np

from mpi4py import MPI

from hydrobridge.closures.rotational import Debye, DipolarParameters, GradRotational, LocalEquilibrium
from hydrobridge.continuum.dipolar import DipolarFluid
from hydrobridge.continuum.permittivity import closure_run_settings, eps_tensor_from_nn, run_sheet_response, sheet_pair_for
from hydrobridge.demos.dipolar_options import system_options
from hydrobridge.config import Option, study_main
from hydrobridge.tasks import run_tasks
from hydrobridge.particles.dipolar.replica import equilibrated, md_system

CLOSURES = ("lorentz_fitted", "debye_fitted", "grad_damped", "debye_ideal", "grad", "local_equilibrium")

SCHEMA = {
    "out": Option(str, "out/permittivity", "output folder"),
    **system_options(64),
    "dt": Option(float, 0.005, "MD time step", minimum=0.0, open_minimum=True),
    "equil_steps": Option(int, 4000, "equilibration steps before each MD run", minimum=0),
    "fluct_steps": Option(int, 40000, "steps of each equilibrium (fluctuation) replica", minimum=100),
    "fluct_replicas": Option(int, 2, "independent equilibrium replicas", minimum=1),
    "ac_steps": Option(int, 20000, "steps of each AC run (at least blocks + 2 periods)", minimum=100),
    "e0": Option(float, 0.2, "AC field amplitude", minimum=0.0, open_minimum=True),
    "omegas": Option(list, [1.0, 3.0, 6.0, 12.0], "angular frequencies", item=float, minimum=0.0,
                     open_minimum=True),
    "max_lag": Option(int, 1000, "correlation length in steps for the fluctuation route", minimum=10),
    "blocks": Option(int, 10, "blocks for standard errors", minimum=2),
    "closures": Option(list, list(CLOSURES), "continuum closures to run", item=str, choices=CLOSURES),
    "seed": Option(int, 1, "base random seed", minimum=0),
}

QUICK = {"n_particles": 36, "equil_steps": 2000, "fluct_steps": 16000, "ac_steps": 8000, "max_lag": 400,
         "omegas": [2.0, 5.0, 12.0], "blocks": 5}
IDEAL = {"interactions": False, "omegas": [0.3, 1.0, 3.0, 10.0]}


def fit_grid(config: dict) -> np.ndarray:
    w = np.asarray(config["omegas"])
    return np.logspace(np.log10(w.min()) - 0.5, np.log10(w.max()) + 0.3, 24)


def fluct_task(config: dict, key: str) -> dict:
    from hydrobridge.particles.dipolar.response import fluctuation_permittivity_tensor, polarization_series

    params, base, state, rng = equilibrated(config, key)
    m = polarization_series(base, params, state, config["kT"], config["gamma"], config["gamma_r"],
                            config["dt"], config["fluct_steps"], 0.0, 0.0, rng)
    w = np.concatenate([config["omegas"], fit_grid(config), [1e-9]])
    eps, err = fluctuation_permittivity_tensor(m, config["dt"], w, config["kT"], params.eps0, params.area,
                                               config["max_lag"], config["blocks"])
    return {"re": eps.real.tolist(), "im": eps.imag.tolist(), "err_re": err.real.tolist(),
            "err_im": err.imag.tolist()}


def ac_task(config: dict, key: str, omega: float, direction: int) -> dict:
    from hydrobridge.particles.dipolar.response import lockin_amplitude, polarization_series

    params, base, state, rng = equilibrated(config, key)
    e = (1.0, 0.0) if direction == 0 else (0.0, 1.0)
    skip = int(round(2 * np.pi / (omega * config["dt"])))          # one period of transient
    steps = max(config["ac_steps"], (config["blocks"] + 2) * skip)  # at least one period per block
    m = polarization_series(base, params, state, config["kT"], config["gamma"], config["gamma_r"],
                            config["dt"], steps, config["e0"], omega, rng, direction=e)
    scale = params.eps0 * params.area * config["e0"]
    column, column_err = [], []
    for a in range(2):
        amp, err = lockin_amplitude(m[skip:, a], config["dt"], omega, n_blocks=config["blocks"])
        column.append(amp / scale + (1.0 if a == direction else 0.0))
        column_err.append(err / scale)
    return {"re": [c.real for c in column], "im": [c.imag for c in column],
            "err_re": [c.real for c in column_err], "err_im": [c.imag for c in column_err]}


# ----------------------------------------------------------------------------------------------------
# closures from the MD system and the continuum route
def continuum_parameters(config: dict) -> tuple[DipolarParameters, float]:
    params, _ = md_system(config)
    par = DipolarParameters(mu=params.mu, mass=params.m, inertia=params.inertia, kT=config["kT"],
                            kT_r=config["kT"], eps0=params.eps0)
    return par, config["density"]


def _weighted_fit(w: np.ndarray, eps: np.ndarray, err: np.ndarray, model, x0, lower) -> tuple[np.ndarray, float]:
    """Least squares of complex eps(w) against model(w, x), residuals weighted by the standard errors."""
    from scipy.optimize import least_squares

    sig_re, sig_im = np.maximum(np.abs(err.real), 1e-6), np.maximum(np.abs(err.imag), 1e-6)

    def resid(x):
        m = model(w, x)
        return np.concatenate([(m.real - eps.real) / sig_re, (m.imag - eps.imag) / sig_im])

    sol = least_squares(resid, x0, bounds=(lower, [np.inf] * len(x0)))
    return sol.x, float(np.sum(sol.fun**2) / max(1, 2 * len(w) - len(x0)))


def fit_closures(w: np.ndarray, eps: np.ndarray, err: np.ndarray, par: DipolarParameters) -> dict:
    """Debye 1 + chi/(1 - i w tau) and Lorentz 1 + chi w0^2/(w0^2 - w^2 - i w g) fitted to the MD spectrum."""
    chi0 = max(eps.real[0] - 1, 1e-3)
    (chi_d, tau), red_d = _weighted_fit(w, eps, err, lambda w, x: 1 + x[0] / (1 - 1j * w * x[1]),
                                        [chi0, 1.0 / w[np.argmax(eps.imag)]], [0, 1e-6])
    (chi_l, w0, g), red_l = _weighted_fit(w, eps, err, lambda w, x: 1 + x[0] * x[1]**2 / (x[1]**2 - w**2 - 1j * w * x[2]),
                                          [chi0, par.w0, 1.0], [0, 1e-3, 0])
    return {"debye": {"chi_s": float(chi_d), "tau": float(tau), "reduced_chi2": red_d},
            "lorentz": {"chi_s": float(chi_l), "w0": float(w0), "friction": float(g), "reduced_chi2": red_l}}


def make_closure(name: str, config: dict, fitted: dict):
    par, n = continuum_parameters(config)
    if name == "debye_fitted":
        return Debye(fitted["debye"]["tau"], chi_s=fitted["debye"]["chi_s"], density=n)
    if name == "lorentz_fitted":
        f = fitted["lorentz"]
        return GradRotational(friction=f["friction"], chi_s=f["chi_s"], density=n, w0=f["w0"])
    if name == "debye_ideal":
        return Debye(par.inertia * config["gamma_r"] / config["kT"])
    if name == "grad_damped":
        return GradRotational(friction=config["gamma_r"])
    if name == "grad":
        return GradRotational()
    return LocalEquilibrium()


def continuum_task(config: dict, fitted: dict, closure_name: str, omega: float, orientation: str) -> list[float]:
    par, n = continuum_parameters(config)
    closure = make_closure(closure_name, config, fitted)
    kw = closure_run_settings(closure, par, n, omega)

    def make(sp, forcing):
        return DipolarFluid(sp.mesh, par, closure, n, translation=False, facet_tags=sp.facet_tags,
                            forcing=forcing, sheet_length=sp.sheet_length)

    r = run_sheet_response(make, sheet_pair_for(MPI.COMM_SELF, orientation), omega, 1.0, par.eps0, **kw)
    return [r.eps_nn.real, r.eps_nn.imag]


# ----------------------------------------------------------------------------------------------------
def combine_replicas(results: list[dict]) -> tuple[np.ndarray, np.ndarray]:
    """Mean over replicas; standard error combined from the replicas' block errors."""
    eps = np.mean([np.array(r["re"]) + 1j * np.array(r["im"]) for r in results], axis=0)
    err_re = np.sqrt(np.sum([np.array(r["err_re"]) ** 2 for r in results], axis=0)) / len(results)
    err_im = np.sqrt(np.sum([np.array(r["err_im"]) ** 2 for r in results], axis=0)) / len(results)
    return eps, err_re + 1j * err_im


def run_study(config: dict, out: Path, resume: bool = False) -> dict:
    comm = MPI.COMM_WORLD
    out = Path(out)
    omegas = list(config["omegas"])
    md_tasks = [(f"fluct/{r}", lambda r=r: fluct_task(config, f"fluct/{r}")) for r in range(config["fluct_replicas"])]
    md_tasks += [(f"ac/{w:.6g}/{'xy'[d]}", lambda w=w, d=d: ac_task(config, f"ac/{w:.6g}/{'xy'[d]}", w, d))
                 for w in omegas for d in (0, 1)]
    md = run_tasks(md_tasks, out / "md", resume, comm, label="permittivity/md")

    nw, nfit = len(omegas), len(fit_grid(config))
    fl, fl_err = combine_replicas([md[f"fluct/{r}"] for r in range(config["fluct_replicas"])])
    fluct, fluct_err = fl[:nw], fl_err[:nw]
    fit_w, fit_eps, fit_err = fit_grid(config), fl[nw:nw + nfit], fl_err[nw:nw + nfit]
    static, static_err = fl[-1], fl_err[-1]
    scalar = 0.5 * (fit_eps[:, 0, 0] + fit_eps[:, 1, 1])            # isotropic part: the fitted closure is scalar
    scalar_err = 0.5 * (np.abs(fit_err[:, 0, 0].real) + np.abs(fit_err[:, 1, 1].real)) \
        + 0.5j * (np.abs(fit_err[:, 0, 0].imag) + np.abs(fit_err[:, 1, 1].imag))
    fitted = fit_closures(fit_w, scalar, scalar_err, continuum_parameters(config)[0])
    ac = np.zeros((nw, 2, 2), complex)
    ac_err = np.zeros((nw, 2, 2), complex)
    for i, w in enumerate(omegas):
        for d in (0, 1):
            r = md[f"ac/{w:.6g}/{'xy'[d]}"]
            ac[i, :, d] = np.array(r["re"]) + 1j * np.array(r["im"])
            ac_err[i, :, d] = np.array(r["err_re"]) + 1j * np.array(r["err_im"])

    cont_tasks = [(f"{c}/{w:.6g}/{o}", lambda c=c, w=w, o=o: continuum_task(config, fitted, c, w, o))
                  for c in config["closures"] for w in omegas for o in ("x", "y", "45")]
    cont = run_tasks(cont_tasks, out / "continuum", resume, comm, label="permittivity/continuum")

    par, n = continuum_parameters(config)
    chi_ideal = par.static_susceptibility(n)
    # MD reference: inverse-variance combination of the two routes (each part separately), isotropic average
    iso = lambda t: 0.5 * (t[:, 0, 0] + t[:, 1, 1])  # noqa: E731
    iso_err = lambda e: 0.5 * np.hypot(e[:, 0, 0].real, e[:, 1, 1].real) + 0.5j * np.hypot(e[:, 0, 0].imag, e[:, 1, 1].imag)  # noqa: E731

    def combine(a, ea, b, eb):
        out = []
        for part in (np.real, np.imag):
            wa, wb = 1 / np.maximum(part(ea), 1e-12) ** 2, 1 / np.maximum(part(eb), 1e-12) ** 2
            out.append(((wa * part(a) + wb * part(b)) / (wa + wb), 1 / np.sqrt(wa + wb)))
        return out[0][0] + 1j * out[1][0], out[0][1] + 1j * out[1][1]

    md_ref, md_ref_err = combine(iso(ac), iso_err(ac_err), iso(fluct), iso_err(fluct_err))
    md_abs = np.abs(md_ref - 1)
    md_abs_err = np.hypot((md_ref - 1).real * md_ref_err.real, (md_ref - 1).imag * md_ref_err.imag) / md_abs
    summary = {
        "study": "eps_eff(w) of 2D dipolar molecules: MD AC lock-in, MD fluctuations, continuum closures",
        "config": config,
        "ideal_rotor_eps": 1 + chi_ideal,
        "md_static_eps_fluctuation": {"tensor_re": static.real.tolist(), "err_re": np.abs(static_err.real).tolist()},
        "fitted_closures": fitted,
        "frequencies": omegas,
        "md_ac": {"tensor_re": ac.real.tolist(), "tensor_im": ac.imag.tolist(),
                  "err_re": ac_err.real.tolist(), "err_im": ac_err.imag.tolist()},
        "md_fluctuation": {"tensor_re": fluct.real.tolist(), "tensor_im": fluct.imag.tolist(),
                           "err_re": fluct_err.real.tolist(), "err_im": fluct_err.imag.tolist()},
        "md_reference": {"description": "inverse-variance mean of AC and fluctuation routes, (xx + yy)/2",
                         "eps_re": md_ref.real.tolist(), "eps_im": md_ref.imag.tolist(),
                         "err_re": md_ref_err.real.tolist(), "err_im": md_ref_err.imag.tolist(),
                         "abs_eps_minus_1": md_abs.tolist(),
                         "relative_uncertainty_abs_eps_minus_1": (md_abs_err / md_abs).tolist()},
        "ac_vs_fluctuation_sigma": [
            float(abs(ac[i, 0, 0] - fluct[i, 0, 0]) / max(1e-12, math.hypot(abs(ac_err[i, 0, 0]), abs(fluct_err[i, 0, 0]))))
            for i in range(nw)],
        "continuum": {},
    }
    for c in config["closures"]:
        tensors = []
        for w in omegas:
            e = {o: complex(*cont[f"{c}/{w:.6g}/{o}"]) for o in ("x", "y", "45")}
            tensors.append(eps_tensor_from_nn(e["x"], e["y"], e["45"]))
        t = np.array(tensors)
        rel = np.abs(np.abs(iso(t) - 1) - md_abs) / md_abs
        summary["continuum"][c] = {"tensor_re": t.real.tolist(), "tensor_im": t.imag.tolist(),
                                   "relative_error_abs_eps_minus_1_vs_md": rel.tolist(),
                                   "max_relative_error": float(rel.max())}
    best = min(summary["continuum"], key=lambda c: summary["continuum"][c]["max_relative_error"])
    summary["best_closure"] = best
    if not config["interactions"]:
        summary["ideal_rotor_check"] = ideal_rotor_check(summary, chi_ideal)
    if comm.rank == 0:
        (out / "summary.json").write_text(json.dumps(summary, indent=2))
        plot(summary, fit_w, fit_eps, out / "eps.png")
        print(json.dumps({"best_closure": best, "max_relative_error": summary["continuum"][best]["max_relative_error"],
                          "ac_vs_fluctuation_sigma": summary["ac_vs_fluctuation_sigma"],
                          "fitted": fitted}))
    comm.barrier()
    return summary


def ideal_rotor_check(summary: dict, chi: float) -> dict:
    """At the lowest frequency, each route's Re eps_xx, eps_yy against 1 + chi = 1 + n mu^2 / (2 eps0 kT):
    the MD routes in standard errors (acceptance: < 3), the continuum closures in relative |eps - 1| error
    (acceptance: < 1%)."""
    check = {"omega": summary["frequencies"][0], "exact_eps": 1.0 + chi, "md": {}, "continuum": {}}
    for route in ("md_ac", "md_fluctuation"):
        re = np.array(summary[route]["tensor_re"])[0]
        err = np.array(summary[route]["err_re"])[0]
        check["md"][route] = {
            axis: {"eps": float(re[a, a]), "err": float(abs(err[a, a])),
                   "sigma": float(abs(re[a, a] - 1.0 - chi) / max(abs(err[a, a]), 1e-300))}
            for a, axis in enumerate(("xx", "yy"))}
    for c, res in summary["continuum"].items():
        re = np.array(res["tensor_re"])[0]
        check["continuum"][c] = float(max(abs(re[a, a] - 1.0 - chi) for a in range(2)) / chi)
    return check


def plot(summary: dict, fit_w: np.ndarray, fit_eps: np.ndarray, path: Path) -> None:
    """Re and Im of eps(w) = (eps_xx + eps_yy)/2: MD routes with error bars, the MD spectrum on a fine grid,
    the fitted closures' analytic curves, and every continuum closure's extracted values."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    w = np.array(summary["frequencies"])
    iso = lambda key, part: 0.5 * (np.array(summary[key][part])[:, 0, 0] + np.array(summary[key][part])[:, 1, 1])  # noqa: E731
    fine = np.logspace(np.log10(fit_w.min()), np.log10(fit_w.max()), 200)
    fl = summary["fitted_closures"]
    lor = 1 + fl["lorentz"]["chi_s"] * fl["lorentz"]["w0"] ** 2 / (fl["lorentz"]["w0"] ** 2 - fine**2
                                                                   - 1j * fine * fl["lorentz"]["friction"])
    deb = 1 + fl["debye"]["chi_s"] / (1 - 1j * fine * fl["debye"]["tau"])
    fig, axes = plt.subplots(1, 2, figsize=(12, 4.4))
    for k, (part, f) in enumerate((("re", np.real), ("im", np.imag))):
        ax = axes[k]
        ax.semilogx(fit_w, f(0.5 * (fit_eps[:, 0, 0] + fit_eps[:, 1, 1])), color="0.7", lw=1,
                    label="MD fluctuation spectrum")
        ax.semilogx(fine, f(lor), "C0-", lw=1, label="Lorentz fit (damped Grad closure)")
        ax.semilogx(fine, f(deb), "C1--", lw=1, label="Debye fit")
        ax.errorbar(w * 1.04, iso("md_fluctuation", f"tensor_{part}"), yerr=np.abs(iso("md_fluctuation", f"err_{part}")),
                    fmt="o", color="0.4", capsize=3, label="MD, fluctuation formula")
        ax.errorbar(w, iso("md_ac", f"tensor_{part}"), yerr=np.abs(iso("md_ac", f"err_{part}")), fmt="ks", capsize=3,
                    label="MD, AC lock-in")
        for j, c in enumerate(summary["continuum"]):
            t = np.array(summary["continuum"][c][f"tensor_{part}"])
            ax.semilogx(w, 0.5 * (t[:, 0, 0] + t[:, 1, 1]), "o^vD<>"[j % 6], color=f"C{j}", mfc="none", ms=8,
                        label=f"continuum: {c}")
        ax.set_xlabel("omega")
        ax.set_title(("Re" if part == "re" else "Im") + " eps(omega)")
    axes[0].axhline(summary["ideal_rotor_eps"], color="grey", ls=":", lw=1, label="ideal rotors, static")
    axes[1].legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    cfg = summary["config"]
    fig.suptitle(f"2D dipolar molecules, N = {cfg['n_particles']}, n = {cfg['density']}, kT = {cfg['kT']}, "
                 f"interactions {'on' if cfg['interactions'] else 'off'}")
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def main(argv=None) -> dict:
    return study_main(__doc__.splitlines()[0], SCHEMA, run_study, "out/permittivity",
                      {"quick": (QUICK, "small ensemble, 3 frequencies (minutes)"),
                       "ideal": (IDEAL, "ideal rotors (interactions off)")}, argv)


if __name__ == "__main__":
    main()
