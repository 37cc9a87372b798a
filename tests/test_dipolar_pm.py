"""Particle-mesh (smooth PME) reciprocal part for dipoles: exact derivatives, agreement with Ewald."""

import math

import numpy as np
import pytest

from hydrobridge.particles.dipolar.ewald import ewald_setup, ewald_terms
from hydrobridge.particles.dipolar.fdcheck import fd_forces_torques, relative_error
from hydrobridge.particles.dipolar.forcefield import force_field
from hydrobridge.particles.dipolar.model import DipolarBoxModel, lattice_state
from hydrobridge.particles.dipolar.pm import ParticleMesh, pm_grid
from hydrobridge.particles.dipolar.system import dipolar_force_field

from helpers import DIPOLE_BOX as BOX, DIPOLE_EPS0 as EPS0, DIPOLE_MU as MU, random_dipoles


@pytest.mark.parametrize("order", [4, 6])
def test_pm_forces_torques_are_minus_energy_derivatives(order):
    x, theta = random_dipoles()
    term = ParticleMesh(MU, EPS0, ewald_setup(BOX, 1e-8, 1.0).kappa, BOX, (20, 18), order)
    c = force_field([term], BOX)(x, theta, 0.0)
    f_fd, tau_fd = fd_forces_torques(term, x, theta, BOX)
    assert relative_error(c.force, f_fd) < 1e-6
    assert relative_error(c.torque, tau_fd) < 1e-6


def test_pm_converges_to_ewald_reciprocal_with_spline_order():
    x, theta = random_dipoles()
    setup = ewald_setup(BOX, 1e-8, 1.0)
    ref = force_field([ewald_terms(MU, EPS0, BOX, setup)[1]], BOX)(x, theta, 0.0)
    errors = []
    for k in (32, 64):
        c = force_field([ParticleMesh(MU, EPS0, setup.kappa, BOX, (k, k), 6)], BOX)(x, theta, 0.0)
        errors.append(max(abs(c.energy - ref.energy) / abs(ref.energy), relative_error(c.torque, ref.torque)))
    assert errors[1] < 1e-5
    assert errors[0] / errors[1] > 2**6 / 4  # about 2^order when the mesh spacing halves


@pytest.mark.parametrize("accuracy", [1e-4, 1e-6])
def test_pm_force_field_agrees_with_exact_ewald_to_configured_accuracy(accuracy):
    n = 256
    length = math.sqrt(n / 0.6)
    params = DipolarBoxModel(Lx=length, Ly=1.1 * length, q=3.0)
    s = lattice_state(params, n, 1.0, np.random.default_rng(0))
    s.x += np.random.default_rng(1).normal(0, 0.1, s.x.shape)
    exact = dipolar_force_field(params, 1e-13, r_cut_ewald=3.0, r_cut_short=3.0)(s.x, s.theta, 0.0)
    ff = dipolar_force_field(params, accuracy, r_cut_ewald=3.0, r_cut_short=3.0, mesh_order=6)
    c = ff(s.x, s.theta, 0.0)
    assert relative_error(c.force, exact.force) < 10 * accuracy
    assert relative_error(c.torque, exact.torque) < 10 * accuracy
    assert abs(c.energy - exact.energy) / n < 10 * accuracy * params.e_s  # energy per molecule


def test_pm_validation():
    with pytest.raises(ValueError, match="order"):
        ParticleMesh(MU, EPS0, 1.0, BOX, (16, 16), 5)
    with pytest.raises(ValueError, match="grid"):
        ParticleMesh(MU, EPS0, 1.0, BOX, (4, 16), 6)
    assert all(k % 2 == 0 for k in pm_grid(BOX, 3.0, 1e-5))


def test_default_ewald_cutoff_balances_cost_for_large_n():
    n = 4096
    length = math.sqrt(n / 0.6)
    params = DipolarBoxModel(Lx=length, Ly=length)
    real = dipolar_force_field(params, 1e-5, n=n).terms[0]
    assert 8.0 < real.r_cut < 0.5 * length  # capped well below L/2 = 41
    small = DipolarBoxModel(Lx=5.0, Ly=4.0)
    assert dipolar_force_field(small, 1e-5, n=16).terms[0].r_cut == 2.0  # small boxes keep L/2
