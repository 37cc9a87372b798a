"""Integrators (docs/theory.md §2 equations of motion): conservation, reversibility, order, thermostat."""

import math

import numpy as np
import pytest

from hydrobridge.particles.dipolar.forcefield import force_field
from hydrobridge.particles.dipolar.integrate import BAOAB, DEFAULT_DT, VelocityVerlet
from hydrobridge.particles.dipolar.model import DipolarBoxModel, lattice_state
from hydrobridge.particles.dipolar.observables import block_average, kinetic_energies, total_momentum
from hydrobridge.particles.dipolar.system import dipolar_force_field

N, DENSITY, KT = 64, 0.6, 1.0
L = math.sqrt(N / DENSITY)
PARAMS = DipolarBoxModel(Lx=L, Ly=L, q=3.0)  # mu = 1.5, l = 0.5, I = 1/16: mu^2/(2 pi eps0 s^2) = 0.36 kT


def total_energy(state, c):
    return c.energy + sum(kinetic_energies(state, PARAMS))


@pytest.fixture(scope="module")
def liquid():
    """Dense dipolar liquid (n s^2 = 0.6, kT = 1) equilibrated by 1500 BAOAB steps; zero total momentum."""
    ff = dipolar_force_field(PARAMS)
    rng = np.random.default_rng(7)
    s = lattice_state(PARAMS, N, KT, rng)
    c = ff(s.x, s.theta, 0.0)
    lang = BAOAB(ff, PARAMS, kT=KT, gamma=1.0, gamma_r=4.0, dt=0.005)
    for _ in range(1500):
        s, c = lang.step(s, c, rng)
    s.v -= s.v.mean(axis=0)
    return ff, s, ff(s.x, s.theta, s.t)


def run_nve(ff, s, c, dt, n_steps):
    vv = VelocityVerlet(ff, PARAMS, dt)
    energies, momenta = [total_energy(s, c)], [total_momentum(s, PARAMS)]
    for _ in range(n_steps):
        s, c = vv.step(s, c)
        energies.append(total_energy(s, c))
        momenta.append(total_momentum(s, PARAMS))
    return s, np.array(energies), np.array(momenta)


def test_nve_conserves_momentum_to_round_off(liquid):
    ff, s, c = liquid
    s = s.copy()
    s.v += np.array([0.3, -0.2])
    _, _, p = run_nve(ff, s, c, DEFAULT_DT, 300)
    assert np.max(np.abs(p - p[0])) < 1e-12 * N


def test_nve_energy_drift_small(liquid):
    ff, s, c = liquid
    _, e, _ = run_nve(ff, s, c, DEFAULT_DT, 2000)
    assert np.max(np.abs(e - e[0])) / abs(e[0]) < 1e-4


@pytest.mark.slow
def test_nve_energy_drift_1e4_steps(liquid):
    ff, s, c = liquid
    _, e, _ = run_nve(ff, s, c, DEFAULT_DT, 10_000)
    print(f"1e4 steps: final drift {abs(e[-1] - e[0]) / abs(e[0]):.1e}, max {np.max(np.abs(e - e[0])) / abs(e[0]):.1e}")
    assert abs(e[-1] - e[0]) / abs(e[0]) < 1e-4
    assert np.max(np.abs(e - e[0])) / abs(e[0]) < 1e-4


def test_velocity_verlet_energy_error_is_second_order(liquid):
    ff, s, c = liquid
    err = [np.max(np.abs(run_nve(ff, s, c, dt, round(0.8 / dt))[1] - total_energy(s, c))) for dt in (0.008, 0.004)]
    assert 3.0 < err[0] / err[1] < 5.5


def test_velocity_verlet_is_time_reversible(liquid):
    ff, s0, c0 = liquid
    vv = VelocityVerlet(ff, PARAMS, DEFAULT_DT)
    s, c = s0, c0
    for _ in range(200):
        s, c = vv.step(s, c)
    assert np.max(np.abs(s.theta - s0.theta)) > 0.1
    s = s.copy()
    s.v, s.omega = -s.v, -s.omega
    for _ in range(200):
        s, c = vv.step(s, c)
    d = s.x - s0.x
    d -= PARAMS.box * np.rint(d / PARAMS.box)
    assert np.max(np.abs(d)) < 1e-9 and np.max(np.abs(s.theta - s0.theta)) < 1e-9


def test_baoab_samples_the_temperature(liquid):
    ff, s, c = liquid
    rng = np.random.default_rng(11)
    lang = BAOAB(ff, PARAMS, kT=KT, gamma=2.0, gamma_r=8.0, dt=0.005)
    ke = []
    for _ in range(3000):
        s, c = lang.step(s, c, rng)
        ke.append(kinetic_energies(s, PARAMS))
    mean, err = block_average(np.array(ke) / N, 20)
    # equipartition: 2 translational and 1 rotational degree of freedom per molecule
    assert abs(mean[0] - KT) < 4 * err[0] + 0.01 and err[0] < 0.03
    assert abs(mean[1] - KT / 2) < 4 * err[1] + 0.005 and err[1] < 0.015


def test_integrator_parameter_validation():
    ff = force_field([], PARAMS.box)
    with pytest.raises(ValueError, match="dt"):
        VelocityVerlet(ff, PARAMS, 0.0)
    with pytest.raises(ValueError, match="gamma_r"):
        BAOAB(ff, PARAMS, kT=1.0, gamma=1.0, gamma_r=-1.0)
