"""Kinetic equations in velocity space (THEORY.md section 6, issue 8).

Modules:
    kernels         Landau kernels A(z) = Phi(|z|) (|z|^2 I - z (x) z): Maxwell molecules, Coulomb with cut-off.
    bkw             BKW exact solution of the 2D Maxwell-molecule Landau equation.
    landau_grid     conservative, entropy-decaying finite-difference Landau operator and RK4 integration.
    mbc             microcanonical binary-collision particle process (seed 001) and pair correlations.
    anisotropy      analytic bi-Maxwellian temperature-relaxation rate and its measurement.
    lenard_balescu  classical Lenard-Balescu operator with dynamical screening eps(k, v) (seed 003).
    hmf             HMF model on a ring (leapfrog, water-bags) and the 1D Balescu-Lenard flux (seed 000).
    quantum_lb      quantum Lenard-Balescu collisions without screening (eps = 1): rates and particle process.
"""
