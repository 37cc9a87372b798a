"""Short-range Phi, uniform AC field, cell-list pairs and parameter validation (docs/theory.md §2)."""

import math

import numpy as np
import pytest

from hydrobridge.particles.dipolar.fdcheck import fd_forces_torques, relative_error
from hydrobridge.particles.dipolar.field import SheetPairField, UniformACField
from hydrobridge.particles.dipolar.forcefield import force_field
from hydrobridge.particles.dipolar.model import DipolarBoxModel, State, lattice_state
from hydrobridge.particles.dipolar.shortrange import ShortRange
from hydrobridge.particles.dipolar.space import neighbor_pairs

BOX = np.array([7.0, 6.0])


def config(n=30, seed=0):
    """Random molecules with no pair closer than 0.7 (minimum image)."""
    rng = np.random.default_rng(seed)
    x = np.empty((0, 2))
    while x.shape[0] < n:
        c = rng.uniform(0, 1, 2) * BOX
        d = x - c
        d -= BOX * np.rint(d / BOX)
        if x.shape[0] == 0 or np.min(np.hypot(d[:, 0], d[:, 1])) > 0.7:
            x = np.vstack((x, c))
    return x, rng.uniform(0, 2 * np.pi, n)


def test_cell_list_pairs_match_all_pairs():
    rng = np.random.default_rng(1)
    for box, rc in ((BOX, 1.3), (BOX, 3.0), (np.array([2.0, 9.0]), 0.9)):
        x = rng.uniform(-1, 2, (200, 2)) * box  # also outside the box: the search wraps
        p = neighbor_pairs(x, box, rc)
        d = x[:, None, :] - x[None, :, :]
        d -= box * np.rint(d / box)
        i, j = np.nonzero(np.triu(np.hypot(d[..., 0], d[..., 1]) < rc, k=1))
        assert sorted(zip(p.i.tolist(), p.j.tolist())) == sorted(zip(i.tolist(), j.tolist()))
        got = dict(zip(zip(p.i.tolist(), p.j.tolist()), p.d))
        assert np.allclose([got[k] for k in zip(i.tolist(), j.tolist())], d[i, j], atol=1e-12)


def test_cutoff_above_half_box_is_rejected():
    with pytest.raises(ValueError, match="r_cut"):
        neighbor_pairs(np.zeros((2, 2)), BOX, 3.5)


def test_short_range_forces_torques_are_minus_energy_derivatives():
    x, theta = config()
    term = ShortRange(e_s=1.3, s=1.0, alpha=12.0, r_cut=2.9)
    c = force_field([term], BOX)(x, theta, 0.0)
    f_fd, tau_fd = fd_forces_torques(term, x, theta, BOX)
    assert relative_error(c.force, f_fd) < 1e-6
    assert relative_error(c.torque, tau_fd) < 1e-6


def test_short_range_pair_values():
    # Phi(r, dtheta) = e_s ((s/r)^alpha - b) exp(-(r/s)^2): aligned pairs repel, antiparallel pairs (b = 1) attract
    term = ShortRange(e_s=2.0, s=0.8, alpha=6.0, r_cut=2.9)
    x = np.array([[1.0, 1.0], [2.2, 1.0]])
    for dth, b in ((0.0, 0.0), (math.pi, 1.0), (math.pi / 2, 0.25)):
        c = force_field([term], BOX)(x, np.array([0.3 + dth, 0.3]), 0.0)
        assert c.energy == pytest.approx(2.0 * ((0.8 / 1.2) ** 6 - b) * math.exp(-(1.2 / 0.8) ** 2), rel=1e-13)


def test_uniform_field_energy_torque_and_zero_force():
    x, theta = config(n=8)
    term = UniformACField(mu=1.7, e0=(0.3, -0.8), omega_ac=2.0)
    t = 0.37
    c = force_field([term], BOX)(x, theta, t)
    e = np.array([0.3, -0.8]) * math.cos(2.0 * t)
    p = 1.7 * np.column_stack((np.cos(theta), np.sin(theta)))
    assert c.energy == pytest.approx(-np.sum(p @ e), rel=1e-14)
    assert np.allclose(c.torque, p[:, 0] * e[1] - p[:, 1] * e[0], rtol=1e-14)  # p x E
    assert not np.any(c.force)
    f_fd, tau_fd = fd_forces_torques(term, x, theta, BOX, t=t)
    assert relative_error(c.torque, tau_fd) < 1e-6
    assert np.max(np.abs(f_fd)) < 1e-8


def test_params_derived_quantities_and_validation():
    p = DipolarBoxModel(Lx=4.0, Ly=3.0, m=2.0, l=0.5, q=3.0)
    assert p.mu == 1.5 and p.inertia == pytest.approx(2.0 * 0.25 / 4) and p.area == 12.0
    for bad in ({"Lx": -1.0}, {"l": 0.0}, {"m": float("nan")}, {"eps0": 0}, {"q": -1.0}):
        name = next(iter(bad))
        with pytest.raises(ValueError, match=name):
            DipolarBoxModel(**{"Lx": 4.0, "Ly": 3.0, **bad})
    with pytest.raises(Exception):
        p.m = 3.0  # frozen


def test_state_validation_and_lattice_state():
    with pytest.raises(ValueError, match="x must have shape"):
        State(np.zeros((3, 3)), np.zeros(3), np.zeros((3, 2)), np.zeros(3))
    with pytest.raises(ValueError, match="omega contains non-finite"):
        State(np.zeros((3, 2)), np.zeros(3), np.zeros((3, 2)), np.array([0.0, np.inf, 0.0]))
    params = DipolarBoxModel(Lx=10.0, Ly=5.0)
    s = lattice_state(params, 50, kT=1.0, rng=np.random.default_rng(0))
    assert s.n == 50 and np.all((s.x >= 0) & (s.x < params.box))
    assert np.allclose(s.v.sum(axis=0), 0.0, atol=1e-12)
    assert np.min(np.hypot(*neighbor_pairs(s.x, params.box, 2.5).d.T)) == pytest.approx(1.0)  # spacing 10/10, 5/5


@pytest.mark.parametrize("axis", [0, 1])
def test_sheet_pair_field_derivatives_and_vacuum_values(axis):
    x, theta = config(n=12)
    length = BOX[axis]
    term = SheetPairField(mu=1.3, eps0=0.7, length=length, axis=axis, a=length / 4, b=3 * length / 4, sigma0=0.9,
                          width=0.2, omega_ac=1.5)
    t = 0.3
    c = force_field([term], BOX)(x, theta, t)
    f_fd, tau_fd = fd_forces_torques(term, x, theta, BOX, t=t)
    assert relative_error(c.force, f_fd) < 1e-6 and relative_error(c.torque, tau_fd) < 1e-6
    s = np.linspace(0, length, 4001)[:-1]
    e = term.field(s, 0.0)
    assert abs(np.mean(e)) < 1e-12  # zero-mean periodic potential
    assert term.field(np.array([length / 2]), 0.0)[0] == pytest.approx(0.9 / (2 * 0.7), rel=1e-10)
    assert term.field(np.array([0.0]), 0.0)[0] == pytest.approx(-0.9 / (2 * 0.7), rel=1e-10)
    assert term.field(np.array([-1e-9]), 0.0)[0] == pytest.approx(term.field(np.array([length - 1e-9]), 0.0)[0])
