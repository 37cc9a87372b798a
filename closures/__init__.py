"""hydrobridge.closures: particle and kinetic output -> what the continuum needs (docs/theory.md §1, §3, §5).

One interface per kind of closure (closures.base): PressureClosure (P_vv of the Euler and dipolar systems),
CorrelationClosure (the correlation source C), RotationalClosure (the rotational fields of the dipolar moment
system). Implementations: ideal-gas and hard-rod pressures (ideal), pressures and pair-moment tables measured
in MD (measured), pair correlations from theory or MD (pair_correlation, ornstein_zernike, gbbgky_correlation),
the bridges from particle data (dipolar_md, dipolar_spectrum, dipolar_continuum for the dipolar molecules;
hard_rods for the 1D rods), and the rotational closures (rotational; dipolar_correlated: the correlated closure
from equilibrium MD pair harmonics, docs/theory.md (3.20)-(3.28), (4.29)).

The names below are imported from their modules on first use.
"""

from hydrobridge._lazy import lazy_exports

_EXPORTS: dict[str, str] = {
    "PressureClosure": "base", "CorrelationClosure": "base", "RotationalClosure": "base",
    "RotationalTimescales": "base", "CLOSURE_NAMES": "dipolar_continuum",
    "continuum_parameters": "dipolar_continuum", "dipolar_closure": "dipolar_continuum",
    "dipole_series": "dipolar_md", "rotational_relaxation": "dipolar_md", "combine_replica_fits": "dipolar_md",
    "pressure_series": "dipolar_md", "fit_dw_response": "dipolar_md", "symmetrise_square": "dipolar_md",
    "pair_moment_average": "dipolar_md", "d2_table": "dipolar_md", "molecular_record": "dipolar_md",
    "sheet_pdv_relaxation_time": "dipolar_md", "DipolarMDClosures": "dipolar_md",
    "fit_spectrum": "dipolar_spectrum", "combine_replicas": "dipolar_spectrum",
    "correlation_field": "gbbgky_correlation", "pair_density": "gbbgky_correlation",
    "from_gbbgky": "gbbgky_correlation", "thermal_gbbgky_closure": "gbbgky_correlation",
    "CORRELATION_CLOSURES": "hard_rods", "md_equation_of_state": "hard_rods", "md_pair_correlation": "hard_rods",
    "correlation_closure": "hard_rods", "Isothermal": "ideal", "Polytropic": "ideal", "Adiabatic": "ideal",
    "TonksPressure": "ideal", "MeasuredPressure": "measured", "MeasuredEquationOfState": "measured",
    "fit_pressure": "measured", "fit_equation_of_state": "measured", "pair_moment_table": "measured",
    "save_closure": "measured", "load_closure": "measured", "OZSolution": "ornstein_zernike",
    "solve_oz_1d": "ornstein_zernike", "tonks_g": "ornstein_zernike", "PairCorrelation": "pair_correlation",
    "weak_coupling": "pair_correlation", "from_oz": "pair_correlation", "from_md": "pair_correlation",
    "load_pair_correlation": "pair_correlation", "DipolarParameters": "rotational",
    "LocalEquilibrium": "rotational", "GradRotational": "rotational", "Debye": "rotational",
    "CorrelationSource": "dipolar_correlated", "PairHarmonicCorrelation": "dipolar_correlated",
    "PotentialCorrelation": "dipolar_correlated", "NonlocalKernel": "dipolar_correlated",
    "CorrelatedGrad": "dipolar_correlated", "single_dipole_friction": "dipolar_correlated",
    "Memory": "dipolar_correlated", "relaxation_function": "dipolar_correlated",
    "single_dipole_memory": "dipolar_correlated", "EquilibriumInputs": "dipolar_correlated",
    "equilibrium_inputs": "dipolar_correlated",
}

__all__ = sorted(_EXPORTS)
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS, globals())
