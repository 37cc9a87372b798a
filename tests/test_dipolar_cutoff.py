"""Cut-off shifted-force LJ + 2D dipole workload (particles/dipolar/cutoff.py, docs/theory.md §2)."""

import math

import numpy as np
import pytest

from hydrobridge.particles.dipolar.cutoff import CutoffDipolarLJ, CutoffVerlet, cutoff_workload
from hydrobridge.particles.dipolar.fdcheck import fd_forces_torques, relative_error
from hydrobridge.particles.dipolar.forcefield import force_field
from hydrobridge.particles.dipolar.integrate import VelocityVerlet
from hydrobridge.particles.dipolar.model import DipolarBoxModel, State, lattice_state
from hydrobridge.particles.dipolar.space import Pairs

RC = 3.0


def all_pairs(x, box):
    """Every pair i < j with its minimum-image separation (no cell list, no cutoff)."""
    i, j = np.triu_indices(x.shape[0], 1)
    d = x[i] - x[j]
    d -= box * np.rint(d / box)
    return Pairs(i.astype(np.int64), j.astype(np.int64), np.ascontiguousarray(d), RC)


def reference_pair_energy(r_vec, th_i, th_j, mu, rc=RC):
    """U_ij written out from the module docstring in plain numpy."""
    r = np.linalg.norm(r_vec)
    if r >= rc:
        return 0.0
    lj = lambda s: 4.0 * (s**-12 - s**-6)  # noqa: E731
    dlj = lambda s: -48.0 * s**-13 + 24.0 * s**-7  # noqa: E731
    u_lj = lj(r) - lj(rc) - (r - rc) * dlj(rc)
    g = 1.0 / r**2 - 1.0 / rc**2 + 2.0 * (r - rc) / rc**3
    p_i = mu * np.array([math.cos(th_i), math.sin(th_i)])
    p_j = mu * np.array([math.cos(th_j), math.sin(th_j)])
    rhat = r_vec / r
    return u_lj + g * (p_i @ p_j - 2.0 * (p_i @ rhat) * (p_j @ rhat)) / (2.0 * math.pi)


def jittered(n, length, seed, kT=1.5, jitter=0.15):
    params = DipolarBoxModel(Lx=length, Ly=length, l=0.5, q=2.0)
    rng = np.random.default_rng(seed)
    s = lattice_state(params, n, kT, rng)
    s.x = (s.x + rng.uniform(-jitter, jitter, s.x.shape)) % length
    return params, s


@pytest.fixture(scope="module")
def liquid():
    """N = 1024 at n sigma^2 = 0.6, kT = 1.5, mu = 1, melted from the lattice by 1000 fast NVE steps."""
    params, term, s = cutoff_workload(1024, seed=3)
    vv = CutoffVerlet(term, params)
    s, _ = vv.advance(s, 1000)
    return params, term, vv, s


def test_pair_energy_is_the_documented_formula():
    term = CutoffDipolarLJ(mu=1.3, r_cut=RC)
    rng = np.random.default_rng(1)
    for _ in range(20):
        r_vec = rng.uniform(-2.2, 2.2, 2)
        if not 0.9 < np.linalg.norm(r_vec) < RC:
            continue
        th = rng.uniform(0, 2 * math.pi, 2)
        x = np.array([[10.0, 10.0], [10.0, 10.0]]) + np.vstack((r_vec, [0.0, 0.0]))
        c = term(x, th, 0.0, all_pairs(x, np.array([20.0, 20.0])))
        assert c.energy == pytest.approx(reference_pair_energy(r_vec, th[0], th[1], 1.3), rel=1e-12, abs=1e-14)
        assert np.allclose(c.force.sum(axis=0), 0.0, atol=1e-12)


def test_energy_force_and_torque_vanish_continuously_at_the_cutoff():
    term = CutoffDipolarLJ(mu=1.0, r_cut=RC)
    box = np.array([20.0, 20.0])
    for r in (RC - 1e-4, RC - 1e-7):
        x = np.array([[5.0, 5.0], [5.0 + r * math.cos(0.3), 5.0 + r * math.sin(0.3)]])
        c = term(x, np.array([0.2, 1.9]), 0.0, all_pairs(x, box))
        scale = (RC - r)
        assert abs(c.energy) < 2.0 * scale**2
        assert np.max(np.abs(c.force)) < 2.0 * scale
        assert np.max(np.abs(c.torque)) < 2.0 * scale**2
    x = np.array([[5.0, 5.0], [5.0 + RC + 1e-9, 5.0]])
    c = term(x, np.array([0.2, 1.9]), 0.0, all_pairs(x, box))
    assert c.energy == 0.0 and not c.force.any() and not c.torque.any()


def test_forces_and_torques_are_minus_energy_derivatives():
    params, s = jittered(30, 8.0, seed=2)
    term = CutoffDipolarLJ(mu=1.5, r_cut=RC)
    c = force_field([term], params.box)(s.x, s.theta, 0.0)
    f_fd, tau_fd = fd_forces_torques(term, s.x, s.theta, params.box, h=1e-6)
    assert relative_error(c.force, f_fd) < 1e-6
    assert relative_error(c.torque, tau_fd) < 1e-6


def test_verlet_list_forces_equal_all_pairs_reference(liquid):
    params, term, vv, s = liquid
    ref = term(s.x, s.theta, 0.0, all_pairs(s.x, params.box))
    fast = vv.forces(s)
    assert fast.energy == pytest.approx(ref.energy, rel=1e-12)
    assert relative_error(fast.force, ref.force) < 1e-12
    assert relative_error(fast.torque, ref.torque) < 1e-12


def test_fast_path_follows_the_generic_velocity_verlet_trajectory(liquid):
    """300 steps with several list rebuilds (skin) equal the generic integrator rebuilding pairs every step."""
    params, term, vv, s = liquid
    fast, _ = vv.advance(s, 300)
    assert vv.stats["builds"] > 3
    gen = VelocityVerlet(force_field([term], params.box), params, vv.dt)
    g, c = s, gen.force_field(s.x, s.theta, 0.0)
    for _ in range(300):
        g, c = gen.step(g, c)
    d = fast.x - g.x
    d -= params.box * np.rint(d / params.box)
    assert np.max(np.abs(d)) < 1e-9
    assert np.max(np.abs(fast.theta - g.theta)) < 1e-9
    assert np.max(np.abs(fast.v - g.v)) < 1e-8


def test_step_interface_matches_advance(liquid):
    params, term, vv, s = liquid
    c = vv.forces(s)
    one, c1 = vv.step(s, c)
    two, _ = vv.advance(s, 1)
    assert np.allclose(one.x, two.x, atol=1e-13) and np.allclose(one.omega, two.omega, atol=1e-12)
    assert c1.energy == pytest.approx(vv.forces(one).energy, rel=1e-12)


def total_momentum(s):
    return s.v.sum(axis=0)  # m = 1


def test_nve_conserves_momentum_to_round_off(liquid):
    params, term, vv, s = liquid
    s = State(s.x, s.theta, s.v + np.array([0.3, -0.2]), s.omega, s.t)
    p0 = total_momentum(s)
    out, _ = vv.advance(s, 500)
    assert np.max(np.abs(total_momentum(out) - p0)) < 1e-12 * s.n


def energy_drift(vv, s, n_steps, every):
    _, e = vv.advance(s, n_steps, energy_every=every)
    e0 = vv.forces(s).energy + 0.5 * np.sum(s.v**2) + 0.5 * vv.params.inertia * np.sum(s.omega**2)
    total = e.sum(axis=1)
    t = np.arange(1, len(total) + 1)
    slope = np.polyfit(t, total, 1)[0] * len(total)  # fitted change over the whole run
    return np.max(np.abs(total - e0)) / abs(e0), abs(slope) / abs(e0)


def test_nve_energy_conserved_2000_steps(liquid):
    params, term, vv, s = liquid
    worst, drift = energy_drift(vv, s, 2000, 10)
    assert worst < 1e-4
    assert drift < 2e-5


@pytest.mark.slow
def test_nve_energy_conserved_1e4_steps(liquid):
    params, term, vv, s = liquid
    worst, drift = energy_drift(vv, s, 10_000, 10)
    print(f"1e4 steps: max |E - E0| / |E0| = {worst:.1e}, fitted drift {drift:.1e}")
    assert worst < 1e-4
    assert drift < 2e-5


@pytest.mark.slow
def test_threads_give_the_serial_forces_and_trajectory(liquid):
    params, term, vv, s = liquid
    vv2 = CutoffVerlet(term, params, threads=2)
    c1, c2 = vv.forces(s), vv2.forces(s)
    assert relative_error(c2.force, c1.force) < 1e-12 and relative_error(c2.torque, c1.torque) < 1e-12
    a, _ = vv.advance(s, 200)
    b, _ = vv2.advance(s, 200)
    assert np.max(np.abs(a.v - b.v)) < 1e-9


def test_dense_rows_widen_the_list_and_small_systems_run_serially():
    """Rows longer than the initial list width are widened (no pair lost), with and without threads; below
    min_per_thread molecules per thread the serial kernels run, and stats say so."""
    import numba

    params, term, s = cutoff_workload(900, density=1.2, seed=1)
    s.x += np.random.default_rng(0).normal(0.0, 0.05, s.x.shape)
    ref = term(s.x, s.theta, 0.0, all_pairs(s.x, params.box))
    for threads in (1, 2):
        vv = CutoffVerlet(term, params, threads=threads, min_per_thread=64)
        fast = vv.forces(s)
        assert vv.stats["width"] > 32 and vv.stats["threads"] == min(threads, numba.config.NUMBA_NUM_THREADS)
        assert fast.energy == pytest.approx(ref.energy, rel=1e-12)
        assert relative_error(fast.force, ref.force) < 1e-12 and relative_error(fast.torque, ref.torque) < 1e-12
    vv = CutoffVerlet(term, params, threads=2, min_per_thread=900)
    vv.forces(s)
    assert vv.stats["threads"] == 1


def test_configuration_is_validated():
    params = DipolarBoxModel(Lx=6.0, Ly=6.0)
    with pytest.raises(ValueError, match="exceeds half the box"):
        CutoffVerlet(CutoffDipolarLJ(mu=1.0, r_cut=RC), params)
    with pytest.raises(ValueError, match="r_cut"):
        CutoffDipolarLJ(mu=1.0, r_cut=-1.0)
    with pytest.raises(ValueError, match="threads"):
        CutoffVerlet(CutoffDipolarLJ(mu=1.0, r_cut=2.0), DipolarBoxModel(Lx=10.0, Ly=10.0), threads=0)
    with pytest.raises(ValueError, match="min_per_thread"):
        CutoffVerlet(CutoffDipolarLJ(mu=1.0, r_cut=2.0), DipolarBoxModel(Lx=10.0, Ly=10.0), min_per_thread=0)
