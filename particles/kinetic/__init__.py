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
"""
