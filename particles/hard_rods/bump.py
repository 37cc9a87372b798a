"""Hard-rod MD of a density bump: the particle rung of the 1D reduction ladder (docs/theory.md §0, §5).

N rods of length a on a ring of length L with V(x) = (V0/xi) phi(x/xi), m = 1, kT = 1/beta. Initial state:
contracted positions y_i (particles.hard_rods.md) drawn independently from

    rho_y(y) ~ 1 + amplitude exp(-(y - L'/2)^2 / (2 width^2))   on [0, L'),  L' = L - N a,

sorted, so rod i sits at x_i = y_i + a i; velocities Maxwellian N(0, kT) with the total momentum removed.
The expected physical density is rho_x = rho_y / (1 + a rho_y) at x = y + a N F(y), F the CDF of rho_y / N
(``expected_density``). Observables: histograms of the density and momentum density on given bins
(``density_momentum_histograms``, also for a user's own positions and velocities). Variance reduction
(``mirrored_pair_sample``): an antithetic pair (the same positions, velocities u and -u), symmetrised
under the mirror x -> L - x (the bump is centred at L/2): density even, momentum odd.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from .md import forces, step, work_array
from .potential import PHI6, ring_table

__all__ = ["DensityBump", "expected_density", "density_momentum_histograms", "md_realisation",
           "mirrored_pair_sample"]

_GRID = 20001          # points of the contracted-coordinate grid for sampling and the expected profile


@dataclass(frozen=True)
class DensityBump:
    """The gas and its initial bump (module doc): n rods of length a on a ring of length `ring`, potential
    (v0, xi, kind of particles.hard_rods.potential), inverse temperature beta, bump amplitude and width (in
    contracted length), MD time step dt and potential-table spacing table_dx (ring / 2 a multiple of it)."""

    n: int
    ring: float
    a: float
    v0: float
    xi: float
    beta: float
    amplitude: float
    width: float
    kind: int = PHI6
    dt: float = 0.1
    table_dx: float = 0.05

    def __post_init__(self) -> None:
        if not (self.n >= 2 and 0 <= self.a < self.ring / self.n):
            raise ValueError(f"n = {self.n}, a = {self.a}: expected n >= 2 rods with 0 <= a < ring / n")
        for name in ("beta", "width", "dt", "table_dx"):
            if not getattr(self, name) > 0:
                raise ValueError(f"{name} = {getattr(self, name)}: expected a positive number")
        if not self.amplitude > -1:
            raise ValueError(f"amplitude = {self.amplitude}: expected > -1 (a positive density)")

    @property
    def density(self) -> float:
        """Mean density rho_bar = N / L."""
        return self.n / self.ring


def _contracted_shape(bump: DensityBump) -> tuple[np.ndarray, np.ndarray]:
    lc = bump.ring - bump.n * bump.a
    y = np.linspace(0.0, lc, _GRID)
    return y, 1.0 + bump.amplitude * np.exp(-0.5 * ((y - 0.5 * lc) / bump.width) ** 2)


def expected_density(bump: DensityBump) -> tuple[np.ndarray, np.ndarray]:
    """(x, rho_x) of the initial ensemble on a fine grid (module doc), integrating to N."""
    y, shape = _contracted_shape(bump)
    n, a = bump.n, bump.a
    rho_y = n * shape / np.trapezoid(shape, y)
    cdf = np.concatenate([[0.0], np.cumsum(0.5 * (rho_y[1:] + rho_y[:-1]) * np.diff(y))]) / n
    return y + a * n * cdf, rho_y / (1.0 + a * rho_y)


def density_momentum_histograms(x: np.ndarray, u: np.ndarray, edges: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Density and momentum density (m = 1) of one configuration on the bins `edges` (equal widths):
    counts / width and sum of u / width."""
    width = edges[1] - edges[0]
    return np.histogram(x, edges)[0] / width, np.histogram(x, edges, weights=u)[0] / width


@lru_cache(maxsize=4)
def _table(v0: float, xi: float, ring: float, kind: int, dx: float) -> np.ndarray:
    return ring_table(v0, xi, ring, kind, dx)


def md_realisation(bump: DensityBump, seed: int, times: np.ndarray, edges: np.ndarray,
                   antithetic: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """(density, momentum density) histograms, shape (len(times), len(edges) - 1), at the increasing sample
    times of one realisation; antithetic: the same positions with the velocities reversed."""
    n, L, a = bump.n, bump.ring, bump.a
    rng = np.random.default_rng(seed)
    yy, shape = _contracted_shape(bump)
    cdf = np.cumsum(shape)
    cdf /= cdf[-1]
    y = np.sort(np.interp(rng.random(n), cdf, yy))
    u = rng.normal(0.0, math.sqrt(1.0 / bump.beta), n)
    u -= u.mean()                                               # zero total momentum, as the Euler state
    if antithetic:
        u = -u
    tab = _table(bump.v0, bump.xi, L, bump.kind, bump.table_dx)
    f = np.empty(n)
    forces(y, a, tab, bump.table_dx, L, f)
    work = work_array(n)
    rho_t, mom_t = [], []
    t = 0.0
    for target in times:
        while t < target - 1e-12:
            h = min(bump.dt, target - t)
            step(y, u, f, h, a, tab, bump.table_dx, L, work)
            t += h
        rho, mom = density_momentum_histograms(np.mod(y + a * np.arange(n), L), u, edges)
        rho_t.append(rho)
        mom_t.append(mom)
    return np.array(rho_t), np.array(mom_t)


def mirrored_pair_sample(bump: DensityBump, seed: int, times: np.ndarray,
                         edges: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """One variance-reduced sample of md_realisation: antithetic pair, mirror-symmetrised (density even,
    momentum odd under x -> L - x; edges symmetric about L/2)."""
    r1, m1 = md_realisation(bump, seed, times, edges)
    r2, m2 = md_realisation(bump, seed, times, edges, antithetic=True)
    rho, mom = 0.5 * (r1 + r2), 0.5 * (m1 + m2)
    return 0.5 * (rho + rho[:, ::-1]), 0.5 * (mom - mom[:, ::-1])
