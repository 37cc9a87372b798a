"""Molecular dynamics of 2D dipolar molecules (THEORY.md section 2) and its observables (sections 3-4).

Modules (space / energy / integrator kept apart, composed through ForceField):
    model       DipolarParams (validated, frozen), State, lattice_state
    space       wrap, minimum image, cell-list pair search
    forcefield  Contribution (U, F, tau), the Term protocol, ForceField (sum of terms)
    ewald       point-dipole Ewald: real, reciprocal, self terms; ewald_setup(accuracy)
    pm          smooth particle-mesh reciprocal part (O(N log N))
    charges     finite-l model with explicit +/- charges (charge Ewald)
    lattice_sum independent row-summed image-sum reference for the periodic dipole energy
    shortrange  Phi(r, dtheta) with cutoff
    field       uniform AC field, smeared sheet-pair forcing
    system      dipolar_force_field: Ewald (or PM) + short range
    integrate   velocity Verlet (NVE), BAOAB Langevin
    simulate    run loop with observation and checkpoint/restart
    checkpoint  atomic checkpoints
    observables energies, momentum, M, static eps, correlations, block errors, g(r), CIC moment fields
    pressure    P_vv (kinetic + short-range virial), P_dv, P_dw, P_wv: box averages and CIC fields
    pair_moments pair density and d (x) d, d_perp (x) d pair moments binned in separation vector
    ensemble    independent replicas over MPI ranks
    response    eps(w) by AC lock-in and by the fluctuation formula; eps_L(k) from M_L(k)
    fdcheck     finite-difference check of any term
"""
