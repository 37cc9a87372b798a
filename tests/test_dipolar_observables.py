"""Observables (docs/theory.md §3-§4): ideal-rotor limits, correlation, block errors, g(r), CIC moments."""

import math

import numpy as np
import pytest

from hydrobridge.particles.dipolar.forcefield import force_field
from hydrobridge.particles.dipolar.integrate import BAOAB, VelocityVerlet
from hydrobridge.particles.dipolar.model import DipolarBoxModel, State, lattice_state
from hydrobridge.particles.dipolar.observables import (block_average, deposit_cic, moment_fields, polarization,
                                           radial_distribution, static_permittivity, time_correlation)
from hydrobridge.particles.dipolar.space import neighbor_pairs

KT = 1.3


def test_ideal_rotor_static_permittivity_within_three_standard_errors():
    # interactions off: eps - 1 = n mu^2 / (2 eps0 kT)
    params = DipolarBoxModel(Lx=10.0, Ly=8.0, q=2.4, eps0=0.8)  # mu = 1.2, I = 1/16
    n = 100
    rng = np.random.default_rng(2)
    s = lattice_state(params, n, KT, rng)
    ff = force_field([], params.box)
    c = ff(s.x, s.theta, 0.0)
    lang = BAOAB(ff, params, kT=KT, gamma=1.0, gamma_r=4.0, dt=0.02)
    m = []
    for _ in range(40_000):  # 800 time units, rotational correlation time I gamma_r / kT ~ 0.2
        s, c = lang.step(s, c, rng)
        m.append(polarization(s.theta, params.mu))
    eps, err = static_permittivity(np.array(m), KT, params.eps0, params.area, n_blocks=40)
    expected = 1.0 + (n / params.area) * params.mu**2 / (2 * params.eps0 * KT)
    print(f"ideal rotors: eps = {eps:.4f} +- {err:.4f}, theory {expected:.4f}")
    assert abs(eps - expected) < 3 * err
    assert err < 0.03 * (expected - 1.0)  # the error bar is small enough for the test to mean something


def test_free_rotor_dipole_autocorrelation_is_gaussian():
    # NVE free rotors, Maxwellian omega: <M(0).M(t)> / <M^2> = exp(-kT t^2 / (2 I))
    params = DipolarBoxModel(Lx=50.0, Ly=50.0, l=0.4)
    n, dt = 2000, 0.005
    rng = np.random.default_rng(4)
    s = lattice_state(params, n, KT, rng)
    ff = force_field([], params.box)
    c = ff(s.x, s.theta, 0.0)
    vv = VelocityVerlet(ff, params, dt)
    m = [polarization(s.theta, params.mu)]
    for _ in range(6000):
        s, c = vv.step(s, c)
        m.append(polarization(s.theta, params.mu))
    corr = time_correlation(np.array(m), 160)
    t = dt * np.arange(161)
    expected = np.exp(-KT * t**2 / (2 * params.inertia))
    assert expected[-1] < 1e-3
    print(f"free rotors: max |C/C0 - exp(-kT t^2/2I)| = {np.max(np.abs(corr / corr[0] - expected)):.4f}")
    assert np.max(np.abs(corr / corr[0] - expected)) < 4 / math.sqrt(n)


def test_time_correlation_matches_direct_average():
    a = np.random.default_rng(0).normal(size=(500, 2))
    c = time_correlation(a, 10)
    for k in (0, 3, 10):
        assert c[k] == pytest.approx(np.mean(np.sum(a[: 500 - k] * a[k:], axis=1)), rel=1e-12)


def test_block_average_error_of_independent_samples():
    rng = np.random.default_rng(1)
    errs = [block_average(rng.normal(size=4000), 20)[1] for _ in range(200)]
    assert np.mean(errs) == pytest.approx(1 / math.sqrt(4000), rel=0.05)
    with pytest.raises(ValueError):
        block_average(np.zeros(5), 10)


def test_ideal_gas_pair_distribution_is_one():
    box = np.array([30.0, 20.0])
    rng = np.random.default_rng(3)
    gs = [radial_distribution(neighbor_pairs(rng.uniform(0, 1, (400, 2)) * box, box, 5.0), 400, 600.0, 10)[1]
          for _ in range(20)]
    g = np.mean(gs, axis=0)
    assert np.all(np.abs(g[2:] - 1.0) < 0.05)
    assert np.mean(g) == pytest.approx(1.0, abs=0.03)


def test_cic_deposit_is_conservative_and_linear():
    box = np.array([3.0, 2.0])
    rng = np.random.default_rng(5)
    x = rng.uniform(-1, 2, (50, 2)) * box
    w = rng.normal(size=(50, 3))
    f = deposit_cic(x, w, box, (6, 5))
    assert np.allclose(f.sum(axis=(0, 1)) * (3.0 * 2.0 / 30), w.sum(axis=0), rtol=1e-13)
    # a particle on a node goes entirely to it; a particle a quarter of the way splits 3/4 : 1/4
    one = deposit_cic(np.array([[1.0, 0.4]]), np.ones(1), box, (6, 5))[..., 0] * 0.2
    assert one[2, 1] == pytest.approx(1.0) and one.sum() == pytest.approx(1.0)
    q = deposit_cic(np.array([[2.875, 0.4]]), np.ones(1), box, (6, 5))[..., 0] * 0.2  # between node 5 and 0
    assert q[5, 1] == pytest.approx(0.25) and q[0, 1] == pytest.approx(0.75)


def test_moment_fields_integrate_to_particle_sums():
    params = DipolarBoxModel(Lx=4.0, Ly=5.0)
    rng = np.random.default_rng(6)
    s = State(rng.uniform(0, 1, (40, 2)) * params.box, rng.uniform(0, 7, 40), rng.normal(size=(40, 2)),
              rng.normal(size=40))
    f = moment_fields(s, params, (8, 10))
    cell = params.area / 80
    assert f["rho"].sum() * cell == pytest.approx(40.0, rel=1e-13)
    assert np.allclose(f["rhoU"].sum(axis=(0, 1)) * cell, s.v.sum(axis=0), rtol=1e-12)
    assert np.allclose(f["rhoD"].sum(axis=(0, 1)) * cell, polarization(s.theta, 1.0), rtol=1e-12)
    assert f["rhoOmega"].sum() * cell == pytest.approx(s.omega.sum(), rel=1e-12)
