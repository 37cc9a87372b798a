"""Finite-l model (explicit +/- charges, charge Ewald) against the point-dipole model (docs/theory.md §2)."""

import numpy as np
import pytest
from scipy.special import exp1 as scipy_exp1

from hydrobridge.particles.dipolar.charges import exp1, finite_dipole_terms
from hydrobridge.particles.dipolar.ewald import ewald_setup, ewald_terms
from hydrobridge.particles.dipolar.fdcheck import fd_forces_torques, relative_error
from hydrobridge.particles.dipolar.forcefield import force_field

MU, EPS0 = 1.3, 0.7
BOX = np.array([3.0, 2.2])


def config(n=10, seed=3):
    rng = np.random.default_rng(seed)
    return rng.uniform(0, 1, (n, 2)) * BOX, rng.uniform(0, 2 * np.pi, n)


def test_exp1_matches_scipy():
    u = np.logspace(-10, 2.6, 400)
    assert np.max(np.abs(np.array([exp1(v) for v in u]) / scipy_exp1(u) - 1)) < 1e-13


@pytest.mark.parametrize("part", [0, 1, 2])
def test_charge_ewald_forces_torques_are_minus_energy_derivatives(part):
    x, theta = config()
    term = finite_dipole_terms(MU / 0.2, 0.2, EPS0, BOX, ewald_setup(BOX, 1e-8, r_cut=1.0))[part]
    c = force_field([term], BOX)(x, theta, 0.0)
    f_fd, tau_fd = fd_forces_torques(term, x, theta, BOX, h=1e-6)
    if part == 2:  # constants only
        assert not np.any(c.force) and not np.any(c.torque) and np.max(np.abs(f_fd)) < 1e-8
    else:
        assert relative_error(c.force, f_fd) < 1e-6
        assert relative_error(c.torque, tau_fd) < 1e-6


def test_charge_ewald_is_independent_of_kappa():
    x, theta = config()
    res = [force_field(finite_dipole_terms(MU / 0.1, 0.1, EPS0, BOX, ewald_setup(BOX, 1e-13, r_cut=rc)), BOX)(
        x, theta, 0.0) for rc in (0.6, 1.1)]
    assert abs(res[1].energy - res[0].energy) < 1e-10 * abs(res[0].energy)
    assert relative_error(res[1].force, res[0].force) < 1e-9
    assert relative_error(res[1].torque, res[0].torque) < 1e-9


def test_point_dipole_limit_is_second_order_in_l():
    x, theta = config()
    setup = ewald_setup(BOX, 1e-13, r_cut=1.0)
    point = force_field(ewald_terms(MU, EPS0, BOX, setup), BOX)(x, theta, 0.0)
    diffs = []
    for l in (0.04, 0.02, 0.01):  # fixed mu = q l
        c = force_field(finite_dipole_terms(MU / l, l, EPS0, BOX, setup), BOX)(x, theta, 0.0)
        diffs.append([abs(c.energy - point.energy), np.max(np.abs(c.force - point.force)),
                      np.max(np.abs(c.torque - point.torque))])
    ratios = np.array(diffs[:-1]) / np.array(diffs[1:])
    assert np.all((ratios > 3.8) & (ratios < 4.2)), ratios
    assert diffs[-1][0] < 3e-3 * abs(point.energy)  # close pairs (r ~ 0.1) make the l^2 coefficient large
