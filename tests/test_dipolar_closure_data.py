"""Pressures (kinetic + virial) and orientational pair moments for the closures (docs/theory.md §3)."""

import numpy as np
import pytest

from hydrobridge.particles.dipolar.model import DipolarBoxModel, State
from hydrobridge.particles.dipolar.pair_moments import pair_moments
from hydrobridge.particles.dipolar.pressure import pressure_fields, pressure_tensors
from hydrobridge.particles.dipolar.shortrange import ShortRange
from hydrobridge.particles.dipolar.space import Pairs, neighbor_pairs

PARAMS = DipolarBoxModel(Lx=7.0, Ly=6.0, m=1.7)


def config(n=40, seed=0):
    rng = np.random.default_rng(seed)
    x = np.empty((0, 2))
    while x.shape[0] < n:
        c = rng.uniform(0, 1, 2) * PARAMS.box
        d = x - c
        d -= PARAMS.box * np.rint(d / PARAMS.box)
        if x.shape[0] == 0 or np.min(np.hypot(d[:, 0], d[:, 1])) > 0.75:
            x = np.vstack((x, c))
    return State(x, rng.uniform(0, 2 * np.pi, n), rng.normal(size=(n, 2)), rng.normal(size=n))


def test_virial_is_minus_strain_derivative_of_energy():
    # W_ab = -dU/d(eps_ab) when every pair separation is deformed as r -> (1 + eps) r
    s = config()
    term = ShortRange(1.0, 1.0, 12.0, 2.9)
    pairs = neighbor_pairs(s.x, PARAMS.box, 2.9)
    w = term.virial(s.theta, pairs)
    h = 1e-6
    for a in range(2):
        for b in range(2):
            u = []
            for sign in (1, -1):
                strain = np.eye(2)
                strain[a, b] += sign * h
                strained = Pairs(pairs.i, pairs.j, pairs.d @ strain.T, pairs.r_cut)
                u.append(term(s.x, s.theta, 0.0, strained).energy)
            assert w[a, b] == pytest.approx(-(u[0] - u[1]) / (2 * h), rel=1e-6, abs=1e-9)


def test_pressure_tensors_kinetic_parts():
    s = config()
    p = pressure_tensors(s, PARAMS, np.zeros((2, 2)))
    dv = s.v - s.v.mean(axis=0)
    assert np.allclose(p["P_vv"], dv.T @ dv / PARAMS.area)
    # moments of centred quantities vanish for uniform shifts of v and omega
    s2 = State(s.x, s.theta, s.v + 3.0, s.omega - 2.0)
    p2 = pressure_tensors(s2, PARAMS, np.zeros((2, 2)))
    for k in p:
        assert np.allclose(p[k], p2[k], atol=1e-12)
    # omega_i = c sin(theta_i) correlates omega with d_y only
    s3 = State(s.x, s.theta, s.v, 2.0 * np.sin(s.theta))
    d = np.column_stack((np.cos(s.theta), np.sin(s.theta)))
    expected = 2.0 * np.sum((d[:, 1] - d[:, 1].mean())[:, None] * (d - d.mean(axis=0)), axis=0) / PARAMS.area
    assert np.allclose(pressure_tensors(s3, PARAMS, np.zeros((2, 2)))["P_dw"], expected)


def test_virial_pressure_of_repulsive_gas_is_positive_and_enters_p_vv():
    s = config()
    term = ShortRange(1.0, 1.0, 12.0, 2.9)
    w = term.virial(np.zeros(s.n), neighbor_pairs(s.x, PARAMS.box, 2.9))  # aligned: b = 0, purely repulsive
    assert np.trace(w) > 0
    p = pressure_tensors(s, PARAMS, w)
    assert np.allclose(p["P_vv"] - pressure_tensors(s, PARAMS, np.zeros((2, 2)))["P_vv"], w / (PARAMS.m * PARAMS.area))


def test_pair_moments_normalisation_and_symmetry():
    s = config(n=40, seed=2)
    r_max = 2.0
    pm = pair_moments(s.x, s.theta, PARAMS.box, r_max, 8)
    cell = (pm.edges[1] - pm.edges[0]) ** 2
    d = s.x[:, None, :] - s.x[None, :, :]
    d -= PARAMS.box * np.rint(d / PARAMS.box)
    inside = (np.abs(d[..., 0]) < r_max) & (np.abs(d[..., 1]) < r_max) & ~np.eye(s.n, dtype=bool)
    assert pm.n2.sum() * cell * PARAMS.area == pytest.approx(inside.sum())
    # M2(-r) = M2(r)^T, and aligned molecules give M2_xx = n2
    assert np.allclose(pm.m2[::-1, ::-1], np.swapaxes(pm.m2, -1, -2))
    aligned = pair_moments(s.x, np.zeros(s.n), PARAMS.box, r_max, 8)
    assert np.allclose(aligned.m2[..., 0, 0], aligned.n2) and np.allclose(aligned.m2perp[..., 1, 0], aligned.n2)
    assert np.allclose(aligned.m2[..., 1, 1], 0) and np.allclose(aligned.m2perp[..., 0, :], 0)
    with pytest.raises(ValueError, match="r_max"):
        pair_moments(s.x, s.theta, PARAMS.box, 2.5, 8)


def test_pair_density_of_ideal_gas():
    box = np.array([30.0, 30.0])
    rng = np.random.default_rng(3)
    n = 300
    n2 = np.mean([pair_moments(rng.uniform(0, 1, (n, 2)) * box, rng.uniform(0, 7, n), box, 4.0, 4).n2
                  for _ in range(20)], axis=0)
    assert np.allclose(n2 / (n * (n - 1) / 900.0**2), 1.0, atol=0.06)


def test_pressure_fields_vanish_for_rigid_motion_and_match_box_average_on_one_cell():
    s = config()
    # all molecules moving and spinning alike: no velocity or spin spread anywhere
    rigid = State(s.x, s.theta, np.tile([0.7, -1.1], (s.n, 1)), np.full(s.n, 2.5))
    for name, f in pressure_fields(rigid, PARAMS, (6, 5)).items():
        assert np.max(np.abs(f)) < 1e-12, name
    # a 1 x 1 grid is the box average: the fields then equal pressure_tensors (kinetic part)
    one = pressure_fields(s, PARAMS, (1, 1))
    box = pressure_tensors(s, PARAMS, np.zeros((2, 2)))
    for name in box:
        assert np.allclose(one[name][0, 0], box[name], rtol=1e-12, atol=1e-14), name
