"""Molecular dynamics of 2D dipolar molecules (docs/theory.md §2) and its observables (sections 3-4).

Modules (space / energy / integrator kept apart, composed through ForceField):
    model       DipolarParams (validated, frozen), State, lattice_state
    space       wrap, minimum image, cell-list pair search
    forcefield  Contribution (U, F, tau), the Term protocol, ForceField (sum of terms)
    ewald       point-dipole Ewald: real, reciprocal, self terms; ewald_setup(accuracy)
    pm          smooth particle-mesh reciprocal part (O(N log N))
    charges     finite-l model with explicit +/- charges (charge Ewald)
    lattice_sum independent row-summed image-sum reference for the periodic dipole energy
    shortrange  Phi(r, dtheta) with cutoff
    cutoff      shifted-force LJ + dipole cut at r_c (the LAMMPS-comparison workload) and its fast
                Verlet-list velocity Verlet (sorted particles, skin, fused passes, numba threads)
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

Example (a dipolar liquid, thermalised, then NVE with polarisation recorded):

    import numpy as np
    from hydrobridge.particles.dipolar.model import DipolarParams, lattice_state
    from hydrobridge.particles.dipolar.system import dipolar_force_field
    from hydrobridge.particles.dipolar.integrate import BAOAB, VelocityVerlet
    from hydrobridge.particles.dipolar.observables import polarization
    from hydrobridge.particles.dipolar.simulate import run

    params = DipolarParams(Lx=10.0, Ly=10.0, q=3.0)          # mu = 1.5, I = 1/16
    ff = dipolar_force_field(params, accuracy=1e-6, n=60)     # Ewald + short range; mesh_order=6 for PM
    rng = np.random.default_rng(0)
    state = run(BAOAB(ff, params, kT=1.0, gamma=1.0, gamma_r=4.0), lattice_state(params, 60, 1.0, rng),
                2000, rng)
    m = []

    def record(step, s, c):
        m.append(polarization(s.theta, params.mu))

    state = run(VelocityVerlet(ff, params), state, 1000, observe=record, checkpoint="run.npz", checkpoint_every=500)
"""
