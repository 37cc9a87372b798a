"""Molecular dynamics of 2D dipolar molecules (docs/theory.md §2) and its observables (sections 3-4).

Modules (space / energy / integrator kept apart, composed through ForceField):
    model       DipolarBoxModel (validated, frozen), State, lattice_state
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
    replica     typed study parameters (MolecularSystem, Thermostat, Equilibration) and keyed replicas
    runs        study-independent runs: fluctuation / AC permittivity, equilibrium series, uniform field, sheets
    sheet_profiles  slab profiles of rho, P_x, psi, P_dv_xx across a sheet pair
    integrate   velocity Verlet (NVE), BAOAB Langevin
    simulate    run loop with observation and checkpoint/restart
    checkpoint  atomic checkpoints
    observables energies, momentum, M, static eps, correlations, block errors, g(r), CIC moment fields
    pressure    P_vv (kinetic + short-range virial), P_dv, P_dw, P_wv: box averages and CIC fields
    pair_moments pair density and d (x) d, d_perp (x) d pair moments binned in separation vector
    pair_harmonics  pair harmonics h110, h112 on radial shells and the single-dipole correlation (the correlated
                closure's equilibrium inputs)
    ensemble    independent replicas over MPI ranks
    response    eps(w) by AC lock-in and by the fluctuation formula; eps_L(k) from M_L(k)
    nonlocal_response  eps_L(k), eps_T(k) at the box wavevectors: modes M_L, M_T, rho_q, MD observer, jackknife
    fdcheck     finite-difference check of any term

Example (a dipolar liquid, thermalised, then NVE with polarisation recorded):

    import numpy as np
    from hydrobridge.particles.dipolar.model import DipolarBoxModel, lattice_state
    from hydrobridge.particles.dipolar.system import dipolar_force_field
    from hydrobridge.particles.dipolar.integrate import BAOAB, VelocityVerlet
    from hydrobridge.particles.dipolar.observables import polarization
    from hydrobridge.particles.dipolar.simulate import run

    params = DipolarBoxModel(Lx=10.0, Ly=10.0, q=3.0)          # mu = 1.5, I = 1/16
    ff = dipolar_force_field(params, accuracy=1e-6, n=60)     # Ewald + short range; mesh_order=6 for PM
    rng = np.random.default_rng(0)
    state = run(BAOAB(ff, params, kT=1.0, gamma=1.0, gamma_r=4.0), lattice_state(params, 60, 1.0, rng),
                2000, rng)
    m = []

    def record(step, s, c):
        m.append(polarization(s.theta, params.mu))

    state = run(VelocityVerlet(ff, params), state, 1000, observe=record, checkpoint="run.npz", checkpoint_every=500)
"""

from importlib import import_module

#: public name -> defining module (imported on first use, so that `import hydrobridge.particles.dipolar` is cheap);
#: no name equals a submodule's (importing the submodule would shadow it)
_EXPORTS = {
    "DipolarBoxModel": "model", "State": "model", "lattice_state": "model",
    "MolecularSystem": "replica", "Thermostat": "replica", "Equilibration": "replica", "ReplicaSetup": "replica",
    "equilibrated": "replica",
    "dipolar_force_field": "system", "BAOAB": "integrate", "VelocityVerlet": "integrate", "run": "simulate",
    "polarization": "observables", "block_average": "observables",
    "pressure_tensors": "pressure", "scalar_pressure": "pressure", "PairMoments": "pair_moments",
    "polarization_series": "response",
    "one_period_waveform": "response", "fluctuation_permittivity_tensor": "response",
    "inverse_variance_mean": "response",
    "SheetGeometry": "sheet_profiles", "sheet_geometry": "sheet_profiles",
    "steps_per_period": "runs", "fluctuation_permittivity_run": "runs", "ac_permittivity_run": "runs",
    "EquilibriumSeries": "runs", "equilibrium_run": "runs", "UNIFORM_FIELD_OBSERVABLES": "runs",
    "uniform_field_run": "runs", "SheetSeries": "runs", "sheet_run": "runs",
    "all_pairs_edges": "pair_harmonics", "shell_areas": "pair_harmonics", "pair_harmonic_sums": "pair_harmonics",
    "single_dipole_correlation": "pair_harmonics",
    "MODE_QUANTITIES": "nonlocal_response", "box_wavevectors": "nonlocal_response",
    "wavevector_modes": "nonlocal_response", "ModeSampler": "nonlocal_response", "NonlocalEps": "nonlocal_response",
    "nonlocal_permittivity": "nonlocal_response", "ideal_rotor_modes": "nonlocal_response",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    if name not in _EXPORTS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(f"{__name__}.{_EXPORTS[name]}"), name)


def __dir__() -> list[str]:
    return __all__
