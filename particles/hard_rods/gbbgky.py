"""Homogeneous gBBGKY of hard rods with a long-range potential: (5.15) solver and (5.21) Landau kernel
(docs/theory.md §5; equations (5.13)-(5.23), which name the equations of Biagetti et al., arXiv:2408.00593).

Unknowns: rho(theta) on a velocity grid (ghd.velocity_grid) and the pair correlation g_{theta theta'}(z)
on the ring z in [0, L), kept as Fourier-Galerkin modes g(z) = (1/L) sum_m g_m exp(i k_m z),
k_m = 2 pi m / L, m = 1..M (g_0 = 0: the source V'(z) has no k = 0 part; g_{-m} = conj(g_m)).

    d_t rho = d_theta int dz dtheta' V'(z) g_{theta theta'}(z)                                       (5.14)
    (d_t + bold A d_z - bold D d_z^2) g = V'(z) bold C  [+ collective term] [+ two-body term]        (5.15)
    collective: int dz' V'(z - z') (rho'(theta) int g_{gamma theta'}(z') dgamma - (theta <-> theta'))
    two-body:   V'(z) (d_theta - d_theta') g_{theta theta'}(z)          (5.17)

with bold A = A (x) 1 - 1 (x) A, bold D = DD (x) 1 + 1 (x) DD, bold C of (5.11) (ghd.source_matrix). Per mode
(operator matrices act on the first index from the left and on the second through the transpose):

    d_t g_m = -k [M2 g_m + g_m M1^T] + i k V~_m (bold C + collective),   M1 = k DD - i A,  M2 = conj(M1)

With M1 = U diag(lam) U^-1 and g_m = conj(U) Y U^T the linear part is diagonal, Y_ij -> mu_ij Y_ij,
mu_ij = -k (conj(lam_i) + lam_j), and both source terms are rank 2 in theta, so a step costs O(M n^2);
A and DD are frozen between re-diagonalisations (re-done when rho has moved by `refreeze_tol`). Time
stepping: exponential (ETD-RK2, Cox-Matthews) for Y; rho is advanced with the exact time integral of the
same interpolated Y trajectory, so number, momentum and total energy (kinetic + (1/2) int V g) are
conserved to round-off: column sums of A are theta and of DD zero for any rho, and bold C and the
collective, two-body and three-point terms have zero double integral.

The two-body term is the two-particle Liouvillian V'(z)(d_theta - d_theta') g, with the sign of the one acting
on rho rho that gives bold C (SA.3 of Biagetti et al. as extracted prints the opposite sign, which would not come from one
Liouvillian). The three-point term (5.18) is closed with (5.19) (SC.1 of Biagetti et al.), g3_{{theta,gamma},theta''}(z) =
[(R^t)^-1_{theta xi} (R^t)^-1_{gamma xi} g_{xi theta''}(z)]^reg; for hard rods (R^t)^-1_{theta xi} = delta - a rho_theta
and the regular part drops the self term delta(theta - gamma) g, so that

    int dgamma g3_{{theta,gamma},theta'}(z) = -a (1 - aN) rho_theta G_theta'(z) - aN g_{theta theta'}(z),
    G_theta'(z) = int g_{xi theta'}(z) dxi.

It enters with the BBGKY signs of a third particle at the contact of particle 2 (+V'(z) d_theta) or of
particle 1 (-V'(z) d_theta'); SA.3 as extracted prints both with the opposite sign, like the two-body term.
The terms local in z are products V'(z) X(z), evaluated pseudo-spectrally (zero-padded FFT, no aliasing into
|m| <= M) and treated explicitly in the ETD step; their k = 0 part, which only changes the theta-resolved
int dz g (double integral zero), is dropped with the g_0 = 0 truncation.

Markov limit (5.21): d_t rho = d_theta (2/L) sum_{m>0} k V~^2 Re[X_m w], (k DD - iA) X + X (k DD + iA)^T = C
(the ring-mode form of d_theta int dk/2pi k V~^2 [(k D - iA)^-1 C]),
solved in the same eigenbasis: X = U Y conj(U)^T, Y_ij = C^_ij / (lam_i + conj(lam_j)), regularised by a
Tikhonov shift eps where that denominator vanishes (a -> 0, theta = theta'). The (5.16)-(5.18) terms that are
nonlinear in V (two-body and (5.19) three-point terms) are not part of (5.21).
The pair propagator bold D = DD (x) 1 + 1 (x) DD (5.13) lets the two quasi-particles diffuse independently;
in free hard rods they do not (ghd.pair_displacement_covariance). With correlated_pairs the pair diffusion is that
of (5.36): the co-displacement rate 2 D12 (5.35) (ghd.cross_diffusion_matrix) is removed from the relative diffusion,
completed so that the pair density of positions and the thermal correlation (5.23) are kept
(``co_displacement_modes``); its +k^2 K[g_m] is an explicit term of the ETD step, evaluated on the theta grid
(O(M n^3) per step). (5.36) has no Markov limit (the relative diffusion vanishes at theta = theta'), so it is
used only in the time-dependent solver. Measured results (the (5.21) rate against DD, the Markov time, the
figure-2 comparison with MD, both propagators): docs/validation.md.
"""
from dataclasses import dataclass, field

import numpy as np

from . import ghd
from .potential import ring_fourier, ring_table


@dataclass(frozen=True)
class KineticSetup:
    """Grids and potential of the homogeneous kinetic equations on a ring of length `ring`."""
    theta: np.ndarray
    w: np.ndarray
    dtheta: np.ndarray    # derivative matrix (ghd.derivative_matrix)
    k: np.ndarray         # k_m, m = 1..M
    vhat: np.ndarray      # V~(k_m)
    ring: float
    a: float


def make_setup(a: float, v0: float, xi: float, kind: int, ring: float, theta_max: float, n_theta: int,
               n_modes: int) -> KineticSetup:
    """Velocity grid of n_theta points on [-theta_max, theta_max] and ring modes m = 1..n_modes."""
    theta, w = ghd.velocity_grid(theta_max, n_theta)
    vhat = ring_fourier(n_modes + 1, ring_table(v0, xi, ring, kind), ring)[1:]
    k = 2.0 * np.pi * np.arange(1, n_modes + 1) / ring
    return KineticSetup(theta, w, ghd.derivative_matrix(theta), k, vhat, ring, a)


def _eigen(setup: KineticSetup, rho: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """lam (M, n), U (M, n, n), U^-1 of M1 = k DD - i A for every mode."""
    jac = ghd.flux_jacobian(setup.theta, setup.w, rho, setup.a)
    dd = ghd.diffusion_matrix(setup.theta, setup.w, rho, setup.a)
    m1 = setup.k[:, None, None] * dd[None] - 1j * jac[None]
    lam, u = np.linalg.eig(m1)
    return lam, u, np.linalg.inv(u)


def _source_vectors(setup: KineticSetup, rho: np.ndarray, uinv: np.ndarray):
    """p = U^-1 rho', q = U^-1 rho and the prefactor s = (1 - aN)^2 of bold C = s (rho' rho^T - rho rho'^T)."""
    n_tot, _ = ghd.moments(setup.theta, setup.w, rho)
    drho = setup.dtheta @ rho
    return uinv @ drho, uinv @ rho, (1.0 - setup.a * n_tot) ** 2


def stationary_correlation(setup: KineticSetup, rho: np.ndarray, eps: float = 1e-12) -> np.ndarray:
    """Stationary modes of (5.15) at fixed rho (no collective term): g_m = i V~_m conj(X_m), where
    (k DD - i A) X + X (k DD + i A)^T = bold C. For a thermal rho this is (5.23):
    g(z) = -beta V(z) (1 - aN)^4 rho(theta) rho(theta') (bold A F = bold C, DD rho = 0)."""
    lam, u, uinv = _eigen(setup, rho)
    p, q, s = _source_vectors(setup, rho, uinv)
    chat = s * (p[:, :, None] * q.conj()[:, None, :] - q[:, :, None] * p.conj()[:, None, :])
    den = lam[:, :, None] + lam.conj()[:, None, :]
    x = u @ (chat * den.conj() / (np.abs(den) ** 2 + eps**2)) @ u.conj().transpose(0, 2, 1)
    return 1j * setup.vhat[:, None, None] * x.conj()


def velocity_flux(setup: KineticSetup, gw: np.ndarray) -> np.ndarray:
    """int dz V'(z) int g dtheta' = (2/L) sum_{m>0} Re(-i k V~ g_m w), gw = g_m w (M, n): minus the velocity-space
    current J(theta) = <force on the quasi-particles of velocity theta> per unit length, d_t rho = -d_theta J
    ((5.14), (5.28)).

    Set to zero on the two outermost nodes at each end, where the truncated stencil of d_theta is not exact:
    number, momentum and energy are then conserved to round-off."""
    flux_v = 2.0 / setup.ring * np.einsum("m,mi->i", setup.k * setup.vhat, (-1j * gw).real)
    flux_v[:2] = 0.0
    flux_v[-2:] = 0.0
    return flux_v


def _rho_rate(setup: KineticSetup, gw: np.ndarray) -> np.ndarray:
    """d_theta int dz V'(z) int g dtheta' (5.14), gw = g_m w (M, n)."""
    return setup.dtheta @ velocity_flux(setup, gw)


def landau_rate(setup: KineticSetup, rho: np.ndarray, eps: float = 1e-12) -> np.ndarray:
    """d_t rho of the interacting Landau equation (5.21) on the ring modes ((5.14) with stationary g)."""
    return _rho_rate(setup, stationary_correlation(setup, rho, eps) @ setup.w)


def phi_functions(z: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """phi_1..3(z) = (e^z - sum_{j<p} z^j/j!) / z^p, with Taylor series for small |z|."""
    small = np.abs(z) < 1e-2
    zs = np.where(small, 1.0, z)
    e = np.exp(zs)
    p1 = np.where(small, 1 + z / 2 + z**2 / 6 + z**3 / 24, (e - 1) / zs)
    p2 = np.where(small, 0.5 + z / 6 + z**2 / 24 + z**3 / 120, (e - 1 - zs) / zs**2)
    p3 = np.where(small, 1 / 6 + z / 24 + z**2 / 120 + z**3 / 720, (e - 1 - zs - zs**2 / 2) / zs**3)
    return p1, p2, p3


@dataclass
class SB1State:
    """Time, rho and the correlation modes in the eigenbasis of the frozen operators."""
    t: float
    rho: np.ndarray
    y: np.ndarray         # (M, n, n): g_m = conj(U) Y U^T
    lam: np.ndarray
    u: np.ndarray
    uinv: np.ndarray
    rho_frozen: np.ndarray
    cache: dict = field(default_factory=dict)   # exp(mu h), phi_1..3(mu h), D12 for the current (U, h)


def sb1_initial(setup: KineticSetup, rho0: np.ndarray, g0: np.ndarray | None = None) -> SB1State:
    """rho = rho0 and correlation modes g0 (M, n, n); default g = 0 (seed: no correlations at t = 0)."""
    lam, u, uinv = _eigen(setup, rho0)
    n = rho0.size
    y = np.zeros((setup.k.size, n, n), complex) if g0 is None else uinv.conj() @ g0 @ uinv.transpose(0, 2, 1)
    return SB1State(0.0, rho0.copy(), y, lam, u, uinv, rho0.copy())


def correlation_modes(state: SB1State) -> np.ndarray:
    """g_m = conj(U) Y U^T, (M, n, n): two-point function values (theta_i, theta_j)."""
    return state.u.conj() @ state.y @ state.u.transpose(0, 2, 1)


def refreeze(setup: KineticSetup, state: SB1State) -> None:
    """Rebuild the eigenbasis of M1 (5.20) on the current rho, keeping the correlation modes g_m."""
    g = correlation_modes(state)
    state.lam, state.u, state.uinv = _eigen(setup, state.rho)
    state.y = state.uinv.conj() @ g @ state.uinv.transpose(0, 2, 1)
    state.rho_frozen = state.rho.copy()
    state.cache = {}


def energies(setup: KineticSetup, state: SB1State) -> tuple[float, float]:
    """Kinetic energy density int theta^2/2 rho and correlation energy (1/2) int dz V(z) int int g."""
    ekin = float(setup.w @ (0.5 * setup.theta**2 * state.rho))
    r = state.u.transpose(0, 2, 1) @ setup.w                 # U^T w
    wgw = np.einsum("mi,mij,mj->m", r.conj(), state.y, r)     # w^T g_m w
    return ekin, float(np.sum(setup.vhat * wgw.real) / setup.ring)


def density_correlation(setup: KineticSetup, state: SB1State, z: np.ndarray) -> np.ndarray:
    """int int g_{theta theta'}(z) dtheta dtheta' (figure 2b of Biagetti et al.)."""
    r = state.u.transpose(0, 2, 1) @ setup.w
    wgw = np.einsum("mi,mij,mj->m", r.conj(), state.y, r)
    return 2.0 / setup.ring * (np.cos(np.outer(z, setup.k)) @ wgw.real - np.sin(np.outer(z, setup.k)) @ wgw.imag)


def _force_product_modes(setup: KineticSetup, x: np.ndarray) -> np.ndarray:
    """Modes m = 1..M of V'(z) X(z) from the modes X_m (M, n, n) of a real X (X_0 = 0), pseudo-spectrally."""
    n_modes = x.shape[0]
    size = 3 * n_modes + 1
    full = np.zeros((size,) + x.shape[1:], complex)
    full[1:n_modes + 1] = x
    full[size - n_modes:] = x[::-1].conj()
    dv = np.zeros(size, complex)
    dv[1:n_modes + 1] = 1j * setup.k * setup.vhat
    dv[size - n_modes:] = dv[n_modes:0:-1].conj()
    values = np.fft.ifft(full, axis=0) * np.fft.ifft(dv)[:, None, None] * size**2 / setup.ring**2   # on z_p
    return (np.fft.fft(values, axis=0) * setup.ring / size)[1:n_modes + 1]


def _local_term_modes(setup: KineticSetup, g: np.ndarray, rho: np.ndarray, two_body: bool,
                      three_point: bool) -> np.ndarray:
    """Modes of the (5.16)-(5.18) terms local in z: V'(z) X(z) with, from the modes g_m (M, n, n),

        two-body:     X = (d_theta - d_theta') g
        three-point:  X = -aN (d_theta - d_theta') g
                          - a (1 - aN) [rho_theta' d_theta G~_theta - rho_theta d_theta' G_theta']
                      ((5.19) with (R^t)^-1 = 1 - a rho (x) 1, G~ = int g_{theta xi} dxi, G = int g_{xi theta'} dxi)."""
    n_tot, _ = ghd.moments(setup.theta, setup.w, rho)
    x = ((1.0 if two_body else 0.0) - (setup.a * n_tot if three_point else 0.0)) * (
        setup.dtheta @ g - g @ setup.dtheta.T)
    if three_point:
        row = (g @ setup.w) @ setup.dtheta.T          # d_theta G~_theta   (M, n)
        col = (setup.w @ g) @ setup.dtheta.T          # d_theta' G_theta'  (M, n)
        x = x - setup.a * (1.0 - setup.a * n_tot) * (row[:, :, None] * rho[None, None, :]
                                                     - rho[None, :, None] * col[:, None, :])
    return _force_product_modes(setup, x)


def co_displacement_modes(setup: KineticSetup, g: np.ndarray, rho: np.ndarray, dcross: np.ndarray) -> np.ndarray:
    """Modes of the correlated-pair correction (5.36) to the pair diffusion, + k^2 K[g_m] with

        K[g] = X - rho (x) u - u (x) rho,   X = 2 D12 o (g - rho (x) rho G / N^2),   G = int int g,
        u = Re(int X dtheta') / (2 N)

    (o the elementwise product, dcross = D12 of ghd.cross_diffusion_matrix): the rate 2 D12 at which a pair is
    displaced rigidly by the same rods is removed from the relative diffusion of bold D; the rank-2 part puts the
    pair density it moved back on the crossing rods, so int int K[g] = 0 (number of pairs and energy) and
    K[rho (x) rho] = 0 (the thermal correlation (5.23) stays stationary)."""
    n_tot, _ = ghd.moments(setup.theta, setup.w, rho)
    total = np.einsum("i,mij,j->m", setup.w, g, setup.w)
    x = 2.0 * dcross[None] * (g - total[:, None, None] * np.outer(rho, rho)[None] / n_tot**2)
    u = (x @ setup.w).real / (2.0 * n_tot)
    k2 = setup.k[:, None, None] ** 2
    return k2 * (x - rho[None, :, None] * u[:, None, :] - u[:, :, None] * rho[None, None, :])


def _hermitian(y: np.ndarray) -> np.ndarray:
    """g_m^T = conj(g_m) (g(z)^T = g(-z), g real) means Y^H = Y: remove the round-off that breaks it."""
    return 0.5 * (y + y.conj().transpose(0, 2, 1))


def pair_eigenvalues(setup: KineticSetup, state: SB1State) -> np.ndarray:
    """Eigenvalues mu_ij = -k (conj(lam_i) + lam_j) of the pair operator (5.20) without source in the eigenbasis of
    `state` (Y_ij -> mu_ij Y_ij), (M, n, n)."""
    return -setup.k[:, None, None] * (state.lam.conj()[:, :, None] + state.lam[:, None, :])


def sb1_step(setup: KineticSetup, state: SB1State, h: float, collective: bool = True,
             refreeze_tol: float = 1e-2, two_body: bool = False, three_point: bool = False,
             correlated_pairs: bool = False) -> None:
    """Advance (5.15) (+ collective, + two-body, + (5.19) three-point term; with correlated_pairs the pair
    diffusion of (5.36) instead of bold D) by h with ETD-RK2; rho by the exact integral of the Y trajectory."""
    if np.abs(state.rho - state.rho_frozen).max() > refreeze_tol * np.abs(state.rho).max():
        refreeze(setup, state)
    if state.cache.get("h") != h:
        mu = pair_eigenvalues(setup, state)
        state.cache = {"h": h, "exp": np.exp(mu * h), "phi": phi_functions(mu * h)}
    p, q, s = _source_vectors(setup, state.rho, state.uinv)
    ikv = 1j * setup.k * setup.vhat
    src = ikv[:, None, None] * s * (p.conj()[:, :, None] * q[:, None, :] - q.conj()[:, :, None] * p[:, None, :])
    r = state.u.transpose(0, 2, 1) @ setup.w                  # U^T w
    if correlated_pairs and "dcross" not in state.cache:        # D12 of (5.35), frozen with A and DD
        state.cache["dcross"] = ghd.cross_diffusion_matrix(setup.theta, setup.w, state.rho_frozen, setup.a)

    def forcing(y: np.ndarray) -> np.ndarray:
        total = src
        if collective:
            left = np.einsum("mi,mij->mj", r.conj(), y)          # conj(r)^T Y
            right = np.einsum("mij,mj->mi", y, r)                # Y r
            total = total + ikv[:, None, None] * (p.conj()[:, :, None] * left[:, None, :]
                                                  - right[:, :, None] * p[:, None, :])
        if two_body or three_point or correlated_pairs:
            g = state.u.conj() @ y @ state.u.transpose(0, 2, 1)
            extra = 0.0
            if two_body or three_point:
                extra = _local_term_modes(setup, g, state.rho, two_body, three_point)
            if correlated_pairs:
                extra = extra + co_displacement_modes(setup, g, state.rho_frozen, state.cache["dcross"])
            total = total + state.uinv.conj() @ extra @ state.uinv.transpose(0, 2, 1)
        return total

    p1, p2, p3 = state.cache["phi"]
    n0 = forcing(state.y)
    a_stage = state.cache["exp"] * state.y + h * p1 * n0
    dn = forcing(a_stage) - n0
    y_int = _hermitian(h * p1 * state.y + h * h * p2 * n0 + h * h * p3 * dn)      # int_0^h Y dt
    state.y = _hermitian(a_stage + h * p2 * dn)
    state.rho = state.rho + _rho_rate(setup, np.einsum("mij,mj->mi", state.u.conj() @ y_int, r))
    state.t += h


def sb1_advance(setup: KineticSetup, state: SB1State, t_out: float, h: float, collective: bool = True,
                refreeze_tol: float = 1e-2, two_body: bool = False, three_point: bool = False,
                correlated_pairs: bool = False) -> None:
    """sb1_step until state.t = t_out (steps of h, the last one shortened); a clear error if rho blows up."""
    while state.t < t_out - 1e-9 * h:
        sb1_step(setup, state, min(h, t_out - state.t), collective, refreeze_tol, two_body, three_point,
                 correlated_pairs)
        if not np.isfinite(state.rho).all():
            raise FloatingPointError(f"sb1_run: rho is no longer finite at t = {state.t:g}; the explicit rho-g "
                                     f"coupling is unstable at h = {h:g} on {setup.theta.size} velocity points "
                                     f"(finer grids need smaller h): reduce h")


def sb1_run(setup: KineticSetup, rho0: np.ndarray, times: np.ndarray, h: float, collective: bool = True,
            refreeze_tol: float = 1e-2, two_body: bool = False, three_point: bool = False,
            correlated_pairs: bool = False) -> dict[str, np.ndarray]:
    """Integrate (5.15) from (rho0, g = 0), recording rho, kurtosis and energies at `times` (multiples of h)."""
    state = sb1_initial(setup, rho0)
    out = {"times": np.asarray(times, float), "rho": [], "kurtosis": [], "ekin": [], "ecorr": []}
    for t_out in out["times"]:
        sb1_advance(setup, state, t_out, h, collective, refreeze_tol, two_body, three_point, correlated_pairs)
        ekin, ecorr = energies(setup, state)
        out["rho"].append(state.rho.copy())
        out["kurtosis"].append(ghd.excess_kurtosis(setup.theta, setup.w, state.rho))
        out["ekin"].append(ekin)
        out["ecorr"].append(ecorr)
    return {key: np.asarray(val) for key, val in out.items()}
