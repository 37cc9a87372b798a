"""hydrobridge.continuum: DOLFINx + PETSc + MPI solvers of the moment systems (docs/theory.md §1, §3, §4).

The public API, by topic:

* Euler rung (§1): EulerSystem, EulerSolver, StateError; mean fields MeanField, PoissonMeanField,
  ConvolutionMeanField1D, CorrelatedConvolutionMeanField1D
* dipolar moment system (§3): DipolarFluid, PairMomentTable
* AC sheet forcing and permittivity (§4): SheetForcing, PoissonSolver, run_sheet_response,
  closure_run_settings, eps_tensor_from_nn, vacuum_drop, sheet_pair_for, SheetRun; in the frequency domain
  (§4 (4.14)) frequency_response, frequency_eps_tensor, HarmonicResponse; the route choice continuum_eps,
  ContinuumEps; the longitudinal permittivity eps_L(k, w) of the linearised continuum (§4 (4.24)-(4.29))
  wavevector_permittivity with the kernels CorrelationKernel, GaussianKernel, CorrelationHoleKernel, the
  linearisation linearised_closure, LinearisedClosure, implied_kernel, and its FE check sheet_pair_check,
  SheetPairCheck
* the time loop and its observers: advance, run, RunSettings, Checkpoints, DiagnosticsCSV, FieldSeries,
  LockinRecorder, Progress; save_checkpoint, load_checkpoint
* discretisation, output and particle data: ConservationLaw, DGConservationLaw, FieldWriter, sample, deposit

Importing it loads DOLFINx, UFL and PETSc and nothing heavier (the exact Riemann solver, which needs
SciPy, stays in continuum.riemann).
"""

from hydrobridge.continuum.checkpoint import load_checkpoint, save_checkpoint
from hydrobridge.continuum.correlation import PairMomentTable
from hydrobridge.continuum.deposit import deposit
from hydrobridge.continuum.dg import ConservationLaw, DGConservationLaw
from hydrobridge.continuum.dipolar import DipolarFluid
from hydrobridge.continuum.driver import (
    Checkpoints,
    DiagnosticsCSV,
    FieldSeries,
    LockinRecorder,
    Progress,
    RunSettings,
    advance,
    run,
)
from hydrobridge.continuum.euler import EulerSolver, EulerSystem
from hydrobridge.continuum.forcing import SheetForcing
from hydrobridge.continuum.frequency import (
    ContinuumEps,
    HarmonicResponse,
    continuum_eps,
    frequency_eps_tensor,
    frequency_response,
)
from hydrobridge.continuum.limiters import StateError
from hydrobridge.continuum.mean_field import (
    ConvolutionMeanField1D,
    CorrelatedConvolutionMeanField1D,
    MeanField,
    PoissonMeanField,
)
from hydrobridge.continuum.output import FieldWriter, sample
from hydrobridge.continuum.permittivity import (
    SheetRun,
    closure_run_settings,
    eps_tensor_from_nn,
    run_sheet_response,
    sheet_pair_for,
    vacuum_drop,
)
from hydrobridge.continuum.poisson import PoissonSolver
from hydrobridge.continuum.wavevector_response import (
    CorrelationHoleKernel,
    CorrelationKernel,
    GaussianKernel,
    LinearisedClosure,
    SheetPairCheck,
    implied_kernel,
    linearised_closure,
    sheet_pair_check,
    wavevector_permittivity,
)

__all__ = [
    "Checkpoints", "ConservationLaw", "ContinuumEps", "HarmonicResponse", "continuum_eps", "frequency_eps_tensor",
    "frequency_response", "ConvolutionMeanField1D", "CorrelatedConvolutionMeanField1D",
    "DGConservationLaw", "DiagnosticsCSV", "DipolarFluid", "EulerSolver", "EulerSystem", "FieldSeries",
    "FieldWriter", "LockinRecorder", "MeanField", "PairMomentTable", "PoissonMeanField", "PoissonSolver",
    "Progress", "RunSettings", "SheetForcing", "SheetRun", "StateError", "advance", "closure_run_settings",
    "deposit", "eps_tensor_from_nn", "load_checkpoint", "run", "run_sheet_response", "sample", "save_checkpoint",
    "sheet_pair_for", "vacuum_drop", "CorrelationHoleKernel", "CorrelationKernel", "GaussianKernel",
    "LinearisedClosure", "SheetPairCheck", "implied_kernel", "linearised_closure", "sheet_pair_check",
    "wavevector_permittivity",
]
