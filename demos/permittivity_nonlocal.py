"""The nonlocal part of the main job (demos/permittivity.py): the static longitudinal permittivity eps_L(k) at the
box's wavevectors k = 2 pi n / L, n = 1..nonlocal_modes (docs/theory.md (4.18)-(4.28)).

* MD: the fixed-charge fluctuation formula (4.21) (point dipoles: M_L route; the charge route rho_q and eps_T (4.22)
  alongside) from the main job's equilibrium (fluctuation) replicas, sampled by a passive observer
  (particles.dipolar.nonlocal_response.ModeSampler every SAMPLE_EVERY steps, so the MD and its other numbers are
  unchanged); jackknife errors over the replicas' blocks.
* continuum (continuum.wavevector_response, algebraic (4.24)-(4.26)): the mean-field closure (grad_damped, the
  ideal chi_s: eps_L = 1 + chi_s at every k), the closure fitted at k = 0 (lorentz_fitted), and the correlated
  closures of the main job with their nonlocal kernel (4.29) (closures.dipolar_correlated.NonlocalKernel): correlated
  (c_sr_L(k) at each k from the same equilibrium-MD pair harmonics as its local c0) and the MD-free correlated_rpa
  (whose kernel is the correlation hole (4.28) of the core diameter s); per k, the fraction of the mean-field error
  each removes, 1 - |eps_L - eps_L^MD| / |eps_L^mean field - eps_L^MD|, and their transverse eps_T(k) = 1 + chi_T(k, 0)
  (closed form, CorrelatedGrad.wavevector_susceptibility; no depolarising field); the kernel K~_MD(k) of (4.26) that would
  reproduce MD with the mean-field chi_s. The correlated rows need the interactions (the kernel (4.29) is the
  correlation beyond the Poisson part, which ideal rotors do not have).

Outputs: the summary block "eps_longitudinal_k" and the figure eps_L_k.png.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

import numpy as np

from hydrobridge.config import Option
from hydrobridge.continuum.wavevector_response import implied_kernel, wavevector_permittivity
from hydrobridge.demos.dipolar_options import continuum_molecule, study_closure
from hydrobridge.particles.dipolar.nonlocal_response import ModeSampler, box_wavevectors, nonlocal_permittivity
from hydrobridge.particles.dipolar.replica import ReplicaSetup

__all__ = ["OPTION", "SAMPLE_EVERY", "mode_sampler", "with_sampler", "nonlocal_summary", "plot_nonlocal"]

#: the study key (0: no nonlocal response)
OPTION = Option(int, 3, "box wavevectors 2 pi n / L, n = 1..nonlocal_modes along x and y, of the static eps_L(k) "
                "(docs/theory.md (4.21)) from the fluctuation replicas (0: none)", minimum=0)
#: MD steps between samples of the wavevector modes
SAMPLE_EVERY = 10
#: continuum closures of the comparison: mean field (ideal chi_s) and fitted at k = 0
MEAN_FIELD, FITTED = "grad_damped", "lorentz_fitted"
#: the correlated closures (with their nonlocal kernel (4.29))
CORRELATED = ("correlated", "correlated_rpa")

Observer = Callable[[int, object, object], None]


def mode_sampler(setup: ReplicaSetup, config: dict) -> ModeSampler | None:
    """The observer of a fluctuation replica (None if config["nonlocal_modes"] is 0)."""
    n_max = config["nonlocal_modes"]
    return ModeSampler(setup.system.model(), n_max, SAMPLE_EVERY) if n_max else None


def with_sampler(observe: Observer | None, sampler: ModeSampler | None) -> Observer | None:
    """observe, then sampler (either may be None)."""
    if sampler is None or observe is None:
        return sampler or observe

    def both(step, s, c):
        observe(step, s, c)
        sampler(step, s, c)

    return both


def nonlocal_summary(config: dict, setup: ReplicaSetup, fluct_runs: list[dict], fitted: dict, correlated: dict,
                     static: complex, static_err: float) -> dict:
    """The summary block: MD eps_L(k), 1/eps_L, eps_L by the charge route, eps_T with errors (fluct_runs: the
    replicas' task results with "modes", ModeSampler.block_means), the conducting-boundary static eps (4.9)
    (static, static_err: the isotropic (xx + yy)/2), and the continuum's static eps_L(k): the mean-field and fitted
    closures, and the correlated closures (correlated: demos.dipolar_options.correlated_inputs) with their
    nonlocal kernel (4.29)."""
    params, bath = setup.system.model(), setup.thermostat
    kvecs = box_wavevectors(params.box, config["nonlocal_modes"])
    blocks = [np.array(r["modes"]) for r in fluct_runs]
    md = nonlocal_permittivity(blocks, kvecs, bath.kT, params.eps0, params.area)
    charge = nonlocal_permittivity(blocks, kvecs, bath.kT, params.eps0, params.area, route="charge")
    par, n = continuum_molecule(config), config["density"]
    chi = par.static_susceptibility(n)

    def continuum(name: str, nonlocal_kernel: bool = False) -> np.ndarray:
        closure = study_closure(config, fitted, correlated, name)
        kernel = closure.nonlocal_kernel(par) if nonlocal_kernel else None
        return wavevector_permittivity(closure, par, n, md.k, [0.0], kernel)[:, 0].real

    inv = md.inv_eps_L
    mean_field = continuum(MEAN_FIELD)
    block = {
        "description": "static longitudinal permittivity eps_L(k) at the box wavevectors (docs/theory.md (4.18)-(4.29))",
        "k": md.k.tolist(),
        "md": md.to_dict(),
        "md_charge_route": {"eps_L": charge.eps_L.tolist(), "err_eps_L": charge.err_eps_L.tolist()},
        "md_static_eps_conducting": {"eps": float(static.real), "err": float(abs(static_err))},
        "mean_field": {"closure": MEAN_FIELD, "eps_L": mean_field.tolist()},
        "fitted_at_k0": {"closure": FITTED, "eps_L": continuum(FITTED).tolist()},
        "kernel_md": {"description": "K~_MD(k) = 1/chi_s - 1/(eps_L^MD - 1), docs/theory.md (4.26), chi_s ideal",
                      "chi_s": chi, "kernel": implied_kernel(inv, chi).tolist(),
                      "err": (md.err_inv_eps_L / (1 - inv) ** 2).tolist()},
        "sample_every": SAMPLE_EVERY,
    }
    for name in CORRELATED if config["interactions"] else ():     # (4.29) subtracts the Coulomb (Poisson) part
        closure = study_closure(config, fitted, correlated, name)
        kernel = closure.nonlocal_kernel(par)
        eps = continuum(name, nonlocal_kernel=True)
        block[name] = {"closure": name, "c0": kernel.correlation.c0,
                       "kernel": [kernel.kernel(float(k)) for k in md.k], "eps_L": eps.tolist(),
                       "eps_T": (1 + closure.wavevector_susceptibility(par, n, md.k, 0.0)[1].real).tolist(),
                       "fraction_of_mean_field_error_removed":
                           (1 - np.abs(eps - md.eps_L) / np.abs(mean_field - md.eps_L)).tolist()}
    if not config["interactions"]:
        block["ideal_rotor_check"] = {
            "description": "no Coulomb law in the dynamics, so (4.21) does not apply: the bare response chi_0(k) = "
                           "beta <|M_L|^2> / (eps0 |Omega|) against n mu^2 / (2 eps0 kT), docs/theory.md (4.23)",
            "chi_0": (1 - inv).tolist(), "err": md.err_inv_eps_L.tolist(), "expected": chi}
    return block


def plot_nonlocal(block: dict, path: Path) -> None:
    """eps_L_k.png: 1/eps_L(k) (left) and eps_L(k), eps_T(k) (right): MD with standard errors, the continuum lines
    (the correlated closures' eps_T as open triangles), the conducting-boundary static eps at k = 0."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    k, md = np.array(block["k"]), block["md"]
    static = block["md_static_eps_conducting"]
    lines = [("mean_field", "mean field (ideal chi_s)", "C0", "-"), ("fitted_at_k0", "closure fitted at k = 0", "C1", "--"),
             ("correlated", "correlated, MD pair harmonics (4.29)", "C2", "-."),
             ("correlated_rpa", "correlated, random phase (4.28)", "C3", ":")]
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4))
    left.errorbar(k, md["inv_eps_L"], md["err_inv_eps_L"], fmt="ks", label="MD, fixed charge (4.21)")
    left.errorbar([0.0], [1 / static["eps"]], [static["err"] / static["eps"] ** 2], fmt="o", color="grey",
                  mfc="none", label="MD, 1/eps conducting (4.9)")
    right.errorbar(k, md["eps_L"], md["err_eps_L"], fmt="ks", label="MD eps_L (4.21)")
    right.errorbar(k, md["eps_T"], md["err_eps_T"], fmt="^", color="grey", mfc="none", label="MD eps_T (4.22)")
    right.errorbar([0.0], [static["eps"]], [static["err"]], fmt="o", color="grey", mfc="none", label="MD eps (4.9)")
    for key, label, colour, style in (line for line in lines if line[0] in block):
        eps = np.array(block[key]["eps_L"])
        left.plot(k, 1 / eps, style, color=colour, marker=".", label=label)
        right.plot(k, eps, style, color=colour, marker=".", label=label)
        if "eps_T" in block[key]:
            right.plot(k, block[key]["eps_T"], "^", color=colour, mfc="none", label=f"{label}: eps_T")
    left.set(xlabel="wavenumber k  [1/s]", ylabel="eps0 / eps_L(k)", title="inverse longitudinal permittivity")
    right.set(xlabel="wavenumber k  [1/s]", ylabel="eps_L(k) / eps0,  eps_T(k) / eps0", title="static eps_L(k), eps_T(k)")
    for ax in (left, right):
        ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
