"""The particle -> closure bridge on a user's own MD data (plain arrays): known answers and input errors."""

import math

import numpy as np
import pytest
from scipy.linalg import cholesky, expm

from hydrobridge.closures.dipolar_correlated import Memory, PotentialCorrelation
from hydrobridge.closures.dipolar_continuum import CLOSURE_NAMES, continuum_parameters, dipolar_closure
from hydrobridge.closures.dipolar_md import (dipole_series, fit_dw_response, pair_moment_average, pressure_series,
                                            rotational_relaxation)
from hydrobridge.closures.measured import fit_pressure
from hydrobridge.closures.dipolar_spectrum import combine_replicas, fit_spectrum
from hydrobridge.closures.rotational import Debye, GradRotational
from hydrobridge.particles.dipolar.model import DipolarBoxModel


def lorentz_polarisation(chi_s, w0, friction, area, dt, steps, seed):
    """M(t), Mdot(t) (steps, 2) of a 2D noisy damped oscillator, sampled exactly (eps0 = kT = 1):
    dM = P dt, dP = -w0^2 M dt - friction P dt + noise, stationary <M_a^2> = chi_s area, <P_a^2> = w0^2 <M_a^2>.
    Its spectrum is the Lorentz oscillator chi_s w0^2 / (w0^2 - w^2 - i w friction)."""
    a = np.array([[0.0, 1.0], [-w0**2, -friction]])
    f = expm(a * dt)
    sigma = np.diag([chi_s * area, w0**2 * chi_s * area])
    chol = cholesky(sigma - f @ sigma @ f.T, lower=True)
    rng = np.random.default_rng(seed)
    x = cholesky(sigma, lower=True) @ rng.normal(size=(2, 2))        # columns: the x and y components
    noise = rng.normal(size=(steps, 2, 2))
    out = np.empty((steps, 2, 2))
    for k in range(steps):
        x = f @ x + chol @ noise[k]
        out[k] = x
    return out[:, 0, :], out[:, 1, :]


def test_lorentz_series_gives_its_chi_s_w0_and_friction():
    """Known chi_s = 2, w0 = 2, friction = 1 (tau_D = friction / w0^2 = 0.25), each within 4 of its standard
    errors; the errors are below 5% (chi_s, w0, equal-time averages) and 15% (tau_D, friction: integrals of the
    noisy C(t) over 10 time units)."""
    chi_s, w0, g, area, dt = 2.0, 2.0, 1.0, 100.0, 0.01
    m, mdot = lorentz_polarisation(chi_s, w0, g, area, dt, 400_000, seed=3)
    fit = rotational_relaxation(m, mdot, dt, kT=1.0, eps0=1.0, area=area, max_lag=1000, n_blocks=10)
    for key, exact, rel in (("chi_s", chi_s, 0.05), ("w0", w0, 0.05), ("friction", g, 0.15), ("tau_D", g / w0**2, 0.15)):
        assert abs(fit[key] - exact) < 4 * fit[key + "_err"], (key, fit[key], fit[key + "_err"])
        assert fit[key + "_err"] < rel * exact, (key, fit[key + "_err"])


def test_ideal_rotor_trajectories_give_the_ideal_chi_s_and_the_sum_rule_w0():
    """N free Langevin rotors (angles (T, N), angular velocities (T, N)): chi_s = n mu^2 / (2 eps0 kT) and
    w0^2 = kT / I, within 4 standard errors."""
    rng = np.random.default_rng(5)
    n_mol, steps, dt, kT, inertia, gamma_r, mu, area = 40, 40_000, 0.01, 1.0, 0.0625, 2.0, 1.5, 50.0
    c = math.exp(-gamma_r * dt)
    theta, omega = rng.uniform(0, 2 * math.pi, n_mol), rng.normal(0, math.sqrt(kT / inertia), n_mol)
    thetas, omegas = np.empty((steps, n_mol)), np.empty((steps, n_mol))
    for k in range(steps):
        omega = c * omega + math.sqrt((1 - c * c) * kT / inertia) * rng.normal(size=n_mol)
        theta = theta + omega * dt
        thetas[k], omegas[k] = theta, omega
    m, mdot = dipole_series(thetas, omegas, mu)
    fit = rotational_relaxation(m, mdot, dt, kT, eps0=1.0, area=area, max_lag=300, n_blocks=10)
    chi_ideal = (n_mol / area) * mu**2 / (2 * kT)
    assert abs(fit["chi_s"] - chi_ideal) < 4 * fit["chi_s_err"] and fit["chi_s_err"] < 0.1 * chi_ideal
    assert abs(fit["w0"] - math.sqrt(kT / inertia)) < 4 * fit["w0_err"]


def test_spectrum_fits_recover_a_debye_and_a_lorentz_spectrum():
    """Noisy analytic spectra (1% errors): the matching fit returns its parameters within 3% and a reduced
    chi^2 near 1. Debye cannot fit the resonance (a strongly damped Lorentz can fit a Debye spectrum)."""
    rng = np.random.default_rng(1)
    w = np.logspace(-1, 1.3, 24)
    lorentz = 1 + 3.0 * 4.0**2 / (4.0**2 - w**2 - 1j * w * 1.5)
    debye = 1 + 3.0 / (1 - 1j * w * 0.4)
    for eps_exact in (lorentz, debye):
        err = 0.01 * np.abs(eps_exact - 1) * (1 + 1j)
        eps = eps_exact + err.real * rng.normal(size=w.size) + 1j * err.imag * rng.normal(size=w.size)
        fit = fit_spectrum(w, eps, err, w0_guess=3.0)
        if eps_exact is lorentz:
            got, want, other = fit["lorentz"], {"chi_s": 3.0, "w0": 4.0, "friction": 1.5}, fit["debye"]
        else:
            got, want, other = fit["debye"], {"chi_s": 3.0, "tau": 0.4}, fit["lorentz"]
        for key, value in want.items():
            assert abs(got[key] - value) < 0.03 * value, (key, got[key])
        assert got["reduced_chi2"] < 2.5
        if eps_exact is lorentz:
            assert other["reduced_chi2"] > 100 * got["reduced_chi2"]


def test_ideal_gas_frames_give_p_vv_of_rho_with_slope_kT_over_m():
    """Ideal-gas frames (uniform positions, Maxwell velocities) at three densities: fit_pressure of the frames'
    pressures has slope kT / m within 3 standard errors of the slope."""
    rng = np.random.default_rng(2)
    kT, mass, n_mol, frames = 1.3, 2.0, 2000, 10
    rho, p, err = [], [], []
    for L in (40.0, 50.0, 60.0):
        x, v = rng.uniform(0, L, (frames, n_mol, 2)), rng.normal(0, math.sqrt(kT / mass), (frames, n_mol, 2))
        samples = pressure_series(x, v, rng.uniform(0, 2 * math.pi, (frames, n_mol)), DipolarBoxModel(L, L, m=mass))
        samples *= n_mol / (n_mol - 1)                                      # the <v> removed by P_vv
        rho.append(n_mol / L**2)
        p.append(samples.mean())
        err.append(samples.std(ddof=1) / math.sqrt(frames))
    fit = fit_pressure(np.array(rho), np.array(p), np.array(err), degree=1)
    slope_err = 3 * max(err) / (max(rho) - min(rho))
    assert abs(fit.coefficients[1] - kT / mass) < slope_err < 0.1 * kT / mass


def test_combine_replicas_is_the_mean_with_root_sum_square_errors():
    eps = np.array([1 + 2j, 3 + 4j])
    err = np.array([0.3 + 0.4j, 0.4 + 0.3j])
    mean, e = combine_replicas(eps, err)
    assert mean == 2 + 3j and e == pytest.approx(0.25 + 0.25j)


def test_pair_moments_of_frames_are_symmetrised_over_the_square():
    rng = np.random.default_rng(0)
    x, theta = rng.uniform(0, 8.0, (5, 60, 2)), rng.uniform(0, 2 * math.pi, (5, 60))
    edges, m2, m2perp = pair_moment_average(x, theta, (8.0, 8.0), 1.5, 5)
    assert edges.shape == (6,) and m2.shape == m2perp.shape == (5, 5, 2, 2)
    np.testing.assert_allclose(m2, np.transpose(m2[::-1, ::-1], (0, 1, 3, 2)), atol=1e-12)   # M2(-r) = M2(r)^T
    np.testing.assert_allclose(m2[:, :, 0, 0], m2[:, :, 1, 1].T, atol=1e-12)               # x <-> y reflection


def test_one_closure_factory_for_every_name():
    params = DipolarBoxModel(Lx=10.0, Ly=10.0, q=3.0)
    par = continuum_parameters(params, kT=1.0)
    assert (par.mu, par.mass, par.inertia, par.kT, par.kT_r, par.eps0) == (1.5, 1.0, 0.0625, 1.0, 1.0, 1.0)
    fits = {"relaxation": {"chi_s": 2.0, "w0": 3.0, "tau_D": 0.2},
            "spectrum": {"debye": {"chi_s": 2.0, "tau": 0.3}, "lorentz": {"chi_s": 2.0, "w0": 3.0, "friction": 1.0}},
            "transport": {"chi_s": 2.0, "w0": 3.0, "friction": -0.1}}
    correlation = PotentialCorrelation(1.0, par.mu, par.kT_r, par.eps0)
    closures = {name: dipolar_closure(name, density=0.6, molecule=par, bath_friction=2.0, correlation=correlation,
                                      single_dipole_friction=3.0, single_dipole_memory=Memory(2.0, 40.0, 0.1), **fits)
                for name in CLOSURE_NAMES}
    assert closures["debye_ideal"] == Debye(par.inertia * 2.0 / 1.0)
    assert closures["measured"].friction == 0.0 and closures["measured"].name == "measured"
    assert closures["grad"] == GradRotational(chi_s=2.0, density=0.6, w0=3.0)
    assert dipolar_closure("grad", density=0.6) == GradRotational()          # ideal rotors without fits
    with pytest.raises(ValueError, match="debye.*relaxation"):
        dipolar_closure("debye", density=0.6)
    with pytest.raises(ValueError, match="expected one of"):
        dipolar_closure("kirkwood", density=0.6)


@pytest.mark.parametrize("call, match", [
    (lambda: dipole_series(np.zeros(10), np.zeros(10), 1.0), "theta: expected"),
    (lambda: dipole_series(np.zeros((10, 3)), np.zeros((10, 4)), 1.0), "angular_velocity: expected shape"),
    (lambda: dipole_series(np.full((10, 3), np.nan), np.zeros((10, 3)), 1.0), "theta: contains non-finite"),
    (lambda: rotational_relaxation(np.zeros((100, 2)), np.zeros((100, 2)), 0.0, 1.0, 1.0, 1.0, 5, 4), "dt = 0.0"),
    (lambda: rotational_relaxation(np.zeros((100, 3)), np.zeros((100, 3)), 0.1, 1.0, 1.0, 1.0, 5, 4), "m: expected"),
    (lambda: rotational_relaxation(np.zeros((100, 2)), np.full((100, 2), np.inf), 0.1, 1.0, 1.0, 1.0, 5, 4),
     "mdot: contains non-finite"),
    (lambda: pair_moment_average(np.zeros((2, 5, 2)), np.zeros((2, 4)), (4.0, 4.0), 1.0, 3), "theta: expected shape"),
    (lambda: pair_moment_average(np.zeros((2, 5, 2)), np.zeros((2, 5)), (4.0, 4.0), 1.0, 4), "n_bins = 4"),
    (lambda: fit_dw_response([1.0, 2.0], 0.1, [1j, np.nan], [1, 1], [1, 1], [1, 1], 1.0, 1.0), "p_hat: expected 2 finite"),
    (lambda: fit_dw_response([1.0, 2.0], 0.0, [1j, 1j], [1, 1], [1, 1], [1, 1], 1.0, 1.0), "e0 = 0.0"),
    (lambda: pressure_series(np.zeros((2, 5, 2)), np.zeros((2, 5, 2)), np.zeros((3, 5)), DipolarBoxModel(4.0, 4.0)),
     "velocities, theta: expected shapes"),
    (lambda: fit_spectrum([1.0, 2.0, 3.0], [1, 2], [1, 1], 1.0), "eps: expected shape"),
    (lambda: fit_spectrum([1.0, 2.0, 3.0], [1, 2, np.nan], [1, 1, 1], 1.0), "eps: contains non-finite"),
])
def test_bad_input_names_the_argument(call, match):
    with pytest.raises(ValueError, match=match):
        call()
