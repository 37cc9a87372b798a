"""The full interaction of docs/theory.md §2: periodic point-dipole Ewald + truncated short range Phi."""

from __future__ import annotations

import math

from hydrobridge.particles.dipolar.ewald import ewald_setup, ewald_terms
from hydrobridge.particles.dipolar.forcefield import ForceField, force_field
from hydrobridge.particles.dipolar.model import DipolarBoxModel
from hydrobridge.particles.dipolar.pm import ParticleMesh, pm_grid
from hydrobridge.particles.dipolar.shortrange import ShortRange


def dipolar_force_field(params: DipolarBoxModel, accuracy: float = 1e-6, r_cut_ewald: float | None = None,
                        r_cut_short: float | None = None, mesh_order: int | None = None,
                        n: int | None = None) -> ForceField:
    """U = U_real + U_rec + U_self + U_Phi; U_rec by particle mesh (pm.py) when mesh_order is given.

    Default short-range cutoff min(4.5 s, min(Lx, Ly)/2), where exp(-(r/s)^2) = 1.6e-9, so truncating Phi
    does not spoil energy conservation. Default Ewald real-space cutoff min(Lx, Ly)/2, or, when the number
    of molecules n is given, min(Lx, Ly)/2 capped by the cost balance of real and reciprocal sums,
    r^4 = 0.15 ln(1/accuracy)^2 |Omega|^2 / (pi^2 n)   (pairs ~ n r^2 against k vectors ~ |Omega| / r^2;
    the coefficient is from timings at n = 1024, density 0.6, accuracy 1e-5, optimum r ~ 8), which keeps the
    pair list O(n^1.5) instead of O(n^2).
    """
    half = 0.5 * min(params.Lx, params.Ly)
    r_short = min(4.5 * params.s, half) if r_cut_short is None else r_cut_short
    if r_cut_ewald is None and n is not None:
        r_cut_ewald = min(half, (0.15 * math.log(accuracy) ** 2 * params.area**2 / (math.pi**2 * n)) ** 0.25)
    setup = ewald_setup(params.box, accuracy, r_cut_ewald)
    real, recip, self_term = ewald_terms(params.mu, params.eps0, params.box, setup)
    if mesh_order is not None:
        grid = pm_grid(params.box, setup.kappa, accuracy, mesh_order)
        recip = ParticleMesh(params.mu, params.eps0, setup.kappa, params.box, grid, mesh_order)
    return force_field([real, recip, self_term, ShortRange(params.e_s, params.s, params.alpha, r_short)],
                       params.box)
