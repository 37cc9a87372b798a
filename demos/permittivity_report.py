"""Summary and figure of the permittivity study (demos/permittivity.py, docs/theory.md §4): the MD routes, their
inverse-variance reference, every continuum closure's eps tensor and its error against the MD reference."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from hydrobridge.particles.dipolar.response import inverse_variance_mean

Pair = tuple[np.ndarray, np.ndarray]

#: what the study's err_* are (the conventions block of summary.json, docs/outputs.md)
ERRORS = ("err_* = one standard error, real and imaginary parts separately. Per MD run: from `blocks` contiguous "
          "blocks (fluctuation route: block estimates of eps; AC route: block lock-in amplitudes); fluctuation "
          "replicas combined as sqrt(sum_r err_r^2) / R; md_reference: inverse-variance mean of the two routes "
          "(closures.dipolar_spectrum, particles.dipolar.response)")
#: how md_static_eps_fluctuation is obtained
STATIC = ("md_static_eps_fluctuation: the fluctuation formula docs/theory.md (4.11) at omega = 1e-9, i.e. "
          "eps_ab - delta_ab = beta C_ab(0) / (eps0 |Omega|); ideal_rotor_eps: 1 + n mu^2 / (2 eps0 kT)")


def summarise(config: dict, chi_ideal: float, fitted: dict, md_ac: Pair, md_fluctuation: Pair, md_static: Pair,
              cont: dict) -> dict:
    """The study's summary: md_ac, md_fluctuation are the (tensor, standard error) pairs, complex (n_w, 2, 2),
    md_static the fluctuation route's static tensor (2, 2) and error; cont the continuum results by closure name:
    ContinuumEps.to_dict() at the study's frequencies (tensors and the route of each), and, for the closures
    solved in the frequency domain, "dense": the isotropic eps on a fine frequency grid."""
    omegas = list(config["omegas"])
    nw = len(omegas)
    (ac, ac_err), (fluct, fluct_err), (static, static_err) = md_ac, md_fluctuation, md_static
    # MD reference: inverse-variance combination of the two routes (each part separately), isotropic average
    iso = lambda t: 0.5 * (t[:, 0, 0] + t[:, 1, 1])  # noqa: E731
    iso_err = lambda e: 0.5 * np.hypot(e[:, 0, 0].real, e[:, 1, 1].real) + 0.5j * np.hypot(e[:, 0, 0].imag, e[:, 1, 1].imag)  # noqa: E731
    md_ref, md_ref_err = inverse_variance_mean(iso(ac), iso_err(ac_err), iso(fluct), iso_err(fluct_err))
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
        t = np.array(cont[c]["tensor_re"]) + 1j * np.array(cont[c]["tensor_im"])
        rel = np.abs(np.abs(iso(t) - 1) - md_abs) / md_abs
        summary["continuum"][c] = {"tensor_re": t.real.tolist(), "tensor_im": t.imag.tolist(),
                                   "route": cont[c]["routes"],
                                   "relative_error_abs_eps_minus_1_vs_md": rel.tolist(),
                                   "max_relative_error": float(rel.max())}
        if "dense" in cont[c]:
            summary["continuum"][c]["dense"] = cont[c]["dense"]
    best = min(summary["continuum"], key=lambda c: summary["continuum"][c]["max_relative_error"])
    summary["best_closure"] = best
    if not config["interactions"]:
        summary["ideal_rotor_check"] = ideal_rotor_check(summary, chi_ideal)
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


def headline(summary: dict) -> list[str]:
    """The facts of the study's last stdout line: best closure and its error, AC against fluctuation route."""
    best = summary["best_closure"]
    facts = [f"best closure {best}, max |eps-1| error {100 * summary['continuum'][best]['max_relative_error']:.1f} %",
             f"AC vs fluctuation within {max(summary['ac_vs_fluctuation_sigma']):.1f} sigma"]
    if "ideal_rotor_check" in summary:
        worst = max(v["sigma"] for route in summary["ideal_rotor_check"]["md"].values() for v in route.values())
        facts.append(f"ideal rotors: MD within {worst:.1f} sigma of 1 + chi")
    return facts


def plot(summary: dict, fit_w: np.ndarray, fit_eps: np.ndarray, path: Path) -> None:
    """Re and Im of eps(w) = (eps_xx + eps_yy)/2: MD routes with error bars (one standard error), the MD
    spectrum on a fine grid, the fitted closures' analytic curves, and every continuum closure's values (a
    dense curve for the closures solved in the frequency domain)."""
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
    fig, axes = plt.subplots(1, 2, figsize=(14, 4.8))
    for k, (part, f) in enumerate((("re", np.real), ("im", np.imag))):
        ax = axes[k]
        ax.semilogx(fit_w, f(0.5 * (fit_eps[:, 0, 0] + fit_eps[:, 1, 1])), color="0.7", lw=1,
                    label="MD fluctuation spectrum (fit grid)")
        ax.semilogx(fine, f(lor), "C0-", lw=1, label="Lorentz fit to MD (closure lorentz_fitted)")
        ax.semilogx(fine, f(deb), "C1--", lw=1, label="Debye fit to MD (closure debye_fitted)")
        ax.errorbar(w * 1.04, iso("md_fluctuation", f"tensor_{part}"), yerr=np.abs(iso("md_fluctuation", f"err_{part}")),
                    fmt="o", color="0.4", capsize=3, label="MD, fluctuation formula (+- 1 s.e.)")
        ax.errorbar(w, iso("md_ac", f"tensor_{part}"), yerr=np.abs(iso("md_ac", f"err_{part}")), fmt="ks", capsize=3,
                    label="MD, AC lock-in (+- 1 s.e.)")
        for j, (c, res) in enumerate(summary["continuum"].items()):
            t = np.array(res[f"tensor_{part}"])
            ax.semilogx(w, 0.5 * (t[:, 0, 0] + t[:, 1, 1]), "o^vD<>"[j % 6], color=f"C{j}", mfc="none", ms=8,
                        label=f"continuum, closure {c} ({'/'.join(sorted(set(res['route'])))} domain)")
        bottom, top = ax.get_ylim()           # the data's range: the pole of an undamped closure runs off-scale
        for j, (c, res) in enumerate(summary["continuum"].items()):
            if "dense" in res:
                ax.semilogx(res["dense"]["omegas"], res["dense"][f"eps_{part}"], "-", color=f"C{j}", lw=0.8, alpha=0.6,
                            label=f"continuum, closure {c}, {len(res['dense']['omegas'])} frequencies")
        ax.set_ylim(bottom, top)
        if part == "re":
            ax.axhline(summary["ideal_rotor_eps"], color="grey", ls=":", lw=1,
                       label="ideal rotors, static: 1 + n mu^2 / (2 eps0 kT)")
        else:
            ax.axhline(0.0, color="k", lw=0.5)
        name = "Re" if part == "re" else "Im"
        ax.set_xlabel("angular frequency omega  [1/t*, t* = s sqrt(m/e_s)]")
        ax.set_ylabel(f"{name} eps(omega) / eps0,  eps = (eps_xx + eps_yy)/2")
        ax.set_title(f"{name} eps(omega)" + ("  (Im > 0: loss)" if part == "im" else ""))
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, fontsize=7.5, loc="center left", bbox_to_anchor=(0.75, 0.5))
    cfg = summary["config"]
    fig.suptitle(f"Permittivity of 2D dipolar molecules, (eps_xx + eps_yy)/2 against omega: N = {cfg['n_particles']}, "
                 f"n = {cfg['density']}, kT = {cfg['kT']}, interactions {'on' if cfg['interactions'] else 'off'} "
                 "(reduced units)", fontsize=10)
    fig.tight_layout(rect=(0, 0, 0.75, 1))
    fig.savefig(path, dpi=110)
    plt.close(fig)
