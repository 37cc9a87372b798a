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
    field       uniform AC field
    system      dipolar_force_field: Ewald (or PM) + short range
    integrate   velocity Verlet (NVE), BAOAB Langevin
    simulate    run loop with observation and checkpoint/restart
    checkpoint  atomic checkpoints
    observables energies, momentum, M, static eps, correlations, block errors, g(r), CIC moment fields
    response    eps(w) by AC lock-in and by the fluctuation formula
    fdcheck     finite-difference check of any term
"""
