"""Closure export of the gBBGKY pair correlation (docs/theory.md §1, §5; (5.27)).

The homogeneous gBBGKY (hydrobridge.particles.hard_rods.gbbgky) carries the connected two-point function
g2_{theta theta'}(z) as ring modes g_m (m = 1..M, no k = 0 mode):

    g2(z; theta, theta') = (2/L) Re sum_m g_m(theta, theta') exp(i k_m z),       k_m = 2 pi m / L
    rho2(z) = int int g2(z; theta, theta') dtheta dtheta'     (h_2 of docs/theory.md (1.6), integrated over v)

and the continuum correlation source of the 1D Euler rung needs the quasi-equilibrium
h(z) = rho2(z) / rho_bar^2 (rho_bar = int rho(theta) dtheta), used as the kernel F (1 + h) by
hydrobridge.continuum.euler.CorrelatedConvolutionMeanField1D. Sources of g_m: the stationary correlation of (5.15) at a
given rho(theta) (for a thermal rho it is (5.23), g2 = -beta V(z) (1 - a rho_bar)^4 rho(theta) rho(theta'),
so h = -beta V (1 - a rho_bar)^4: the weak-coupling h at a = 0), or a time-evolved SB1State.
Without the k = 0 mode, rho2 has zero mean on the ring. At a = 0 (DD = 0, A = diag(theta)) the stationary
equation is singular on the diagonal theta = theta', which gbbgky regularises to g = 0 there: rho2 then
misses a quadrature fraction O(dtheta), converging as 1/n_theta (measured: docs/validation.md).
"""

from __future__ import annotations

import numpy as np

from hydrobridge.closures.pair_correlation import PairCorrelation
from hydrobridge.particles.hard_rods import ghd
from hydrobridge.particles.hard_rods.gbbgky import KineticSetup, make_setup, stationary_correlation

__all__ = ["correlation_field", "pair_density", "from_gbbgky", "thermal_gbbgky_closure"]


def _modes_to_space(setup: KineticSetup, modes: np.ndarray, z: np.ndarray) -> np.ndarray:
    """(2/L) Re sum_m modes[m] exp(i k_m z) for modes of shape (M, ...): result (len(z), ...)."""
    phase = np.exp(1j * np.outer(np.asarray(z, float), setup.k))                  # (nz, M)
    return 2.0 / setup.ring * np.tensordot(phase, modes, axes=(1, 0)).real


def correlation_field(setup: KineticSetup, g_modes: np.ndarray, z: np.ndarray) -> np.ndarray:
    """g2(z; theta_i, theta_j), shape (len(z), n, n), from the modes (M, n, n)."""
    if g_modes.shape != (setup.k.size, setup.theta.size, setup.theta.size):
        raise ValueError(f"g_modes: expected shape {(setup.k.size, setup.theta.size, setup.theta.size)}, "
                         f"got {g_modes.shape}")
    return _modes_to_space(setup, g_modes, z)


def pair_density(setup: KineticSetup, g_modes: np.ndarray, z: np.ndarray) -> np.ndarray:
    """rho2(z) = int int g2(z; theta, theta') dtheta dtheta' (quadrature weights setup.w)."""
    if g_modes.shape != (setup.k.size, setup.theta.size, setup.theta.size):
        raise ValueError(f"g_modes: expected shape {(setup.k.size, setup.theta.size, setup.theta.size)}, "
                         f"got {g_modes.shape}")
    return _modes_to_space(setup, np.einsum("i,mij,j->m", setup.w, g_modes, setup.w), z)


def from_gbbgky(setup: KineticSetup, rho_theta: np.ndarray, g_modes: np.ndarray, provenance: dict,
                n_z: int = 2001, density_range: tuple[float, float] | None = None,
                extrapolate: bool = False) -> PairCorrelation:
    """h(z) = rho2(z) / rho_bar^2 on z in [0, L/2] (n_z points) as a PairCorrelation, valid for
    density_range (default: only rho_bar)."""
    density = float(setup.w @ rho_theta)
    if not density > 0:
        raise ValueError("rho_theta: expected a positive total density")
    z = np.linspace(0.0, 0.5 * setup.ring, n_z)
    h = pair_density(setup, g_modes, z) / density**2
    rng = (density, density) if density_range is None else density_range
    return PairCorrelation(z, h, "gbbgky", dict(provenance), density, rng, extrapolate)


def thermal_gbbgky_closure(a: float, v0: float, xi: float, kind: int, ring: float, density: float, beta: float,
                           n_theta: int = 61, n_modes: int = 128, theta_sd: float = 6.0,
                           density_range: tuple[float, float] | None = None,
                           extrapolate: bool = False) -> PairCorrelation:
    """The stationary (5.15) correlation of the thermal state rho(theta) ~ exp(-beta theta^2/2) at density
    `density`, on a velocity grid of n_theta points over +-theta_sd thermal widths and n_modes ring modes."""
    if not (density > 0 and beta > 0 and density * a < 1):
        raise ValueError(f"density = {density}, beta = {beta}, a = {a}: expected positive density and beta "
                         "and a packing fraction a * density < 1")
    setup = make_setup(a, v0, xi, kind, ring, theta_sd / np.sqrt(beta), n_theta, n_modes)
    rho_theta = ghd.thermal_state(setup.theta, setup.w, density, beta)
    g_modes = stationary_correlation(setup, rho_theta)
    prov = {"solver": "gbbgky.stationary_correlation (SB.1 without collective term, thermal rho)",
            "a": a, "V0": v0, "xi": xi, "kind": int(kind), "ring": ring, "beta": beta, "n_theta": n_theta,
            "n_modes": n_modes}
    return from_gbbgky(setup, rho_theta, g_modes, prov, density_range=density_range, extrapolate=extrapolate)
