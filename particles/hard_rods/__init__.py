"""1D hard rods with a long-range pair potential: MD, GHD kernels and gBBGKY kinetics (docs/theory.md §5).

Modules: potential (V and its tabulated periodic form), md (event-driven MD of one realisation),
ensemble (initial states, threaded / MPI ensembles, checkpoints), observables (kurtosis, energies, error
bars), ghd (v_eff, flux Jacobian, diffusion matrix, covariance), gbbgky ((5.15) solver, (5.21) Landau kernel).
"""
