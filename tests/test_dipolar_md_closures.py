"""MD-fitted dipolar closures (closures/dipolar_md.py, docs/theory.md §3-§4): analytic limits, the D2
correction's sign and magnitude, symmetrisation, save/load."""

import math

import numpy as np
import pytest
from scipy.integrate import quad

from hydrobridge.closures.dipolar_md import (DipolarMDClosures, d2_table, fit_dw_response, rotational_relaxation,
                                 symmetrise_square)
from hydrobridge.closures.measured import MeasuredPressure, fit_pressure
from hydrobridge.closures.rotational import DipolarParameters, GradRotational
from hydrobridge.continuum.correlation import first_marginal_sources, pair_energy

PAR = DipolarParameters(mu=1.5, mass=1.0, inertia=0.0625, kT=1.0, kT_r=1.0)


def ideal_rotor_series(n=40, steps=40000, dt=0.01, gamma_r=4.0, seed=3):
    """M, Mdot of n non-interacting Langevin rotors (BAOAB of particles.dipolar), mu = 1.5, I = 1/16."""
    from hydrobridge.particles.dipolar.forcefield import force_field
    from hydrobridge.particles.dipolar.integrate import BAOAB
    from hydrobridge.particles.dipolar.model import DipolarBoxModel, lattice_state
    from hydrobridge.particles.dipolar.simulate import run

    params = DipolarBoxModel(Lx=10.0, Ly=8.0, q=3.0, l=0.5)
    rng = np.random.default_rng(seed)
    state = lattice_state(params, n, 1.0, rng)
    rows = []

    def observe(step, s, c):
        d = np.column_stack((np.cos(s.theta), np.sin(s.theta)))
        rows.append(np.concatenate([d.sum(axis=0), (s.omega[:, None] * np.column_stack((-d[:, 1], d[:, 0]))).sum(axis=0)]))

    run(BAOAB(force_field([], params.box), params, 1.0, 1.0, gamma_r, dt), state, steps, rng, observe=observe)
    x = params.mu * np.array(rows)
    return x[:, :2], x[:, 2:], params


def test_ideal_rotors_give_the_analytic_chi_w0_and_tau():
    gamma_r, dt = 4.0, 0.01
    m, mdot, params = ideal_rotor_series(gamma_r=gamma_r, dt=dt)
    fit = rotational_relaxation(m, mdot, dt, 1.0, params.eps0, params.area, max_lag=300, n_blocks=10)
    n = 40 / params.area
    chi = n * params.mu**2 / (2 * params.eps0 * 1.0)              # n mu^2 / (2 eps0 kT)
    w0 = math.sqrt(1.0 / params.inertia)                          # sum rule with chi_s = chi_ideal
    # Langevin rotor: C(t)/C(0) = exp(-(kT / (I g^2)) (g t - 1 + exp(-g t))); tau_int is its integral
    # (0.43 here: kT / (I g^2) = 1 is not overdamped, so not the Debye value I g / kT = 0.25)
    a = 1.0 / (params.inertia * gamma_r**2)
    tau = quad(lambda t: math.exp(-a * (gamma_r * t - 1 + math.exp(-gamma_r * t))), 0, 3.0)[0]
    assert abs(fit["chi_s"] - chi) < 3 * fit["chi_s_err"] and fit["chi_s_err"] < 0.1 * chi
    assert abs(fit["w0"] - w0) < 3 * fit["w0_err"] + 0.01 * w0
    assert abs(fit["tau_D"] - tau) < 3 * fit["tau_D_err"] and fit["tau_D_err"] < 0.1 * tau


def test_ideal_gas_pressure_fit_is_rho_kT_over_m():
    from hydrobridge.particles.dipolar.pressure import scalar_pressure
    from hydrobridge.particles.dipolar.model import DipolarBoxModel, State

    rng = np.random.default_rng(0)
    kT, m, n_mol = 1.3, 2.0, 4000
    rho, p, err = [], [], []
    for L in (60.0, 80.0, 100.0):
        params = DipolarBoxModel(Lx=L, Ly=L, m=m)
        samples = []
        for _ in range(20):
            s = State(rng.uniform(0, L, (n_mol, 2)), rng.uniform(0, 2 * np.pi, n_mol),
                      rng.normal(0, math.sqrt(kT / m), (n_mol, 2)), np.zeros(n_mol))
            samples.append(scalar_pressure(s, params, None) * n_mol / (n_mol - 1))   # remove the <v> bias
        rho.append(n_mol / L**2)
        p.append(np.mean(samples))
        err.append(np.std(samples, ddof=1) / math.sqrt(len(samples)))
    fit = fit_pressure(np.array(rho), np.array(p), np.array(err), degree=1)
    slope_err = 3 * max(err) / (max(rho) - min(rho))
    assert abs(fit.coefficients[1] - kT / m) < slope_err and slope_err < 0.05 * kT / m


def test_dw_response_fit_recovers_a_lorentz_closure():
    chi, w0, g, e0 = 0.8, 5.0, 3.0, 0.3
    w = np.array([1.0, 3.0, 6.0, 12.0])
    p = PAR.eps0 * chi * e0 / PAR.mu * w0**2 / (w0**2 - w**2 - 1j * w * g)
    b = -1j * w * p
    rng = np.random.default_rng(1)
    sp, sb = 0.01 * np.abs(p), 0.01 * np.abs(b)
    noisy = lambda x, s: x + s * (rng.normal(size=len(w)) + 1j * rng.normal(size=len(w)))  # noqa: E731
    fit = fit_dw_response(w, e0, noisy(p, sp), noisy(b, sb), sp * (1 + 1j), sb * (1 + 1j), PAR.eps0, PAR.mu)
    for key, true in (("chi_s", chi), ("w0", w0), ("friction", g)):
        assert abs(fit[key] - true) < 4 * fit[key + "_err"], (key, fit[key], fit[key + "_err"])
        assert fit[key + "_err"] < 0.1 * true
    assert fit["reduced_chi2"] < 5


def one_bin_table(r_bin: tuple[int, int], m2: np.ndarray, m2perp: np.ndarray, nb=7, nx=16, L=8.0, n=0.5):
    """A table with one non-zero pair-moment bin (offset r_bin from the centre) of a centred odd grid."""
    h = L / nx
    edges = (np.arange(nb + 1) - nb / 2) * h
    M2, M2p = np.zeros((nb, nb, 2, 2)), np.zeros((nb, nb, 2, 2))
    M2[nb // 2 + r_bin[0], nb // 2 + r_bin[1]] = m2
    M2p[nb // 2 + r_bin[0], nb // 2 + r_bin[1]] = m2perp
    return d2_table(edges, M2, M2p, n, (L, L)), h, n


@pytest.mark.parametrize("theta1, theta2, r_bin", [(0.0, 0.0, (2, 0)), (0.7, 2.1, (1, -2)), (1.9, -0.4, (-3, 1))])
def test_d2_correction_is_the_mean_pair_force_and_torque(theta1, theta2, r_bin):
    # pair moment of one pair configuration: M2 = w d(t1) (x) d(t2), M2perp = w d_perp(t1) (x) d(t2) in one bin;
    # then S_x = w dA F_1 / m and S_th = w dA tau_1 / I with F_1, tau_1 from the free-space pair energy.
    d = lambda t: np.array([np.cos(t), np.sin(t)])  # noqa: E731
    dp = lambda t: np.array([-np.sin(t), np.cos(t)])  # noqa: E731
    weight = 0.37
    table, h, n = one_bin_table(r_bin, weight * np.outer(d(theta1), d(theta2)), weight * np.outer(dp(theta1), d(theta2)))
    Kx, Kth = table.kernels(PAR)
    Sx, Sth = first_marginal_sources(np.full(table.shape, n), Kx, Kth)
    r = np.array(r_bin, float) * h
    eps = 1e-6
    u = lambda x1, t1: pair_energy(x1, t1, np.zeros(2), theta2, PAR.mu, PAR.eps0)  # noqa: E731
    force = -np.array([(u(r + eps * e, theta1) - u(r - eps * e, theta1)) / (2 * eps) for e in np.eye(2)])
    torque = -(u(r, theta1 + eps) - u(r, theta1 - eps)) / (2 * eps)
    dA = h * h
    np.testing.assert_allclose(Sx[3, 5], weight * dA * force / PAR.mass, rtol=1e-6)
    np.testing.assert_allclose(Sth[3, 5], weight * dA * torque / PAR.inertia, rtol=1e-6)
    if r_bin == (2, 0):     # head-to-tail pair: attraction towards the partner at -r (sign check)
        assert Sx[0, 0, 0] < 0


def test_square_symmetrisation_removes_the_uniform_force_and_torque():
    rng = np.random.default_rng(4)
    nb = 7
    m2, m2p = rng.normal(size=(nb, nb, 2, 2)), rng.normal(size=(nb, nb, 2, 2))
    s2, s2p = symmetrise_square(m2, m2p)
    np.testing.assert_allclose(symmetrise_square(s2, s2p)[0], s2, atol=1e-14)     # a projection
    np.testing.assert_allclose(symmetrise_square(s2, s2p)[1], s2p, atol=1e-14)
    L, nx = 8.0, 16
    edges = (np.arange(nb + 1) - nb / 2) * L / nx
    for a, b, zero in ((m2, m2p, False), (s2, s2p, True)):
        Kx, Kth = d2_table(edges, a, b, 0.5, (L, L)).kernels(PAR)
        Sx, Sth = first_marginal_sources(np.full((nx, nx), 0.5), Kx, Kth)
        size = max(np.abs(Sx).max(), np.abs(Sth).max())
        assert (size < 1e-12) == zero, size
    # an isotropic pair moment (M2 = f(r) I) is left unchanged
    k = np.arange(nb) - nb // 2
    f = np.exp(-np.add.outer(k**2, k**2) / 4.0)
    iso = f[..., None, None] * np.eye(2)
    np.testing.assert_allclose(symmetrise_square(iso, 0 * iso)[0], iso, atol=1e-14)


def test_closures_save_and_load_round_trip(tmp_path):
    nb = 5
    rng = np.random.default_rng(2)
    fits = DipolarMDClosures(
        molecular={"mu": 1.5, "mass": 1.0, "inertia": 0.0625, "kT": 1.0, "eps0": 1.0},
        density=0.6, equilibrium={"chi_s": 0.7, "chi_s_err": 0.02, "w0": 4.1, "w0_err": 0.1, "tau_D": 0.2,
                                  "tau_D_err": 0.01, "friction": 3.4, "friction_err": 0.2},
        transport={"chi_s": 0.72, "w0": 4.4, "friction": 3.0, "reduced_chi2": 1.1},
        pressure=MeasuredPressure([0.0, 1.0, 0.3], 0.45, 0.75, provenance={"md": "test"}),
        pair={"edges": (np.arange(nb + 1) - nb / 2) * 0.5, "m2": rng.normal(size=(nb, nb, 2, 2)),
              "m2perp": rng.normal(size=(nb, nb, 2, 2))},
        provenance={"source": "test"})
    fits.save(tmp_path / "c.json")
    back = DipolarMDClosures.load(tmp_path / "c.json")
    assert back.to_dict() == fits.to_dict()
    assert back.closure("measured") == GradRotational(friction=3.0, chi_s=0.72, density=0.6, w0=4.4, name="measured")
    np.testing.assert_array_equal(back.pair_table((4.0, 4.0)).d2, fits.pair_table((4.0, 4.0)).d2)
    with pytest.raises(ValueError, match="expected one of"):
        fits.closure("lorentz")
