"""GHD of hard rods (THEORY.md section 5): v_eff, flux Jacobian, diffusion matrix, static covariance."""
import numpy as np
import pytest

from particles.hard_rods import ghd

A_ROD = 1.0


@pytest.fixture
def state():
    theta, w = ghd.velocity_grid(6.0, 61)
    rho = ghd.boosted_state(theta, w, 0.2, 2.5, 1.0) * (1.0 + 0.3 * np.tanh(theta))  # P != 0
    return theta, w, rho


def test_flux_jacobian_matches_finite_differences(state):
    theta, w, rho = state
    jac = ghd.flux_jacobian(theta, w, rho, A_ROD)
    eps = 1e-6
    fd = np.empty_like(jac)
    for j in range(theta.size):
        e = np.zeros_like(rho)
        e[j] = eps
        fd[:, j] = (ghd.flux(theta, w, rho + e, A_ROD) - ghd.flux(theta, w, rho - e, A_ROD)) / (2 * eps)
    assert np.abs(jac - fd).max() < 1e-8 * np.abs(jac).max()


def test_flux_jacobian_eigenvalues_are_effective_velocities(state):
    theta, w, rho = state
    ev = np.sort(np.linalg.eigvals(ghd.flux_jacobian(theta, w, rho, A_ROD)).real)
    assert np.allclose(ev, np.sort(ghd.effective_velocity(theta, w, rho, A_ROD)), atol=1e-10)
    # and A = R^-1 diag(v_eff) R (dressing transformation)
    r = ghd.normal_mode_jacobian(theta, w, rho, A_ROD)
    v = ghd.effective_velocity(theta, w, rho, A_ROD)
    assert np.allclose(ghd.flux_jacobian(theta, w, rho, A_ROD), np.linalg.solve(r, v[:, None] * r), atol=1e-12)


def test_effective_velocity_hard_rod_limits(state):
    theta, w, rho = state
    assert np.allclose(ghd.effective_velocity(theta, w, rho, 0.0), theta)
    n_tot, p_tot = ghd.moments(theta, w, rho)
    # a tracer's v_eff: free flight at theta plus a jump a for every rod crossed, at rate int rho |theta - g|
    v = ghd.effective_velocity(theta, w, rho, A_ROD)
    assert np.allclose(v * (1 - A_ROD * n_tot), theta - A_ROD * p_tot)


def test_column_sums_give_momentum_and_zero(state):
    theta, w, rho = state
    assert np.allclose(w @ ghd.flux_jacobian(theta, w, rho, A_ROD), w * theta, atol=1e-13)
    assert np.allclose(w @ ghd.diffusion_matrix(theta, w, rho, A_ROD), 0.0, atol=1e-15)


def test_diffusion_matrix_annihilates_rho_and_is_positive(state):
    theta, w, rho = state
    dd = ghd.diffusion_matrix(theta, w, rho, A_ROD)
    assert np.abs(dd @ rho).max() < 1e-15
    ev = np.linalg.eigvals(dd).real
    assert ev.min() > -1e-12 and ev.max() > 1e-3


def test_static_covariance_is_tonks(state):
    theta, w, rho = state
    n_tot, _ = ghd.moments(theta, w, rho)
    c = ghd.static_covariance(theta, w, rho, A_ROD)
    tonks = np.diag(rho / w) - A_ROD * (2 - A_ROD * n_tot) * np.outer(rho, rho)
    assert np.abs(c - tonks).max() < 1e-12 * np.abs(tonks).max()
    # structure factor of the Tonks gas: int int C = N (1 - a N)^2
    assert np.isclose(w @ c @ w, n_tot * (1 - A_ROD * n_tot) ** 2)


def test_source_matrix_from_covariance(state):
    theta, w, rho = state
    d = ghd.derivative_matrix(theta)
    c = ghd.static_covariance(theta, w, rho, A_ROD)
    drho = d @ rho
    general = np.outer(drho, w @ c) - np.outer(c @ w, drho)       # SA.13 from C
    assert np.allclose(ghd.source_matrix(theta, w, rho, A_ROD, d), general, atol=1e-14)


def test_derivative_matrix_conserves_moments():
    theta, w = ghd.velocity_grid(6.0, 61)
    d = ghd.derivative_matrix(theta)
    f = np.exp(-theta**2)
    for k in range(3):
        lhs = w @ (theta**k * (d @ f))
        rhs = -k * (w @ (theta ** max(k - 1, 0) * f)) if k else 0.0
        assert abs(lhs - rhs) < 1e-12
    assert np.abs(d @ theta**3 - 3 * theta**2)[3:-3].max() < 1e-10
