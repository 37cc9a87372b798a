"""eps_L(k), eps_T(k) of the MD from equilibrium fluctuations (docs/theory.md (4.18)-(4.23)): the modes against
direct pair sums, ideal rotors against (4.23), the k -> 0 limit against the static fluctuation formula (4.9)."""


import numpy as np
import pytest

from hydrobridge.particles.dipolar.charges import charge_sites
from hydrobridge.particles.dipolar.forcefield import force_field
from hydrobridge.particles.dipolar.integrate import BAOAB
from hydrobridge.particles.dipolar.model import DipolarBoxModel, State, lattice_state
from hydrobridge.particles.dipolar.nonlocal_response import (ModeSampler, box_wavevectors, ideal_rotor_modes,
                                                             nonlocal_permittivity, wavevector_modes)
from hydrobridge.particles.dipolar.observables import static_permittivity
from hydrobridge.particles.dipolar.simulate import run

PARAMS = DipolarBoxModel(Lx=6.0, Ly=6.0, q=2.0, l=0.8)


def _random_state(rng, n, params=PARAMS):
    x = rng.uniform(0, 1, (n, 2)) * params.box
    return State(x, rng.uniform(0, 2 * np.pi, n), np.zeros((n, 2)), np.zeros(n))


def test_modes_equal_direct_pair_sums():
    """|M_L|^2, |M_T|^2 and |rho_q|^2 against O(N^2) sums over pairs of molecules / charges."""
    rng = np.random.default_rng(3)
    s = _random_state(rng, 17)
    kvecs = np.vstack([box_wavevectors(PARAMS.box, 3), [[2 * np.pi / 6, 4 * np.pi / 6]]])
    ml, mt, rho = wavevector_modes(s.x, s.theta, PARAMS.q, PARAMS.l, kvecs)
    d = np.column_stack((np.cos(s.theta), np.sin(s.theta)))
    y, q = charge_sites(s.x, s.theta, PARAMS.q, PARAMS.l)
    for j, k in enumerate(kvecs):
        khat = k / np.linalg.norm(k)
        along, across = d @ khat, d @ np.array([-khat[1], khat[0]])
        cos_x = np.cos((s.x[:, None, :] - s.x[None, :, :]) @ k)
        cos_y = np.cos((y[:, None, :] - y[None, :, :]) @ k)
        assert abs(abs(ml[j]) ** 2 - PARAMS.mu**2 * along @ cos_x @ along) < 1e-10 * PARAMS.mu**2 * 17**2
        assert abs(abs(mt[j]) ** 2 - PARAMS.mu**2 * across @ cos_x @ across) < 1e-10 * PARAMS.mu**2 * 17**2
        assert abs(abs(rho[j]) ** 2 - q @ cos_y @ q) < 1e-10 * PARAMS.q**2 * 34**2


def test_charge_route_tends_to_the_dipole_route_at_small_kl():
    """rho_q(k) = i |k| M_L(k) (1 + O((k l)^2)) (4.20): the relative difference falls as l^2."""
    rng = np.random.default_rng(4)
    s = _random_state(rng, 30)
    k = box_wavevectors(PARAMS.box, 1)
    diffs = []
    for l in (0.4, 0.2, 0.1):
        ml, _, rho = wavevector_modes(s.x, s.theta, 2.0, l, k)
        diffs.append(np.max(np.abs(rho - 1j * np.linalg.norm(k, axis=1) * ml) / np.abs(ml * np.linalg.norm(k, axis=1))))
    assert diffs[0] < 0.02 and 3.8 < diffs[0] / diffs[1] < 4.2 and 3.8 < diffs[1] / diffs[2] < 4.2


def test_ideal_rotors_match_the_analytic_fluctuations():
    """Independent uniform molecules: <|M_L|^2> = <|M_T|^2> = N mu^2 / 2, <|rho_q|^2> = 2 N q^2 (1 - J0(k l)) (4.23),
    at every box wavevector, within 4 standard errors of the jackknife."""
    rng = np.random.default_rng(5)
    n, kT = 12, 1.3
    sampler = ModeSampler(PARAMS, 3)
    for step in range(12_000):
        sampler(step, _random_state(rng, n))
    res = nonlocal_permittivity(sampler.block_means(20), sampler.kvecs, kT, PARAMS.eps0, PARAMS.area)
    charge = nonlocal_permittivity(sampler.block_means(20), sampler.kvecs, kT, PARAMS.eps0, PARAMS.area, "charge")
    exact = ideal_rotor_modes(n, PARAMS.mu, PARAMS.q, PARAMS.l, res.k)
    scale = 1 / (PARAMS.eps0 * PARAMS.area * kT)
    np.testing.assert_allclose(res.k, 2 * np.pi * np.arange(1, 4) / 6.0)
    assert np.all(np.abs(1 - res.inv_eps_L - scale * exact["ml2"]) < 4 * res.err_inv_eps_L)
    assert np.all(np.abs(res.eps_T - 1 - scale * exact["mt2"]) < 4 * res.err_eps_T)
    assert np.all(np.abs(1 - charge.inv_eps_L - scale * exact["rho2_over_k2"]) < 4 * charge.err_inv_eps_L)
    # the finite-l form factor is resolved: at k l = 2.5 it is 16 % below the point-dipole value
    assert exact["rho2_over_k2"][-1] < 0.9 * exact["ml2"][-1]
    assert abs(1 - charge.inv_eps_L[-1] - scale * exact["ml2"][-1]) > 4 * charge.err_inv_eps_L[-1]


def test_k_to_zero_limit_is_the_static_fluctuation_formula():
    """k -> 0 along x and y: (eps_T(x) + eps_T(y)) / 2 is (4.9) on the same samples, and 1 - 1/eps_L = beta <M_x^2>
    / (eps0 |Omega|) along x (conventions of (4.9) and (4.21)-(4.22) consistent)."""
    rng = np.random.default_rng(6)
    n, kT, tiny = 9, 0.7, 1e-9
    kvecs = np.array([[tiny, 0.0], [0.0, tiny]])
    rows, m = [], []
    for _ in range(2000):
        s = _random_state(rng, n)
        for theta in (s.theta, s.theta + np.pi):               # M and -M: the sample mean of M is exactly 0
            ml, mt, _ = wavevector_modes(s.x, theta, PARAMS.q, PARAMS.l, kvecs)
            rows.append(np.stack([np.abs(ml) ** 2, np.abs(mt) ** 2, np.abs(ml) ** 2]))
            m.append(PARAMS.mu * np.array([np.cos(theta).sum(), np.sin(theta).sum()]))
    blocks = np.array(rows).reshape(20, 200, 3, 2).mean(axis=1)
    res = nonlocal_permittivity(blocks, kvecs, kT, PARAMS.eps0, PARAMS.area)
    eps_static, _ = static_permittivity(np.array(m), kT, PARAMS.eps0, PARAMS.area)
    assert abs(res.eps_T[0] - eps_static) < 1e-12 * eps_static
    along_x = nonlocal_permittivity(blocks[:, :, :1], kvecs[:1], kT, PARAMS.eps0, PARAMS.area)
    mx2 = np.mean(np.array(m)[:, 0] ** 2)
    assert abs(1 - along_x.inv_eps_L[0] - mx2 / (PARAMS.eps0 * PARAMS.area * kT)) < 1e-12


def test_sampler_is_passive():
    """A run with the ModeSampler observer is the run without it, bit for bit (every 3rd step sampled)."""
    params = DipolarBoxModel(Lx=5.0, Ly=5.0)
    integrator = BAOAB(force_field([], params.box), params, 1.0, 0.5, 2.0, 0.005)
    start = lattice_state(params, 16, 1.0, np.random.default_rng(0))
    plain = run(integrator, start.copy(), 30, np.random.default_rng(1))
    sampler = ModeSampler(params, 2, every=3)
    observed = run(integrator, start.copy(), 30, np.random.default_rng(1), observe=sampler)
    assert np.array_equal(plain.x, observed.x) and np.array_equal(plain.theta, observed.theta)
    assert sampler.samples.shape == (10, 3, 4)


def test_bad_input_is_named():
    with pytest.raises(ValueError, match="kvecs"):
        wavevector_modes(np.zeros((2, 2)), np.zeros(2), 1.0, 0.5, np.zeros((1, 2)))
    with pytest.raises(ValueError, match="n_max"):
        box_wavevectors(PARAMS.box, 0)
    with pytest.raises(ValueError, match="route"):
        nonlocal_permittivity(np.zeros((4, 3, 2)), box_wavevectors(PARAMS.box, 1), 1.0, 1.0, 1.0, "tensor")
    with pytest.raises(ValueError, match="block_means"):
        nonlocal_permittivity(np.zeros((4, 3, 3)), box_wavevectors(PARAMS.box, 1), 1.0, 1.0, 1.0)
    with pytest.raises(ValueError, match="n_blocks"):
        ModeSampler(PARAMS, 1).block_means(2)
