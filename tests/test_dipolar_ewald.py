"""Point-dipole Ewald (docs/theory.md §2): derivatives, kappa independence, image-sum reference, limits."""

import math

import numpy as np
import pytest

from hydrobridge.particles.dipolar import lattice_sum
from hydrobridge.particles.dipolar.ewald import ewald_setup, ewald_terms
from hydrobridge.particles.dipolar.fdcheck import fd_forces_torques, relative_error
from hydrobridge.particles.dipolar.forcefield import force_field

from helpers import DIPOLE_BOX as BOX, DIPOLE_EPS0 as EPS0, DIPOLE_MU as MU, random_dipoles


@pytest.mark.parametrize("part", [0, 1])
def test_real_and_reciprocal_forces_torques_are_minus_energy_derivatives(part):
    x, theta = random_dipoles()
    term = ewald_terms(MU, EPS0, BOX, ewald_setup(BOX, 1e-6, r_cut=1.0))[part]
    c = force_field([term], BOX)(x, theta, 0.0)
    f_fd, tau_fd = fd_forces_torques(term, x, theta, BOX, h=1e-6)
    assert relative_error(c.force, f_fd) < 1e-6
    assert relative_error(c.torque, tau_fd) < 1e-6


def test_self_term_is_constant_with_zero_force_and_torque():
    x, theta = random_dipoles()
    setup = ewald_setup(BOX, 1e-6, r_cut=1.0)
    term = ewald_terms(MU, EPS0, BOX, setup)[2]
    c1 = force_field([term], BOX)(x, theta, 0.0)
    c2 = force_field([term], BOX)(x[::-1].copy(), theta + 1.0, 0.0)
    assert c1.energy == c2.energy == pytest.approx(-10 * setup.kappa**2 * MU**2 / (4 * math.pi * EPS0))
    assert not np.any(c1.force) and not np.any(c1.torque)


def test_total_is_independent_of_kappa():
    x, theta = random_dipoles()
    results = [force_field(ewald_terms(MU, EPS0, BOX, ewald_setup(BOX, 1e-13, r_cut=rc)), BOX)(x, theta, 0.0)
               for rc in (0.6, 0.85, 1.1)]
    for c in results[1:]:
        assert abs(c.energy - results[0].energy) < 1e-10 * abs(results[0].energy)
        assert relative_error(c.force, results[0].force) < 1e-9
        assert relative_error(c.torque, results[0].torque) < 1e-9
    # the split itself does depend on kappa, so the test can fail if one part is wrong
    parts = [force_field([t], BOX)(x, theta, 0.0).energy
             for t in ewald_terms(MU, EPS0, BOX, ewald_setup(BOX, 1e-13, r_cut=0.6))]
    assert abs(parts[0] - results[0].energy) > 1e-3


def test_agrees_with_row_summed_image_sum():
    x, theta = random_dipoles()
    ref = lattice_sum.dipole_energy(x, theta, MU, EPS0, BOX)
    # summing the images column by column (swap the axes) must give the same number
    ref_t = lattice_sum.dipole_energy(x[:, ::-1].copy(), math.pi / 2 - theta, MU, EPS0, BOX[::-1].copy())
    assert abs(ref - ref_t) < 1e-12 * abs(ref)
    for acc in (1e-6, 1e-10):
        c = force_field(ewald_terms(MU, EPS0, BOX, ewald_setup(BOX, acc, r_cut=1.0)), BOX)(x, theta, 0.0)
        assert abs(c.energy - ref) < 30 * acc * abs(ref)


def test_forces_torques_agree_with_image_sum_derivatives():
    x, theta = random_dipoles(n=6, seed=5)
    c = force_field(ewald_terms(MU, EPS0, BOX, ewald_setup(BOX, 1e-12, r_cut=1.1)), BOX)(x, theta, 0.0)
    h = 1e-6
    f_ref = np.zeros_like(x)
    tau_ref = np.zeros_like(theta)
    for i in range(6):
        for a in range(2):
            xp, xm = x.copy(), x.copy()
            xp[i, a] += h
            xm[i, a] -= h
            f_ref[i, a] = -(lattice_sum.dipole_energy(xp, theta, MU, EPS0, BOX)
                            - lattice_sum.dipole_energy(xm, theta, MU, EPS0, BOX)) / (2 * h)
        tp, tm = theta.copy(), theta.copy()
        tp[i] += h
        tm[i] -= h
        tau_ref[i] = -(lattice_sum.dipole_energy(x, tp, MU, EPS0, BOX)
                       - lattice_sum.dipole_energy(x, tm, MU, EPS0, BOX)) / (2 * h)
    assert relative_error(c.force, f_ref) < 1e-7
    assert relative_error(c.torque, tau_ref) < 1e-7


def test_single_dipole_in_square_box_has_isotropic_self_image_energy():
    # H_reg = I / (2 |Omega|) in a square box, so U = -mu^2 / (4 eps0 L^2) for any angle, and zero torque
    box = np.array([2.0, 2.0])
    ff = force_field(ewald_terms(MU, EPS0, box, ewald_setup(box, 1e-12)), box)
    for angle in (0.0, 0.4, 2.0):
        c = ff(np.array([[0.3, 1.7]]), np.array([angle]), 0.0)
        assert c.energy == pytest.approx(-MU**2 / (4 * EPS0 * 4.0), rel=1e-10)
        assert abs(c.torque[0]) < 1e-10


def test_single_dipole_in_rectangular_box_feels_image_torque():
    # the images of one dipole in a rectangular box exert tau = -dU/dtheta = (mu^2/(2 eps0)) (H_yy - H_xx) sin(2 theta),
    # U = -(1/(2 eps0)) p.H_reg.p
    ff = force_field(ewald_terms(MU, EPS0, BOX, ewald_setup(BOX, 1e-12)), BOX)
    h = lattice_sum.regular_hessian_at_origin(BOX)
    angle = 0.7
    c = ff(np.array([[1.0, 1.0]]), np.array([angle]), 0.0)
    expected = (MU**2 / (2 * EPS0)) * (h[1, 1] - h[0, 0]) * math.sin(2 * angle)
    assert abs(h[1, 1] - h[0, 0]) > 0.01
    assert c.torque[0] == pytest.approx(expected, rel=1e-9)


def test_plain_disc_image_sum_is_tin_foil_plus_2d_depolarisation_term():
    # summing images over a disc of radius R -> infinity (vacuum outside) adds |M|^2 / (4 eps0 |Omega|) to the
    # tin-foil energy: a uniformly polarised disc has depolarising field -P / (2 eps0) in 2D
    x, theta = random_dipoles(n=5)
    p = MU * np.column_stack((np.cos(theta), np.sin(theta)))
    radius = 400.0
    a = np.arange(-int(radius / BOX[0]) - 1, int(radius / BOX[0]) + 2) * BOX[0]
    b = np.arange(-int(radius / BOX[1]) - 1, int(radius / BOX[1]) + 2) * BOX[1]
    lattice = np.stack(np.meshgrid(a, b, indexing="ij"), -1).reshape(-1, 2)
    lattice = lattice[np.hypot(lattice[:, 0], lattice[:, 1]) < radius]
    u_disc = 0.0
    for i in range(5):
        for j in range(5):
            r = x[i] - x[j] + lattice
            r2 = np.sum(r * r, axis=1)
            keep = r2 > 0  # drops only the i = j, n = 0 self term
            r, r2 = r[keep], r2[keep]
            u_disc += 0.5 * np.sum((p[i] @ p[j] - 2 * (r @ p[i]) * (r @ p[j]) / r2) / r2) / (2 * math.pi * EPS0)
    tin_foil = force_field(ewald_terms(MU, EPS0, BOX, ewald_setup(BOX, 1e-12, 1.0)), BOX)(x, theta, 0.0).energy
    m = p.sum(axis=0)
    surface = m @ m / (4 * EPS0 * BOX[0] * BOX[1])
    assert abs(u_disc - (tin_foil + surface)) < 1e-3 * abs(tin_foil)
    assert abs(surface) > 0.5 * abs(tin_foil)  # the surface term is not negligible here


def test_agrees_with_image_sum_in_elongated_box():
    box = np.array([6.0, 0.9])
    rng = np.random.default_rng(1)
    x, theta = rng.uniform(0, 1, (6, 2)) * box, rng.uniform(0, 2 * np.pi, 6)
    ref = lattice_sum.dipole_energy(x, theta, MU, EPS0, box)
    c = force_field(ewald_terms(MU, EPS0, box, ewald_setup(box, 1e-13, 0.45)), box)(x, theta, 0.0)
    assert abs(c.energy - ref) < 1e-9 * abs(ref)
