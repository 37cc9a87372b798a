"""Euler rung (docs/theory.md §1): Sod vs the exact Riemann solution, smooth rates,
Bohm-Gross / isothermal / kernel / Jeans linear waves, conservation on periodic boxes, forces,
positivity and state errors, 2 ranks == serial."""

from __future__ import annotations

import numpy as np
import pytest

import ufl
from mpi4py import MPI

from hydrobridge.closures.base import CorrelationClosure
from hydrobridge.closures.ideal import Adiabatic, Isothermal
from hydrobridge.continuum.euler import EulerSolver, EulerSystem, StateError
from hydrobridge.meshes.periodic import create_periodic_mesh, periodic_interval, structured_interval
from hydrobridge.continuum.verification import euler_bundle, euler_conservation, euler_riemann, euler_smooth, euler_wave

from helpers import crash_and_resume

COMM = MPI.COMM_WORLD


def _rates(e):
    e = np.asarray(e)
    return np.log2(e[:-1] / e[1:])


@pytest.mark.parametrize("degree", [1, pytest.param(2, marks=pytest.mark.slow)])
def test_sod_l1_error_decreases_and_is_below_1e_2(degree):
    res = euler_riemann(COMM, degree, [100, 200, 400])
    l1 = np.asarray(res["l1"])
    assert np.all(l1[1:] < l1[:-1]), l1
    assert l1[-1] <= 1e-2, l1
    assert min(res["min_rho"]) > 0


def test_strong_rarefaction_needs_and_gets_positivity():
    """Toro's test 2 (u = -/+ 2, p = 0.4): runs with the Zhang-Shu limiters, stops with a clear error without."""
    left, right = (1.0, -2.0, 0.4), (1.0, 2.0, 0.4)
    res = euler_riemann(COMM, 1, [100], left=left, right=right, t_end=0.15)
    assert res["min_rho"][0] > 0
    assert res["l1"][0] < 0.05, res["l1"]
    assert res["limited_cells"][0][-1] > 0  # the pressure limiter acted
    msh = create_periodic_mesh(COMM, structured_interval(100, 1.0, periodic=False)).mesh
    s = EulerSolver(EulerSystem(1, Adiabatic(1.4)), msh, degree=1, slope_limiter="minmod", positivity=False,
                    boundary="transmissive")
    s.project_state(lambda x: 1.0 + 0 * x[0], lambda x: ufl.conditional(ufl.lt(x[0], 0.5), -2.0, 2.0),
                    lambda x: 0.4 + 0 * x[0])
    with pytest.raises(StateError, match=r"pressure p = .* <= 0 in the cell at x = .* at t = "):
        s.run(0.15)


@pytest.mark.parametrize("degree", [1, 2])
def test_smooth_1d_density_wave_rate(degree):
    res = euler_smooth(COMM, 1, degree, [16, 32, 64])
    assert np.all(_rates(res["errors"]) >= degree + 0.5), res["errors"]
    assert max(max(d.values()) for d in res["drifts"]) <= 1e-12


@pytest.mark.parametrize("degree", [1, pytest.param(2, marks=pytest.mark.slow)])
def test_isentropic_vortex_2d_rate(degree):
    res = euler_smooth(COMM, 2, degree, [8, 16, 32])
    assert np.all(_rates(res["errors"]) >= degree + 0.5), res["errors"]
    assert max(max(d.values()) for d in res["drifts"]) <= 1e-12


@pytest.mark.parametrize(
    "kind",
    [pytest.param(k, marks=pytest.mark.mpi) for k in ("bohm_gross_adiabatic", "bohm_gross_isothermal", "kernel")]
    + ["bohm_gross_nonconservative", "jeans"],
)
def test_linear_wave_frequency_within_half_percent(kind):
    """Bohm-Gross w^2 = w_p^2 + 3 k^2 v_th^2 (adiabatic, gamma = 3), w_p^2 + k^2 v_th^2 (isothermal),
    k^2 (v_th^2 + n0 V^(k)/m) (Gaussian kernel by convolution), k^2 v_th^2 - 4 pi G rho0 (attractive Poisson)."""
    res = euler_wave(COMM, kind)
    for key in ("omega_zero_crossings", "omega_fit"):
        assert abs(res[key] / res["omega_theory"] - 1) < 5e-3, res
    assert res["drifts"]["rho"] <= 1e-12 and res["drifts"]["m_x"] <= 1e-12


@pytest.mark.mpi
@pytest.mark.parametrize(
    "dim, field, closure",
    [(1, "none", "adiabatic"), (1, "poisson", "isothermal"), (1, "kernel", "adiabatic"),
     (2, "none", "adiabatic"), (2, "poisson", "isothermal")],
)
def test_mass_and_momentum_conserved_on_periodic_boxes(dim, field, closure):
    res = euler_conservation(COMM, dim, field, closure, n=16 if dim == 1 else 8, steps=60 if dim == 2 else 100)
    drifts = res["drifts"]
    keys = ["rho", "m_x"] + (["m_y"] if dim == 2 else [])
    assert max(drifts[k] for k in keys) <= 1e-12, drifts
    if field == "none" and closure == "adiabatic":
        assert drifts["E"] <= 1e-12, drifts


def test_nonconservative_coulomb_force_drifts_in_2d():
    """Control for the test above: the force written as -rho grad phi does not conserve momentum exactly in 2D."""
    res = euler_conservation(COMM, 2, "poisson_nonconservative", "isothermal", n=8, steps=60)
    assert max(res["drifts"]["m_x"], res["drifts"]["m_y"]) > 1e-10


class _ConstantCorrelation(CorrelationClosure):
    fields = ("rho",)

    def __init__(self, c):
        self.c = c

    def source(self, state):
        return ufl.as_vector([self.c + 0 * state["rho"]])

    def to_dict(self):
        return {"closure": "ConstantCorrelation", "c": self.c}


@pytest.mark.mpi
def test_external_force_and_correlation_source_change_momentum_at_the_exact_rate():
    """d/dt int rho U = (1/m) int (rho F_ext + C): uniform state, constant F_ext and C, mass m = 2."""
    L, mass, F, C, rho0 = 3.0, 2.0, 0.7, -0.25, 1.3
    msh = periodic_interval(COMM, 12, L).mesh
    system = EulerSystem(1, Isothermal(1.0), mass=mass, external_force=lambda x, t: ufl.as_vector([F + 0 * x[0]]),
                         correlation=_ConstantCorrelation(C))
    s = EulerSolver(system, msh, degree=1)
    s.set_state(lambda x: rho0 + 0 * x[0], lambda x: 0 * x[0])
    s.run(0.5)
    expected = (rho0 * L * F + L * C) / mass * s.t
    assert s.totals()["m_x"] == pytest.approx(expected, rel=1e-12)
    assert system.to_dict()["correlation"]["c"] == C


@pytest.mark.mpi
def test_state_errors_name_field_place_and_time():
    msh = periodic_interval(COMM, 16, 1.0).mesh
    s = EulerSolver(EulerSystem(1, Isothermal(1.0)), msh, degree=1)
    with pytest.raises(StateError, match=r"rho has cell mean .* <= 0 .* in the cell at x = .* at t = 0"):
        s.set_state(lambda x: np.where(np.abs(x[0] - 0.5) < 0.1, -0.5, 1.0), lambda x: 0 * x[0])
    s = EulerSolver(EulerSystem(1, Adiabatic(1.4)), msh, degree=1, positivity=False)
    s.set_state(lambda x: 1 + 0 * x[0], lambda x: 0 * x[0], lambda x: 1 + 0 * x[0])
    s.step()
    if s.cells.num_owned:
        s.U.x.array[s.cells.dofs[0][0] * 3 + 1] = np.nan  # m_x of the first owned cell
    with pytest.raises(StateError, match=r"m_x is not finite in the cell at x = .* at t = "):
        s.step()


def test_two_ranks_equal_serial(run_parallel):
    """Sod (limiters active), 2D vortex, Bohm-Gross wave (Poisson per stage), 2D Coulomb and 1D kernel runs."""
    cases = [
        ["euler_riemann", {"degree": 1, "sizes": [50]}],
        ["euler_smooth", {"dim": 2, "degree": 1, "sizes": [8], "t_end": 0.2}],
        ["euler_wave", {"kind": "bohm_gross_adiabatic", "n": 16, "degree": 2}],
        ["euler_conservation", {"dim": 2, "field": "poisson", "n": 8, "steps": 20}],
        ["euler_conservation", {"dim": 1, "field": "kernel", "closure": "adiabatic", "steps": 50}],
    ]
    serial = euler_bundle(MPI.COMM_SELF, cases)
    parallel = run_parallel("euler_bundle", cases=cases)
    for i, (name, _) in enumerate(cases):
        for key in ("functionals", "l1", "errors", "amplitude", "omega_fit"):
            if key in serial[str(i)]:
                np.testing.assert_allclose(parallel[str(i)][key], serial[str(i)][key], rtol=1e-10, atol=1e-14,
                                           err_msg=f"{name} {key}")

def test_driver_writes_scalars_fields_and_metadata_with_cfl_steps(tmp_path):
    """continuum.driver with dt=None: CFL-limited steps, CSV totals, VTX fields, run.json with the closure."""
    import json

    from hydrobridge.continuum.driver import RunSettings, run

    pm = periodic_interval(COMM, 8, 1.0)
    s = EulerSolver(EulerSystem(1, Adiabatic(1.4)), pm.mesh, degree=1)
    s.set_state(lambda x: 1 + 0.1 * np.sin(2 * np.pi * x[0]), lambda x: 0 * x[0] + 0.5, lambda x: 1 + 0 * x[0])
    run(s, RunSettings(dt=None, steps=6, output_every=3, diagnostics_every=2), tmp_path, pm.cell_input_ids)
    assert s.time == pytest.approx(6 * s.cfl * s._h / (3 * s.max_speed()), rel=0.05)
    if COMM.rank == 0:
        lines = (tmp_path / "diagnostics.csv").read_text().splitlines()
        assert lines[0].split(",") == ["step", "time", "rho", "m_x", "E", "max_speed"]
        assert len(lines) == 1 + 4
        meta = json.loads((tmp_path / "run.json").read_text())
        assert meta["model"]["system"]["closure"] == {"closure": "Adiabatic", "gamma": 1.4}
    assert (tmp_path / "fields.bp").exists()


def test_driver_checkpoint_restart_reproduces_the_run(tmp_path):
    """Euler through continuum.driver: a crashed run resumed from its checkpoint gives the same CSV."""
    from hydrobridge.continuum.driver import RunSettings

    def make():
        pm = periodic_interval(MPI.COMM_SELF, 16, 1.0)
        s = EulerSolver(EulerSystem(1, Adiabatic(1.4)), pm.mesh, degree=1)
        s.set_state(lambda x: 1 + 0.2 * np.sin(2 * np.pi * x[0]), lambda x: 0 * x[0] + 0.5, lambda x: 1 + 0 * x[0])
        return s, pm.cell_input_ids

    settings = RunSettings(dt=2e-3, steps=30, output_every=10, checkpoint_every=10)
    info, full, resumed = crash_and_resume(make, settings, tmp_path, crash_at=18, error=KeyboardInterrupt)
    assert info["resumed_from"] == 10
    assert resumed == full
