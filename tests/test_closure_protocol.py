"""Rotational-closure and mean-field protocols: the solvers and the permittivity pipeline use closures only
through closures.base.RotationalClosure (docs/theory.md §3-4), and continuum/ tests no closure types."""

from __future__ import annotations

import ast
import inspect
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
from mpi4py import MPI

import hydrobridge.closures as closures_package
from hydrobridge.closures.base import RotationalClosure, RotationalTimescales
from hydrobridge.continuum.dipolar import DipolarFluid
from hydrobridge.continuum.permittivity import closure_run_settings, eps_tensor_from_nn, run_sheet_response, sheet_pair_for
from hydrobridge.continuum.verification import N, PAR

REPO = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class RelaxingDipoles(RotationalClosure):
    """A closure known only to this test: d_t p = -(p - p_eq) / tau with p_eq = eps0 chi rho E / (n mu), so
    eps(w) = 1 + chi / (1 - i w tau) (docs/theory.md §4)."""

    tau: float = 0.5
    chi: float = 0.9
    name: str = "relaxing_dipoles"
    rotational_components: int = 0

    def sources(self, par, rho, p, r, E):
        return -(p - par.eps0 * self.chi * (rho / N) / par.mu * E) / self.tau, None

    def energy_density(self, par, rho, p, r):
        return None

    def correlation_torque(self, par, rho, p, s_th):
        return None, None

    def static_susceptibility(self, par, density):
        return self.chi

    def timescales(self, par):
        return RotationalTimescales(relaxation_time=self.tau)

    def to_dict(self):
        return {"closure": type(self).__name__, "tau": self.tau, "chi": self.chi}


@pytest.mark.parametrize("omega", [0.7, 3.0])
def test_a_closure_outside_the_package_runs_through_the_permittivity_pipeline(omega):
    closure = RelaxingDipoles()

    def make(sp, forcing):
        return DipolarFluid(sp.mesh, PAR, closure, N, translation=False, facet_tags=sp.facet_tags,
                            forcing=forcing, sheet_length=sp.sheet_length)

    settings = closure_run_settings(closure, PAR, N, omega)
    eps = {o: run_sheet_response(make, sheet_pair_for(MPI.COMM_SELF, o), omega, 1.0, PAR.eps0, **settings).eps_nn
           for o in ("x", "y", "45")}
    tensor = eps_tensor_from_nn(eps["x"], eps["y"], eps["45"])
    exact = 1 + closure.chi / (1 - 1j * omega * closure.tau)
    assert abs(tensor[0, 0] - exact) / abs(exact) < 5e-3, (tensor, exact)
    assert abs(tensor[1, 1] - exact) / abs(exact) < 5e-3
    assert abs(tensor[0, 1]) / abs(exact) < 1e-3


def test_run_settings_follow_the_reported_time_scales():
    """dt from the stiffest longitudinal rate, transient from the memory, a switch-on for undamped oscillators."""

    class Oscillator(RelaxingDipoles):
        def timescales(self, par):
            return RotationalTimescales(frequency=2.0, damping=self.tau)

    relax = closure_run_settings(RelaxingDipoles(tau=0.5, chi=0.9), PAR, N, 4.0)
    assert relax == {"max_dt": pytest.approx(1.2 * 0.5 / 1.9), "transient_periods": 8}
    damped = closure_run_settings(Oscillator(tau=0.5), PAR, N, 1.0)
    assert damped == {"max_dt": pytest.approx(0.2 / (2.0 * np.sqrt(1.9))), "transient_periods": 10}
    undamped = closure_run_settings(Oscillator(tau=0.0), PAR, N, 1.0)
    assert undamped["ramp_periods"] == 8 and undamped["transient_periods"] == 0
    with pytest.raises(ValueError, match="relaxation_time"):
        RotationalTimescales(relaxation_time=0.0)


def _closure_and_mean_field_class_names() -> set[str]:
    names = set()
    for path in Path(inspect.getfile(closures_package)).parent.glob("*.py"):
        names |= {n.name for n in ast.walk(ast.parse(path.read_text())) if isinstance(n, ast.ClassDef)}
    for path in (REPO / "continuum").glob("*.py"):
        names |= {n.name for n in ast.walk(ast.parse(path.read_text()))
                  if isinstance(n, ast.ClassDef) and "MeanField" in n.name}
    return names


def test_continuum_never_tests_closure_or_mean_field_types():
    forbidden = _closure_and_mean_field_class_names()
    assert {"Debye", "GradRotational", "PoissonMeanField", "ConvolutionMeanField1D"} <= forbidden
    offences = []
    for path in sorted((REPO / "continuum").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) in ("isinstance", "issubclass"):
                used = {n.id for n in ast.walk(node.args[1]) if isinstance(n, ast.Name)}
                used |= {n.attr for n in ast.walk(node.args[1]) if isinstance(n, ast.Attribute)}
                if used & forbidden:
                    offences.append(f"{path.name}:{node.lineno} isinstance(..., {sorted(used & forbidden)})")
    assert not offences, offences


def test_package_closures_implement_the_whole_protocol():
    from hydrobridge.closures.rotational import Debye, GradRotational, LocalEquilibrium

    assert LocalEquilibrium().static_susceptibility(PAR, N) == 0.0
    assert Debye(1.0).static_susceptibility(PAR, N) == pytest.approx(PAR.static_susceptibility(N))
    assert Debye(0.3).timescales(PAR) == RotationalTimescales(relaxation_time=0.3)
    assert GradRotational(friction=0.5).timescales(PAR) == RotationalTimescales(frequency=PAR.w0, damping=0.5)
