"""Summary and figures of the coupled dipolar study (demos/dipolar_coupled.py, docs/theory.md §2-§4): MD
replica means with standard errors against every continuum variant (relative L2 errors of the profiles, the
drop amplitude and the drop waveform)."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from hydrobridge.closures.dipolar_md import DipolarMDClosures, sheet_pdv_relaxation_time
from hydrobridge.closures.rotational import DipolarParameters
from hydrobridge.particles.dipolar.sheet_profiles import SheetGeometry


#: what the study's err_* are (the conventions block of summary.json, docs/outputs.md)
ERRORS = ("*_err = one standard error over the sheet_replicas independent sheet-forced MD replicas (standard "
          "deviation / sqrt(R)); for a complex amplitude the hypot of the Re and Im standard errors. "
          "md.sampling_error: relative L2 norm of those errors (the noise floor of the *_error entries of "
          "continuum). Fitted closures (closures.json): errors from the equilibrium replicas' fits "
          "(closures.dipolar_md.combine_replica_fits) and the pressure's block standard errors")


def headline(summary: dict) -> list[str]:
    """The facts of the study's last stdout line: the closure variant closest to MD in the drop amplitude."""
    cont = summary["continuum"]
    best = min(cont, key=lambda k: cont[k]["drop_error"])
    return [f"best drop amplitude {best} (relative error {100 * cont[best]['drop_error']:.1f} %, "
            f"P_x profile {100 * cont[best]['P_x_error']:.1f} %)",
            f"MD sampling error of the drop {100 * summary['md']['sampling_error']['drop']:.1f} %"]


def _rel_l2(a: np.ndarray, b: np.ndarray, scale: float) -> float:
    return float(np.linalg.norm(a - b) / scale)


def _waveform(phase: list, wave: list, grid: np.ndarray) -> np.ndarray:
    return np.interp(grid, np.asarray(phase), np.asarray(wave), period=2 * math.pi)


def summarise(config: dict, geo: SheetGeometry, molecule: DipolarParameters, fits: DipolarMDClosures, md: dict,
              cont: dict) -> dict:
    """Per-closure relative L2 errors against the MD replica mean (with the MD standard error beside)."""
    nc = config["mesh_cells"]
    reps = [md[f"sheet/{r}"] for r in range(config["sheet_replicas"])]
    amps = np.array([np.array(r["amp_re"]) + 1j * np.array(r["amp_im"]) for r in reps])
    means = np.array([r["mean"] for r in reps])
    R = len(reps)
    amp, amp_err = amps.mean(axis=0), np.hypot(amps.real.std(axis=0, ddof=1), amps.imag.std(axis=0, ddof=1)) / math.sqrt(R)
    mean, mean_err = means.mean(axis=0), means.std(axis=0, ddof=1) / math.sqrt(R)
    grid = np.linspace(0, 2 * math.pi, 64, endpoint=False)
    waves = np.array([_waveform(r["wave_phase"], r["wave"], grid) for r in reps])
    wave, wave_err = waves.mean(axis=0), waves.std(axis=0, ddof=1) / math.sqrt(R)
    s_rho, s_p, s_psi, s_drop, s_dv = slice(0, nc), slice(nc, 2 * nc), slice(2 * nc, 3 * nc), 3 * nc, slice(3 * nc + 1, None)
    norm = lambda v: float(np.linalg.norm(v))  # noqa: E731
    n_ref = config["density"] * math.sqrt(nc)
    md_block = {
        "points": geo.points.tolist(), "sheets": [geo.a, geo.b], "drop_vacuum": geo.drop_vacuum,
        "P_x_amp_re": amp[s_p].real.tolist(), "P_x_amp_im": amp[s_p].imag.tolist(), "P_x_amp_err": amp_err[s_p].tolist(),
        "psi_amp_re": amp[s_psi].real.tolist(), "psi_amp_im": amp[s_psi].imag.tolist(),
        "psi_amp_err": amp_err[s_psi].tolist(), "rho_mean": mean[s_rho].tolist(), "rho_mean_err": mean_err[s_rho].tolist(),
        "P_dv_xx_amp_re": amp[s_dv].real.tolist(), "P_dv_xx_amp_im": amp[s_dv].imag.tolist(),
        "P_dv_xx_amp_err": amp_err[s_dv].tolist(),
        "P_dv_xx_max_sigma": float(np.max(np.abs(amp[s_dv]) / amp_err[s_dv])),
        "rho_amp_abs": np.abs(amp[s_rho]).tolist(), "drop_amp": [amp[s_drop].real, amp[s_drop].imag],
        "drop_amp_err": float(amp_err[s_drop]), "wave_phase": grid.tolist(), "wave": wave.tolist(),
        "wave_err": wave_err.tolist(),
        "eps_eff_from_drop": [complex(geo.drop_vacuum / amp[s_drop]).real, complex(geo.drop_vacuum / amp[s_drop]).imag],
        "sampling_error": {"P_x": norm(amp_err[s_p]) / norm(amp[s_p]), "psi": norm(amp_err[s_psi]) / norm(amp[s_psi]),
                           "rho_mean": norm(mean_err[s_rho]) / n_ref, "drop": float(amp_err[s_drop] / abs(amp[s_drop])),
                           "wave": norm(wave_err) / norm(wave)},
    }
    md_block["P_dv_sheet_time"] = sheet_pdv_relaxation_time(amps[:, s_p], amps[:, s_dv], geo.length / nc,
                                                            config["sigma0"], molecule,
                                                            config["density"])
    out = {"study": "dipolar MD vs continuum with MD-fitted closures, sheet-pair AC forcing (docs/theory.md §2-§4)",
           "config": config, "fitted_closures": fits.to_dict(), "md": md_block, "continuum": {}}
    out["fitted_closures"]["pair"] = "see closures.json"
    for key, r in cont.items():
        a = np.array(r["amp_re"]) + 1j * np.array(r["amp_im"])
        m = np.array(r["mean"])
        cw = _waveform(r["wave_phase"], r["wave"], grid)
        out["continuum"][key] = {
            "P_x_error": _rel_l2(a[s_p], amp[s_p], norm(amp[s_p])),
            "psi_error": _rel_l2(a[s_psi], amp[s_psi], norm(amp[s_psi])),
            "rho_mean_error": _rel_l2(m[s_rho], mean[s_rho], n_ref),
            "drop_error": float(abs(a[s_drop] - amp[s_drop]) / abs(amp[s_drop])),
            "wave_error": _rel_l2(cw, wave, norm(wave)),
            "drop_amp": [a[s_drop].real, a[s_drop].imag],
            "P_x_amp_re": a[s_p].real.tolist(), "P_x_amp_im": a[s_p].imag.tolist(),
            "psi_amp_re": a[s_psi].real.tolist(), "psi_amp_im": a[s_psi].imag.tolist(),
            "rho_mean": m[s_rho].tolist(), "wave": cw.tolist(), "dt": r["dt"], "steps": r["steps"]}
    return out


def plot(summary: dict, out: Path) -> None:
    """profiles.png: Re/Im of the P_x and psi amplitudes, the mean rho and the MD P_dv_xx amplitude across the
    sheets (MD with error bars, every continuum variant); response.png: the drop over one period."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    md, cont = summary["md"], summary["continuum"]
    x = np.array(md["points"])
    style = lambda k: "-" if k.endswith("mf") else "--"  # noqa: E731
    name = lambda k: k.replace("/mf", ", mean field").replace("/d2", ", + D2")  # noqa: E731
    fig, grid = plt.subplots(2, 3, figsize=(17, 8.5))
    axes = grid.ravel()
    panels = [("P_x", "re", "P_x^: dipole moment per area"), ("P_x", "im", "P_x^: dipole moment per area"),
              ("psi", "re", "psi^ - <psi^>: e_s per charge unit"), ("psi", "im", "psi^ - <psi^>: e_s per charge unit")]
    for ax, (f, part, unit) in zip(axes, panels):
        ax.errorbar(x, md[f"{f}_amp_{part}"], yerr=md[f"{f}_amp_err"], fmt="ks", capsize=3, label="MD (+- 1 s.e.)")
        for j, (k, v) in enumerate(cont.items()):
            ax.plot(x, v[f"{f}_amp_{part}"], style(k), color=f"C{j // 2}", label=f"continuum {name(k)}")
        label = f"{'Re' if part == 're' else 'Im'} {f}^(x)"
        ax.set_title(f"{label}, lock-in amplitude at omega")
        ax.set_ylabel(f"{label}  [{unit}]")
    axes[4].errorbar(x, md["rho_mean"], yerr=md["rho_mean_err"], fmt="ks", capsize=3, label="MD (+- 1 s.e.)")
    for j, (k, v) in enumerate(cont.items()):
        axes[4].plot(x, v["rho_mean"], style(k), color=f"C{j // 2}", label=f"continuum {name(k)}")
    axes[4].set_title("time-mean number density rho(x)")
    axes[4].set_ylabel("rho  [molecules per area, 1/s^2]")
    for part, fmt in (("re", "ks"), ("im", "bo")):
        axes[5].errorbar(x, md[f"P_dv_xx_amp_{part}"], yerr=md["P_dv_xx_amp_err"], fmt=fmt, capsize=3,
                         label=f"MD, {'Re' if part == 're' else 'Im'} (+- 1 s.e.)")
    axes[5].axhline(0.0, color="C0", label="every closure (P_dv = 0)")
    axes[5].set_title("P_dv_xx^(x), lock-in amplitude at omega")
    axes[5].set_ylabel("P_dv_xx^  [per area, reduced units]")
    lo, hi = axes[5].get_ylim()
    axes[5].set_ylim(lo, hi + 0.6 * (hi - lo))          # room for the legend above the data
    axes[5].legend(fontsize=7, loc="upper left")
    for ax in axes:
        ax.set_xlabel("x, across the sheets  [s]")
        for s_ in md["sheets"]:
            ax.axvline(s_, color="grey", lw=0.5)
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, fontsize=8, loc="center left", bbox_to_anchor=(0.825, 0.5),
               title="grey lines: sheets; dashed\n(+ D2 pair correlation) hides\nunder solid where they coincide", title_fontsize=8)
    cfg = summary["config"]
    fig.suptitle(f"Sheet-pair forcing sigma0 cos(omega t), omega = {cfg['omega']:g}, sigma0 = {cfg['sigma0']:g}, "
                 f"N = {cfg['n_particles']}, n = {cfg['density']:g}, kT = {cfg['kT']:g}: profiles across the sheets "
                 "(reduced units, X(t) = Re[X^ exp(-i omega t)])", fontsize=10)
    fig.tight_layout(rect=(0, 0, 0.82, 1))
    fig.savefig(out / "profiles.png", dpi=100)
    plt.close(fig)
    fig, ax = plt.subplots(figsize=(9, 4.6))
    ph = np.array(md["wave_phase"])
    ax.fill_between(ph, np.array(md["wave"]) - md["wave_err"], np.array(md["wave"]) + md["wave_err"], color="0.8",
                    label="MD +- 1 standard error")
    ax.plot(ph, md["wave"], "k-", label="MD, replica mean")
    ax.plot(ph, md["drop_vacuum"] * np.cos(ph), ":", color="0.3", lw=2, zorder=5,
            label="vacuum: sigma0 L / (4 eps0) cos(omega t)")
    for j, (k, v) in enumerate(cont.items()):
        ax.plot(ph, v["wave"], style(k), color=f"C{j // 2}", label=f"continuum {name(k)}")
    ax.set_xlabel("phase omega t (mod 2 pi)  [rad]")
    ax.set_ylabel("potential drop psi(L/4) - psi(3L/4)  [e_s per charge unit]")
    ax.set_title("Potential drop between the sheets over one forcing period")
    ax.legend(fontsize=7, loc="center left", bbox_to_anchor=(1.01, 0.5),
              title="dashed (+ D2 pair correlation) hides\nunder solid where they coincide", title_fontsize=7)
    fig.tight_layout()
    fig.savefig(out / "response.png", dpi=100)
    plt.close(fig)
