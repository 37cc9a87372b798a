"""Hard-rod particle output -> continuum closures (docs/theory.md §1, §5): the one bridge from the
MD, OZ and gBBGKY of the hard-rod gas to what the Euler rung needs.

* ``md_equation_of_state(samples)``: p(rho, kT) fitted to the pressures of thermostatted-MD runs or of a
  user's snapshots (particles.hard_rods.structure.CanonicalSample: kinetic + virial + contact) at several
  densities and temperatures (closures.measured.MeasuredEquationOfState; kT = 1/beta of each run);
* ``md_pair_correlation(samples)``: h = <g> - 1 of runs at one density (closures.pair_correlation.from_md),
  with the largest standard error of <g> over the runs in its provenance;
* ``correlation_closure(name, ...)``: the pair correlation h of the homogeneous gas at density rho_bar
  from one of CORRELATION_CLOSURES: "weak_coupling" (h = -beta V), "hnc" and "py" (Ornstein-Zernike with
  the hard core a), "gbbgky" (the stationary thermal gBBGKY correlation rho2 / rho_bar^2), "md_gr" (a
  given MD h, e.g. from md_pair_correlation).
Pair potential V(x) = (V0/xi) phi(x/xi) of particles.hard_rods.potential (kind PHI6 or PHI3); m = 1;
rho in 1/length, p in energy/length. On one's own equilibrium data (positions, velocities: arrays
(realisations, times, N) per state):

    from hydrobridge.particles.hard_rods.structure import snapshot_observables
    states = [snapshot_observables(x, u, ring, a, beta, v0, xi, kind) for x, u, ring, beta in data]
    eos = md_equation_of_state(states, degree_rho=3, degree_kT=1)   # >= 4 densities, >= 2 temperatures
    pressure = eos.at_temperature(kT)                # the barotropic closure of an isothermal Euler rung
    h = md_pair_correlation([states[0]])             # h(r) of the first state
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from hydrobridge.closures.gbbgky_correlation import thermal_gbbgky_closure
from hydrobridge.closures.measured import MeasuredEquationOfState, fit_equation_of_state
from hydrobridge.closures.ornstein_zernike import solve_oz_1d
from hydrobridge.closures.pair_correlation import PairCorrelation, from_md, from_oz, weak_coupling
from hydrobridge.particles.hard_rods.potential import potential
from hydrobridge.particles.hard_rods.structure import CanonicalSample

__all__ = ["CORRELATION_CLOSURES", "md_equation_of_state", "md_pair_correlation", "correlation_closure"]

CORRELATION_CLOSURES: tuple[str, ...] = ("weak_coupling", "hnc", "py", "gbbgky", "md_gr")


def md_equation_of_state(samples: Sequence[CanonicalSample], degree_rho: int = 3, degree_kT: int = 2,
                         provenance: dict | None = None) -> MeasuredEquationOfState:
    """Least-squares p(rho, kT) = sum c_jk rho^j kT^k (j <= degree_rho, k <= degree_kT) through the samples'
    (density, 1/beta, pressure); the provenance records them and the measured temperatures <u^2>."""
    rho = np.array([s.density for s in samples])
    kT = np.array([1.0 / s.beta for s in samples])
    p = np.array([s.pressure for s in samples])
    prov = {**(provenance or {}), "rho": rho.tolist(), "kT": kT.tolist(), "p_md": p.tolist(),
            "measured_temperature": [s.temperature for s in samples]}
    return fit_equation_of_state(rho, kT, p, degree_rho=degree_rho, degree_kT=degree_kT, provenance=prov,
                                 units="rho: 1/length (1D); kT: energy; p: rho velocity^2 (m = 1)")


def md_pair_correlation(samples: Sequence[CanonicalSample], provenance: dict | None = None,
                        density_range: tuple[float, float] | None = None,
                        extrapolate: bool = False) -> PairCorrelation:
    """h = <g> - 1 over runs of one density and binning, valid for density_range (default: that density);
    the provenance gains the number of runs and max_r SE(<g>(r)) (None for one run)."""
    if not samples or len({s.density for s in samples}) != 1 or len({s.r.size for s in samples}) != 1:
        raise ValueError("samples: expected at least one run, all at one density with the same r bins")
    g = np.array([s.g for s in samples])
    se = float(np.max(g.std(0, ddof=1) / math.sqrt(len(g)))) if len(g) > 1 else None
    prov = {**(provenance or {}), "runs": len(g), "max_standard_error": se}
    return from_md(samples[0].r, g.mean(0), samples[0].density, prov, density_range, extrapolate)


def correlation_closure(name: str, a: float, v0: float, xi: float, kind: int, ring: float, density: float,
                        beta: float, md: PairCorrelation | None = None, extrapolate: bool = False) -> PairCorrelation:
    """h of the homogeneous gas (module doc) of rods of length a on a ring at density rho_bar = `density` and
    inverse temperature beta, tabulated on [0, ring/2]; extrapolate: declare it valid across a density
    bump (recorded; weak coupling claims no density dependence). md: the h returned for "md_gr"."""
    if name not in CORRELATION_CLOSURES:
        raise ValueError(f"name = {name!r}: expected one of {CORRELATION_CLOSURES}")
    beta_u = lambda r: beta * potential(r, v0, xi, kind)  # noqa: E731
    if name == "weak_coupling":
        return weak_coupling(beta_u, 0.5 * ring)
    if name in ("hnc", "py"):
        sol = solve_oz_1d(beta_u, density=density, closure=name, hard_core=a, r_max=0.5 * ring, n=2**15)
        return from_oz(sol, extrapolate=extrapolate)
    if name == "gbbgky":
        # at a = 0 the stationary equation is singular on theta = theta' (closures.gbbgky_correlation): finer grid
        return thermal_gbbgky_closure(a, v0, xi, kind, ring, density, beta, n_theta=61 if a > 0 else 161,
                                      extrapolate=extrapolate)
    if md is None:
        raise ValueError("md: expected the MD PairCorrelation for name = 'md_gr'")
    return md
