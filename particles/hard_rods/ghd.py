"""Generalised hydrodynamics of classical hard rods on a velocity grid (docs/theory.md §5 (5.4)-(5.12)).

Quasi-particle density rho(theta) sampled on a uniform grid theta_i with quadrature weights w_i.
Continuum kernels K(theta, theta') become *operator matrices* K_ij = K(theta_i, theta_j) w_j acting on
vectors of values, so a delta(theta - theta') becomes the identity. With N = int rho (number density),
P = int theta rho, free fraction 1 - a N:

    v_eff(theta) = (theta - a P) / (1 - a N)
    A = d(v_eff rho)/d rho:      A_ij = v_i delta_ij + a rho_i (v_i - theta_j) w_j / (1 - a N)
    DD_ij = a^2 / (2 (1 - a N)) [delta_ij sum_k w_k rho_k |theta_i - theta_k| - rho_i |theta_i - theta_j| w_j]
    R = dn/drho,  n = rho / (1 - a N):   R_ij = delta_ij / (1 - a N) + a rho_i w_j / (1 - a N)^2

A = R^-1 diag(v_eff) R (eigenvalues v_eff); sum_i w_i A_ij = w_j theta_j and sum_i w_i DD_ij = 0 hold exactly
on the grid (momentum and energy conservation of the kinetic equations rest on them).
Static covariance (two-point *function*, delta -> delta_ij / w_j), classical statistics f = 1:

    C = R^-1 (n / rho_s) R^-T = rho(theta) delta(theta - theta') - a (2 - a N) rho(theta) rho(theta')   (Tonks)

(Biagetti et al.'s "(R^t)^-1 f rho R^-1" is garbled in the extraction; the Tonks-gas form, whose integral gives the
exact structure factor S(0) = (1 - aN)^2, is the arbiter and is what the tests pin.)
    bold C_{theta theta'} = rho'(theta) int C(g, theta') dg - int C(theta, g) dg rho'(theta')        (5.11)
                          = (1 - a N)^2 [rho'(theta) rho(theta') - rho(theta) rho'(theta')]
"""
import numpy as np


def velocity_grid(theta_max: float, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Uniform grid on [-theta_max, theta_max] and its weights (rho is ~0 at the ends)."""
    theta = np.linspace(-theta_max, theta_max, n)
    return theta, np.full(n, theta[1] - theta[0])


def derivative_matrix(theta: np.ndarray) -> np.ndarray:
    """Antisymmetric 4th-order central difference d/dtheta (truncated at the ends, where rho ~ 0).

    Antisymmetry and exactness on quadratics give sum_i w theta_i^k (D f)_i = -k sum_i w theta_i^(k-1) f_i for
    k = 0, 1, 2 in the interior, i.e. discrete conservation of number, momentum and kinetic energy."""
    n = theta.size
    h = theta[1] - theta[0]
    d = np.zeros((n, n))
    for off, c in ((1, 8.0 / 12.0), (2, -1.0 / 12.0)):
        idx = np.arange(n - off)
        d[idx, idx + off] = c / h
        d[idx + off, idx] = -c / h
    return d


def moments(theta: np.ndarray, w: np.ndarray, rho: np.ndarray) -> tuple[float, float]:
    """Number density N = int rho and momentum density P = int theta rho."""
    return float(w @ rho), float(w @ (theta * rho))


def effective_velocity(theta: np.ndarray, w: np.ndarray, rho: np.ndarray, a: float) -> np.ndarray:
    """v_eff(theta) = (theta - a P) / (1 - a N)."""
    n_tot, p_tot = moments(theta, w, rho)
    return (theta - a * p_tot) / (1.0 - a * n_tot)


def flux(theta: np.ndarray, w: np.ndarray, rho: np.ndarray, a: float) -> np.ndarray:
    """Quasi-particle current j = v_eff rho."""
    return effective_velocity(theta, w, rho, a) * rho


def flux_jacobian(theta: np.ndarray, w: np.ndarray, rho: np.ndarray, a: float) -> np.ndarray:
    """A_ij = dj_i/drho_j (operator matrix, weights included)."""
    n_tot, _ = moments(theta, w, rho)
    v = effective_velocity(theta, w, rho, a)
    return np.diag(v) + a / (1.0 - a * n_tot) * rho[:, None] * (v[:, None] - theta[None, :]) * w[None, :]


def normal_mode_jacobian(theta: np.ndarray, w: np.ndarray, rho: np.ndarray, a: float) -> np.ndarray:
    """R_ij = dn_i/drho_j for the occupation n = rho / (1 - a N)."""
    n_tot, _ = moments(theta, w, rho)
    free = 1.0 - a * n_tot
    return np.eye(theta.size) / free + a / free**2 * rho[:, None] * w[None, :]


def diffusion_matrix(theta: np.ndarray, w: np.ndarray, rho: np.ndarray, a: float) -> np.ndarray:
    """DD_ij, d_t rho + d_x(v_eff rho) = d_x(DD d_x rho) (docs/theory.md (5.6), (5.9))."""
    n_tot, _ = moments(theta, w, rho)
    dist = np.abs(theta[:, None] - theta[None, :])
    width = dist @ (w * rho)
    return a * a / (2.0 * (1.0 - a * n_tot)) * (np.diag(width) - rho[:, None] * dist * w[None, :])


def pair_displacement_covariance(theta: np.ndarray, w: np.ndarray, rho: np.ndarray, a: float, theta1: float,
                                 theta2: float, z: float, t: float) -> np.ndarray:
    """2 x 2 covariance of the displacements X_k(t) - theta_k t of two quasi-particles (velocities theta1,
    theta2, initial separation z) in the free hard-rod gas of state rho.

    In contracted coordinates the rods are free Poisson points of density rho / (1 - a N); a quasi-particle
    moves by a for every rod that crosses it, sign(theta_k - g) for a rod of velocity g, i.e. for the rods
    starting in the interval I_k between y_k and y_k + (theta_k - g) t (y_1 = 0, y_2 = (1 - a N) z). Hence

        Cov_kl = a^2 / (1 - a N) int dg rho(g) sign(theta_k - g) sign(theta_l - g) |I_k(g) n I_l(g)|,

    Cov_kk = 2 t DD_kk. The pair propagator D (x) 1 + 1 (x) D of docs/theory.md (5.13) assumes Cov_12 = 0, i.e. a relative
    variance Cov_11 + Cov_22 instead of Cov_11 + Cov_22 - 2 Cov_12. For z = 0 the latter is exactly
    a^2 N |theta1 - theta2| t / (1 - aN): the pair separates by a per rod between them, a Poisson number."""
    n_tot, _ = moments(theta, w, rho)
    free = 1.0 - a * n_tot
    r1, r2 = (theta1 - theta) * t, (theta2 - theta) * t
    start2 = free * z
    overlap = np.clip(np.minimum(np.maximum(r1, 0.0), start2 + np.maximum(r2, 0.0))
                      - np.maximum(np.minimum(r1, 0.0), start2 + np.minimum(r2, 0.0)), 0.0, None)
    weight = a * a / free * w * rho
    cov = np.empty((2, 2))
    cov[0, 0] = weight @ np.abs(r1)
    cov[1, 1] = weight @ np.abs(r2)
    cov[0, 1] = cov[1, 0] = weight @ (np.sign(r1) * np.sign(r2) * overlap)
    return cov


def cross_diffusion_matrix(theta: np.ndarray, w: np.ndarray, rho: np.ndarray, a: float) -> np.ndarray:
    """Co-displacement rate of two quasi-particles, D12(theta_i, theta_j) = lim Cov_12 / (2 t) of (5.12) for two
    quasi-particles that start together (docs/theory.md (5.35)):

        D12(theta, theta') = a^2 / (2 (1 - a N)) int dg rho(g) dist(g, [theta, theta'])

    (a rod whose velocity lies outside [theta, theta'] crosses both and displaces both by a in the same direction).
    A function of (theta_i, theta_j), no weights; D12(theta, theta) is the diagonal of DD (5.6) and
    DD_ii + DD_jj - 2 D12_ij = a^2 N |theta_i - theta_j| / (2 (1 - a N)), the relative diffusion of the pair."""
    n_tot, _ = moments(theta, w, rho)
    lo = np.minimum(theta[:, None], theta[None, :])[:, :, None]
    hi = np.maximum(theta[:, None], theta[None, :])[:, :, None]
    dist = np.maximum(lo - theta, 0.0) + np.maximum(theta - hi, 0.0)
    return a * a / (2.0 * (1.0 - a * n_tot)) * (dist @ (w * rho))


def static_covariance(theta: np.ndarray, w: np.ndarray, rho: np.ndarray, a: float) -> np.ndarray:
    """C = R^-1 diag(n f / rho_s) R^-T (occupations fluctuate independently, <dn dn> = n f / rho_s,
    rho_s = 1 - a N, f = 1), as a two-point function (delta(theta - theta') -> delta_ij / w_j)."""
    n_tot, _ = moments(theta, w, rho)
    free = 1.0 - a * n_tot
    kern = np.linalg.inv(normal_mode_jacobian(theta, w, rho, a)) / w[None, :]   # kernel of R^-1 = drho/dn
    return kern @ ((rho / free**2 * w)[:, None] * kern.T)


def source_matrix(theta: np.ndarray, w: np.ndarray, rho: np.ndarray, a: float,
                  dtheta: np.ndarray) -> np.ndarray:
    """bold C of (5.11) for hard rods, (1 - aN)^2 [rho' (x) rho - rho (x) rho'], rho' = dtheta @ rho."""
    n_tot, _ = moments(theta, w, rho)
    drho = dtheta @ rho
    return (1.0 - a * n_tot) ** 2 * (np.outer(drho, rho) - np.outer(rho, drho))


def boosted_state(theta: np.ndarray, w: np.ndarray, density: float, beta: float, theta0: float) -> np.ndarray:
    """rho(theta) ~ exp(-beta (theta - theta0)^2) + exp(-beta (theta + theta0)^2), int rho = density."""
    r = np.exp(-beta * (theta - theta0) ** 2) + np.exp(-beta * (theta + theta0) ** 2)
    return density * r / (w @ r)


def thermal_state(theta: np.ndarray, w: np.ndarray, density: float, beta: float) -> np.ndarray:
    """Hard-rod thermal state rho(theta) ~ exp(-beta theta^2 / 2), int rho = density."""
    r = np.exp(-0.5 * beta * theta**2)
    return density * r / (w @ r)


def excess_kurtosis(theta: np.ndarray, w: np.ndarray, rho: np.ndarray) -> float:
    """mu_4 / mu_2^2 - 3 of the normalised distribution rho / int rho."""
    p = w * rho / (w @ rho)
    m = p @ theta
    mu2 = p @ (theta - m) ** 2
    return float(p @ (theta - m) ** 4 / mu2**2 - 3.0)
