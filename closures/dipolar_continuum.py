"""What the continuum dipolar fluid gets from the particle model (docs/theory.md §2-§3).

* continuum_parameters: the one conversion from the MD model (particles.dipolar.model.DipolarBoxModel: box,
  molecule, short range) and the bath temperature kT to the continuum's closures.rotational.DipolarParameters
  (mu = q l, mass m, inertia I = m l^2 / 4, kT = kT_r = the bath temperature, eps0).
* dipolar_closure: the one factory name -> rotational closure, from the molecular parameters and whatever
  was fitted (closures.dipolar_md, closures.dipolar_spectrum):

    local_equilibrium  no static response (P_dw = 0)
    grad               undamped Grad; chi_s, w0 of the equilibrium fluctuations if `relaxation` is given,
                       else the ideal-rotor values n mu^2 / (2 eps0 kT), sqrt(kT / I)
    grad_damped        ideal-rotor Grad damped by the bath's rotational friction rate
    debye              Debye with the equilibrium chi_s and tau_D (needs `relaxation`)
    debye_ideal        ideal-rotor Debye, tau_D = I gamma_r / kT
    debye_fitted       Debye fitted to the spectrum (needs `spectrum`)
    lorentz_fitted     damped Grad fitted to the spectrum (needs `spectrum`)
    measured           damped Grad from the uniform-field P_dw response (needs `transport`)
    correlated         correlated Grad (closures.dipolar_correlated, docs/theory.md (3.23), (3.28)): the equilibrium
                       pair harmonics (needs `correlation`), w0 from the sum rule, the bath friction plus the
                       single-dipole cage memory (needs `single_dipole_memory`); equilibrium MD only, no response
                       is fitted
    correlated_markov  the same with the memoryless single-dipole friction g = w0^2 tau_s (needs `correlation`,
                       `single_dipole_friction`)
    correlated_rpa     correlated Grad with the MD-free correlation of the pair potential (needs `correlation`,
                       a PotentialCorrelation), the bath's rotational friction (needs `bath_friction`)
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from hydrobridge.closures.dipolar_correlated import CorrelatedGrad
from hydrobridge.closures.rotational import Debye, DipolarParameters, GradRotational, LocalEquilibrium
from hydrobridge.particles.dipolar.model import DipolarBoxModel

__all__ = ["CLOSURE_NAMES", "continuum_parameters", "dipolar_closure"]

#: every name dipolar_closure knows (module doc)
CLOSURE_NAMES = ("local_equilibrium", "grad", "grad_damped", "debye", "debye_ideal", "debye_fitted", "lorentz_fitted",
                 "measured", "correlated", "correlated_markov", "correlated_rpa")


def continuum_parameters(params: DipolarBoxModel, kT: float) -> DipolarParameters:
    """The continuum's molecular parameters of the MD model `params` at bath temperature kT (energy units)."""
    return DipolarParameters(mu=params.mu, mass=params.m, inertia=params.inertia, kT=kT, kT_r=kT, eps0=params.eps0)


def _needs(name: str, what: str, value: Any) -> Any:
    if value is None:
        raise ValueError(f"name = {name!r}: needs {what}")
    return value


def dipolar_closure(name: str, *, density: float, molecule: DipolarParameters | None = None,
                    bath_friction: float | None = None, relaxation: Mapping[str, float] | None = None,
                    spectrum: Mapping[str, Mapping[str, float]] | None = None,
                    transport: Mapping[str, float] | None = None, correlation: Any = None,
                    single_dipole_friction: float | None = None, single_dipole_memory: Any = None):
    """The rotational closure `name` (module doc) at number density `density`.

    molecule: continuum_parameters() (for debye_ideal); bath_friction: the rotational Langevin friction rate
    gamma_r (1 / time; grad_damped, debye_ideal); relaxation: closures.dipolar_md.rotational_relaxation()
    (chi_s, w0, tau_D); spectrum: closures.dipolar_spectrum.fit_spectrum(); transport:
    closures.dipolar_md.fit_dw_response() (chi_s, w0, friction); correlation: a correlation source of
    closures.dipolar_correlated (PairHarmonicCorrelation for correlated, PotentialCorrelation for correlated_rpa);
    single_dipole_friction: closures.dipolar_correlated.single_dipole_friction() (1 / time); single_dipole_memory:
    closures.dipolar_correlated.single_dipole_memory().
    """
    n = density
    if name == "local_equilibrium":
        return LocalEquilibrium()
    if name == "grad":
        if relaxation is None:
            return GradRotational()
        return GradRotational(chi_s=relaxation["chi_s"], density=n, w0=relaxation["w0"])
    if name == "grad_damped":
        return GradRotational(friction=_needs(name, "bath_friction", bath_friction))
    if name == "debye":
        eq = _needs(name, "relaxation (the equilibrium fits)", relaxation)
        return Debye(eq["tau_D"], chi_s=eq["chi_s"], density=n)
    if name == "debye_ideal":
        par = _needs(name, "molecule", molecule)
        return Debye(par.inertia * _needs(name, "bath_friction", bath_friction) / par.kT)
    if name == "debye_fitted":
        f = _needs(name, "spectrum (the spectrum fits)", spectrum)["debye"]
        return Debye(f["tau"], chi_s=f["chi_s"], density=n)
    if name == "lorentz_fitted":
        f = _needs(name, "spectrum (the spectrum fits)", spectrum)["lorentz"]
        return GradRotational(friction=f["friction"], chi_s=f["chi_s"], density=n, w0=f["w0"])
    if name == "measured":
        tr = _needs(name, "transport (the P_dw response fit)", transport)
        return GradRotational(friction=max(tr["friction"], 0.0), chi_s=tr["chi_s"], density=n, w0=tr["w0"],
                              name="measured")
    if name == "correlated":
        return CorrelatedGrad(_needs(name, "correlation (the equilibrium pair harmonics)", correlation),
                              memory=_needs(name, "single_dipole_memory", single_dipole_memory))
    if name == "correlated_markov":
        return CorrelatedGrad(_needs(name, "correlation (the equilibrium pair harmonics)", correlation),
                              friction=_needs(name, "single_dipole_friction", single_dipole_friction),
                              name="correlated_markov")
    if name == "correlated_rpa":
        return CorrelatedGrad(_needs(name, "correlation (the pair-potential correlation)", correlation),
                              friction=_needs(name, "bath_friction", bath_friction), name="correlated_rpa")
    raise ValueError(f"name = {name!r}: expected one of {CLOSURE_NAMES}")
