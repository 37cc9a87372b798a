"""1D hard rods with a long-range pair potential: MD, GHD kernels and gBBGKY kinetics (docs/theory.md §5).

Modules: potential (V and its tabulated periodic form), md (event-driven MD of one realisation),
ensemble (initial states, threaded / MPI ensembles, checkpoints), observables (kurtosis, energies, error
bars), ghd (v_eff, flux Jacobian, diffusion and co-displacement matrices, covariance), gbbgky (docs/theory.md (5.15)
solver with the pair propagator (5.13) or (5.36), (5.21) Landau kernel),
structure (g(r) and pressure of snapshots), thermostat (Andersen-thermostatted MD), equilibrium (Monte Carlo
g(r)), bump (MD of a density bump, the particle rung of the 1D ladder), relaxation (MD / gBBGKY drivers and
kinetic-regime estimators of the boosted-state relaxation), propagator_test (free-rod probe current of MD states
against the gBBGKY pair operator alone, and the source check (5.34)).

The names below are imported from their modules on first use (``import hydrobridge.particles.hard_rods``
compiles nothing).
"""

from hydrobridge._lazy import lazy_exports

_EXPORTS: dict[str, str] = {
    "PHI3": "potential", "PHI6": "potential", "ring_table": "potential",
    "RodSystem": "ensemble", "OBS_NAMES": "ensemble", "run_ensemble": "ensemble",
    "kurtosis_from_moments": "observables", "jackknife": "observables", "mean_and_error": "observables",
    "rescaled_time": "observables", "boosted_kurtosis": "observables",
    "boosted_state": "ghd", "thermal_state": "ghd", "excess_kurtosis": "ghd",
    "cross_diffusion_matrix": "ghd",
    "KineticSetup": "gbbgky", "make_setup": "gbbgky", "sb1_run": "gbbgky", "stationary_correlation": "gbbgky",
    "landau_rate": "gbbgky", "co_displacement_modes": "gbbgky",
    "CanonicalSample": "structure", "snapshot_observables": "structure",
    "CanonicalRun": "thermostat", "sample_canonical": "thermostat", "sample_canonical_runs": "thermostat",
    "sample_pair_correlation": "equilibrium",
    "DensityBump": "bump", "expected_density": "bump", "density_momentum_histograms": "bump",
    "md_realisation": "bump", "mirrored_pair_sample": "bump",
    "KINETIC_START": "relaxation", "time_scale": "relaxation", "kinetic_fit": "relaxation",
    "kinetic_slope": "relaxation", "ensemble_relaxation": "relaxation", "md_relaxation": "relaxation",
    "gbbgky_relaxation": "relaxation", "agreement": "relaxation", "parity_parts": "relaxation",
    "parity_split": "relaxation",
    "free_evolution": "propagator_test", "md_probe_current": "propagator_test",
    "gbbgky_probe_current": "propagator_test", "probe_weights": "propagator_test",
    "tonks_force_variance": "propagator_test", "source_force_variance": "propagator_test",
}

__all__ = sorted(_EXPORTS)
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS, globals())
