"""GHD of hard rods (docs/theory.md §5): v_eff, flux Jacobian, diffusion matrix, static covariance."""
import numpy as np
import pytest

from hydrobridge.particles.hard_rods import ghd

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
    general = np.outer(drho, w @ c) - np.outer(c @ w, drho)       # (5.11) from C
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


def test_diffusion_matrix_and_pair_covariance_by_tracer_monte_carlo():
    """Var(x)/(2t) of a hard-rod tracer = DD_diag, and the covariance of two tracers is
    ghd.pair_displacement_covariance. At V0 = 0 the MD is exactly free flight of contracted points
    (test_hard_rods_md), so tracers are sampled from it directly: Poisson contracted positions of density
    N/(1 - aN), velocities from rho; each crossing moves the tracer's rod by +a (it overtakes) or -a (it is
    overtaken). Pins the factor 2 and the 1/(1 - aN) of DD, and shows that two quasi-particles of close
    velocity do not diffuse independently (the D (x) 1 + 1 (x) D of docs/theory.md (5.13) overestimates their relative
    variance several-fold)."""
    rng = np.random.default_rng(4)
    theta, w = ghd.velocity_grid(6.0, 241)
    n_tot, t, half, z = 0.2, 50.0, 400.0, 10.0
    rho = ghd.boosted_state(theta, w, n_tot, 2.5, 1.0)
    i1, i2 = int(np.argmin(np.abs(theta - 0.3))), int(np.argmin(np.abs(theta - 0.5)))
    dd = ghd.diffusion_matrix(theta, w, rho, A_ROD)   # a^2/(2(1-aN)) int rho |theta0 - g| on the diagonal
    cov = ghd.pair_displacement_covariance(theta, w, rho, A_ROD, theta[i1], theta[i2], z, t)
    np.testing.assert_allclose(np.diag(cov), 2 * t * np.diag(dd)[[i1, i2]], rtol=1e-12)
    n_samples = 20000
    jumps = np.empty((n_samples, 2))
    for s in range(n_samples):
        n = rng.poisson(2 * half * n_tot / (1 - A_ROD * n_tot))
        y = rng.uniform(-half, half, n)
        v = np.where(rng.random(n) < 0.5, -1.0, 1.0) + rng.normal(0.0, np.sqrt(0.2), n)
        for k, (start, th) in enumerate(((0.0, theta[i1]), ((1 - A_ROD * n_tot) * z, theta[i2]))):
            end = start + (th - v) * t
            crossed = np.count_nonzero((y > start) & (y < end)) - np.count_nonzero((y < start) & (y > end))
            jumps[s, k] = A_ROD * crossed
    sample = np.cov(jumps.T)
    tol = 4 * np.sqrt(2.0 / n_samples)
    assert abs(sample[0, 0] / (2 * t) - dd[i1, i1]) < tol * dd[i1, i1]
    rel, rel_model = sample[0, 0] + sample[1, 1] - 2 * sample[0, 1], cov[0, 0] + cov[1, 1] - 2 * cov[0, 1]
    assert abs(rel - rel_model) < tol * rel_model
    assert rel_model < 0.25 * (cov[0, 0] + cov[1, 1])     # far from independent diffusion


def test_pair_displacement_covariance_limits():
    """Two quasi-particles starting together separate by a times the number of rods between them, Poisson
    with mean N |theta1 - theta2| t / (1 - aN) whatever the rods' velocities: relative variance
    a^2 N |theta1 - theta2| t / (1 - aN) (0 for equal velocities), against 2 t (DD_11 + DD_22) for
    independent diffusion; tracers further apart than any rod travels in t share no crossings (covariance 0)."""
    theta, w = ghd.velocity_grid(6.0, 121)
    rho = ghd.boosted_state(theta, w, 0.2, 2.5, 1.0)
    n_tot, _ = ghd.moments(theta, w, rho)
    t = 30.0
    for theta1, theta2 in ((0.7, 0.7), (0.7, 0.9), (1.1, -0.9), (-2.0, 3.0)):
        cov = ghd.pair_displacement_covariance(theta, w, rho, A_ROD, theta1, theta2, 0.0, t)
        relative = A_ROD**2 * n_tot * abs(theta1 - theta2) * t / (1 - A_ROD * n_tot)
        assert abs(cov[0, 0] + cov[1, 1] - 2 * cov[0, 1] - relative) < 1e-12 * cov[0, 0]
        if abs(theta1 - theta2) < 0.5:     # close velocities: far below independent diffusion
            assert relative < 0.2 * (cov[0, 0] + cov[1, 1])
    far = ghd.pair_displacement_covariance(theta, w, rho, A_ROD, 0.7, -0.4, 1e4, t)
    assert far[0, 1] == 0.0 and far[0, 0] > 0.0
