"""Parameters and state of the 2D dipolar-molecule model (docs/theory.md §2 (2.1)).

Molecule i has centre x_i, angle theta_i, velocity v_i and angular velocity omega_i.
Charges +q and -q sit at x_i +/- (l/2) d(theta_i), d(theta) = (cos theta, sin theta), so the dipole is
p_i = mu d(theta_i) with mu = q l. Mass m, moment of inertia I = m l^2 / 4. Box [0, Lx) x [0, Ly), periodic.
The short-range pair potential Phi(r, dtheta) = e_s ((s/r)^alpha - b(dtheta)) exp(-(r/s)^2) has scales s, e_s.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np


def _require_positive(name: str, value: float) -> None:
    if not (isinstance(value, (int, float)) and math.isfinite(value) and value > 0):
        raise ValueError(f"{name} must be a finite positive number, got {value!r}")


@dataclass(frozen=True)
class DipolarBoxModel:
    """The MD model of docs/theory.md §2: the periodic box Lx x Ly, the molecule (mass m, site separation l,
    site charge q, vacuum permittivity eps0) and the short-range potential (e_s, s, alpha); any consistent
    units. Temperatures belong to the bath (particles.dipolar.replica.Thermostat); the continuum's
    molecule at a temperature is closures.dipolar_continuum.continuum_parameters(model, kT).

    Derived: mu = q l, I = m l^2 / 4, area |Omega| = Lx Ly.
    """

    Lx: float
    Ly: float
    m: float = 1.0
    l: float = 0.5
    q: float = 2.0
    eps0: float = 1.0
    e_s: float = 1.0
    s: float = 1.0
    alpha: float = 12.0

    def __post_init__(self) -> None:
        for name in ("Lx", "Ly", "m", "l", "eps0", "e_s", "s", "alpha"):
            _require_positive(name, getattr(self, name))
        if not (isinstance(self.q, (int, float)) and math.isfinite(self.q) and self.q >= 0):
            raise ValueError(f"q must be a finite non-negative number, got {self.q!r}")

    @property
    def mu(self) -> float:
        """Dipole moment mu = q l."""
        return self.q * self.l

    @property
    def inertia(self) -> float:
        """Moment of inertia I = m l^2 / 4."""
        return self.m * self.l**2 / 4.0

    @property
    def box(self) -> np.ndarray:
        """Box lengths (Lx, Ly) as a float64 array."""
        return np.array([self.Lx, self.Ly], dtype=np.float64)

    @property
    def area(self) -> float:
        """Box area |Omega| = Lx Ly."""
        return self.Lx * self.Ly


@dataclass
class State:
    """Phase-space point: x (N, 2), theta (N,), v (N, 2), omega (N,), time t (float64 arrays)."""

    x: np.ndarray
    theta: np.ndarray
    v: np.ndarray
    omega: np.ndarray
    t: float = 0.0

    def __post_init__(self) -> None:
        self.x = np.ascontiguousarray(self.x, dtype=np.float64)
        self.theta = np.ascontiguousarray(self.theta, dtype=np.float64)
        self.v = np.ascontiguousarray(self.v, dtype=np.float64)
        self.omega = np.ascontiguousarray(self.omega, dtype=np.float64)
        n = self.theta.shape[0] if self.theta.ndim == 1 else -1
        if n < 1:
            raise ValueError(f"theta must be a non-empty 1D array, got shape {self.theta.shape}")
        for name, shape in (("x", (n, 2)), ("v", (n, 2)), ("omega", (n,))):
            if getattr(self, name).shape != shape:
                raise ValueError(f"{name} must have shape {shape}, got {getattr(self, name).shape}")
        for name in ("x", "theta", "v", "omega"):
            if not np.all(np.isfinite(getattr(self, name))):
                raise ValueError(f"{name} contains non-finite values")

    @property
    def n(self) -> int:
        """Number of molecules N."""
        return self.theta.shape[0]

    def copy(self) -> State:
        """Deep copy of the arrays."""
        return State(self.x.copy(), self.theta.copy(), self.v.copy(), self.omega.copy(), self.t)


def lattice_state(params: DipolarBoxModel, n: int, kT: float, rng: np.random.Generator) -> State:
    """N molecules on a near-square lattice filling the box, random angles, Maxwell velocities.

    Velocities ~ N(0, kT/m) with the total momentum removed; omega ~ N(0, kT/I).
    """
    if not (isinstance(n, int) and n >= 1):
        raise ValueError(f"n must be a positive integer, got {n!r}")
    _require_positive("kT", kT)
    nx = max(1, int(round(math.sqrt(n * params.Lx / params.Ly))))
    ny = -(-n // nx)
    ix, iy = np.divmod(np.arange(n), ny)
    x = np.column_stack(((ix + 0.5) * params.Lx / nx, (iy + 0.5) * params.Ly / ny))
    v = rng.normal(0.0, math.sqrt(kT / params.m), size=(n, 2))
    v -= v.mean(axis=0)
    theta = rng.uniform(0.0, 2.0 * math.pi, size=n)
    omega = rng.normal(0.0, math.sqrt(kT / params.inertia), size=n)
    return State(x, theta, v, omega, 0.0)
