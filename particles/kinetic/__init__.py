"""Kinetic equations in velocity space (docs/theory.md §6).

Modules:
    kernels         Landau kernels A(z) = Phi(|z|) (|z|^2 I - z (x) z): Maxwell molecules, Coulomb with cut-off.
    bkw             BKW exact solution of the 2D Maxwell-molecule Landau equation.
    landau_grid     conservative, entropy-decaying finite-difference Landau operator and RK4 integration.
    mbc             microcanonical binary-collision particle process (K. Du, arXiv:2511.09035) and pair correlations.
    anisotropy      analytic bi-Maxwellian temperature-relaxation rate and its measurement.
    lenard_balescu  classical Lenard-Balescu operator with dynamical screening eps(k, v), 2D (Le Bihan, arXiv:2501.06544).
    lenard_balescu_3d  the same in 3D (full grid, Coulomb-logarithm cut-off).
    hmf             HMF model on a ring (leapfrog, MPI ensembles; water-bag, smooth homogeneous and magnetised
                    polytrope states) and the 1D Balescu-Lenard flux (docs/theory.md (6.17)).
    quantum_lb      quantum Lenard-Balescu collisions without screening (eps = 1): rates and particle process.
    quantum_screening  quantum LB with the dynamical (Lindhard-type) screening eps_hbar of docs/theory.md (6.14): rates,
                    classical limit, particle process.
    relaxation      relaxation time of an ensemble from its momentum kurtosis (crossing times, bootstrap) and
                    its scaling exponent with N.

The names below are imported from their modules on first use (``import hydrobridge.particles.kinetic``
compiles nothing).
"""

from hydrobridge._lazy import lazy_exports

_EXPORTS: dict[str, str] = {
    "LandauKernel": "kernels", "coulomb": "kernels",
    "bkw_f": "bkw", "bkw_k": "bkw", "sample_bkw_initial": "bkw",
    "LandauGrid": "landau_grid", "make_grid": "landau_grid", "landau_operator": "landau_grid", "evolve": "landau_grid",
    "mbc_ensemble": "mbc", "pair_covariance": "mbc",
    "bimaxwellian_rate": "anisotropy",
    "ScreenedPotential": "lenard_balescu", "lenard_balescu_operator": "lenard_balescu",
    "lenard_balescu_operator_3d": "lenard_balescu_3d",
    "quantum_evolve": "quantum_lb", "screened_quantum_evolve": "quantum_screening",
    "hmf_leapfrog": "hmf", "hmf_ensemble": "hmf", "waterbag": "hmf", "homogeneous_quartic": "hmf",
    "polytrope": "hmf", "hmf_dielectric": "hmf", "balescu_lenard_flux_1d": "hmf",
    "magnetisation_fluctuation": "hmf",
    "kurtosis_change": "relaxation", "crossing_time": "relaxation", "relaxation_time": "relaxation",
    "bootstrap_relaxation_times": "relaxation", "size_exponent": "relaxation",
}

__all__ = sorted(_EXPORTS)
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS, globals())
