"""The full interaction of THEORY.md section 2: periodic point-dipole Ewald + truncated short range Phi."""

from __future__ import annotations

from particles.dipolar.ewald import ewald_setup, ewald_terms
from particles.dipolar.forcefield import ForceField, force_field
from particles.dipolar.model import DipolarParams
from particles.dipolar.pm import ParticleMesh, pm_grid
from particles.dipolar.shortrange import ShortRange


def dipolar_force_field(params: DipolarParams, accuracy: float = 1e-6, r_cut_ewald: float | None = None,
                        r_cut_short: float | None = None, mesh_order: int | None = None) -> ForceField:
    """U = U_real + U_rec + U_self + U_Phi; U_rec by particle mesh (pm.py) when mesh_order is given.

    Defaults: Ewald real-space cutoff min(Lx, Ly)/2; short-range cutoff min(4.5 s, min(Lx, Ly)/2), where
    exp(-(r/s)^2) = 1.6e-9, so truncating Phi does not spoil energy conservation.
    """
    half = 0.5 * min(params.Lx, params.Ly)
    r_short = min(4.5 * params.s, half) if r_cut_short is None else r_cut_short
    setup = ewald_setup(params.box, accuracy, r_cut_ewald)
    real, recip, self_term = ewald_terms(params.mu, params.eps0, params.box, setup)
    if mesh_order is not None:
        grid = pm_grid(params.box, setup.kappa, accuracy, mesh_order)
        recip = ParticleMesh(params.mu, params.eps0, setup.kappa, params.box, grid, mesh_order)
    return force_field([real, recip, self_term, ShortRange(params.e_s, params.s, params.alpha, r_short)],
                       params.box)
