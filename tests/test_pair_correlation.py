"""Correlation source from a pair correlation h (docs/theory.md §1): C = rho ((F h) * rho) in the Euler rung."""

import numpy as np
import pytest

from mpi4py import MPI

from hydrobridge.closures.ideal import Isothermal
from hydrobridge.closures.ornstein_zernike import solve_oz_1d
from hydrobridge.closures.pair_correlation import PairCorrelation, from_oz, load_pair_correlation, weak_coupling
from hydrobridge.continuum.euler import ConvolutionMeanField1D, CorrelatedConvolutionMeanField1D, EulerSolver, EulerSystem
from hydrobridge.meshes.periodic import periodic_interval


def momentum_change(mean_field, dt=1e-6):
    msh = periodic_interval(MPI.COMM_SELF, 32, 1.0).mesh
    s = EulerSolver(EulerSystem(1, Isothermal(1.0), mean_field=mean_field), msh, degree=1)
    s.set_state(lambda x: 1 + 0.3 * np.sin(2 * np.pi * x[0]), lambda x: 0 * x[0])
    m0 = s.U.x.array.reshape(-1, 2)[:, 1].copy()
    s.step(dt)
    return s.U.x.array.reshape(-1, 2)[:, 1] - m0


def test_constant_h_scales_the_mean_field_force():
    """h = c0: mean field + correlation = (1 + c0) x mean field (the pressure part is unchanged)."""
    c0 = 0.37
    none = momentum_change(None)
    mf = momentum_change(ConvolutionMeanField1D(V0=1.0, xi=0.1))
    h = PairCorrelation(np.array([0.0, 10.0]), np.array([c0, c0]), "constant")
    corr = momentum_change(CorrelatedConvolutionMeanField1D(V0=1.0, xi=0.1, pair_correlation=h))
    force = mf - none
    assert np.max(np.abs(force)) > 1e-8
    np.testing.assert_allclose(corr - none, (1 + c0) * force, rtol=1e-6, atol=1e-9 * np.max(np.abs(force)))


def test_oz_and_weak_coupling_closures_round_trip(tmp_path):
    sol = solve_oz_1d(lambda r: 0.2 / (1 + r**6), density=0.3, closure="hnc", r_max=20.0, n=2**12)
    h = from_oz(sol, r_max=8.0)
    assert h.source == "ornstein_zernike_hnc" and h(np.array([100.0]))[0] == 0.0
    h.save(tmp_path / "h.json")
    back = load_pair_correlation(tmp_path / "h.json")
    np.testing.assert_array_equal(back(np.linspace(-9, 9, 50)), h(np.linspace(-9, 9, 50)))
    assert back.density == 0.3 and back.density_range == (0.3, 0.3)
    with pytest.raises(ValueError, match="leaves the range"):          # h of rho = 0.3 only
        back.check_range(np.array([0.25, 0.3]))
    from_oz(sol, extrapolate=True).check_range(np.array([0.25, 0.3]))   # documented extrapolation
    wc = weak_coupling(lambda r: 0.2 / (1 + r**6), r_max=8.0)
    assert np.max(np.abs(wc(sol.r[sol.r < 8]) - h(sol.r[sol.r < 8]))) < 0.05   # HNC ~ -beta u when weak
    with pytest.raises(ValueError, match="increasing"):
        PairCorrelation(np.array([1.0, 0.5]), np.array([0.0, 0.0]), "bad")
