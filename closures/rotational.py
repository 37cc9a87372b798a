"""Rotational closures of the dipolar moment system (docs/theory.md (3.10)-(3.14)).

Same conventions as :mod:`hydrobridge.closures.base`: each closure lists what it evolves, gives its terms as UFL
expressions of the local state, and serialises its parameters with ``to_dict()``. All three imply
P_dv = P_wv = 0; P_dw is zero (local equilibrium) or carried by the evolved B (Grad).

Each closure says which rotational fields are evolved besides rho, rho U, rho D and gives the
right-hand sides of d_t(rho D) and of those fields, as UFL expressions of the local state.
With p = rho D, s = rho Omega, a_perp = (-a_y, a_x), a x b = a_perp . b:

* LocalEquilibrium: evolve s;  d_t p = (s p / rho)_perp  (P_dw = 0),  d_t s = (mu/I) p x E.
  |D| is conserved: no static dielectric response (a pendulum, the limiting case of docs/theory.md §3).
* GradRotational: evolve B = (rho Omega D + P_dw)_perp;  d_t p = B,
  d_t B = (mu rho / 2I) E - (kT_r/I) p   (linearised about isotropy; Maxwellian omega | theta).
  chi(w) = chi_s w0^2 / (w0^2 - w^2), w0^2 = kT_r/I, chi_s = n mu^2 / (2 eps0 kT_r).
* Energy: LocalEquilibrium and GradRotational conserve K + (eps0/2) int |E|^2 up to the work
  int psi dQ/dt of the sheet forcing, with the closure energy densities K given by
  `energy_density` (I s^2 / (2 rho) and (I/rho)(|B|^2 + w0^2 |p|^2)); Debye dissipates (None).
* Debye: no rotational field;  d_t p = -(p - (mu rho / 2kT) E) / tau_D,  tau_D = I gamma_r / kT.
  eps(w) = 1 + chi_s / (1 - i w tau_D).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import ClassVar

import ufl

from hydrobridge.closures.base import RotationalClosure, RotationalTimescales

__all__ = ["DipolarParameters", "LocalEquilibrium", "GradRotational", "Debye", "perp", "cross"]


def perp(a):
    """a_perp = (-a_y, a_x)."""
    return ufl.as_vector((-a[1], a[0]))


def cross(a, b):
    """a x b = a_x b_y - a_y b_x."""
    return a[0] * b[1] - a[1] * b[0]


@dataclass(frozen=True)
class DipolarParameters:
    """Molecular parameters: dipole moment mu, mass m, moment of inertia I, translational and
    rotational temperatures kT, kT_r (energy units), vacuum permittivity eps0."""

    mu: float = 1.0
    mass: float = 1.0
    inertia: float = 0.25
    kT: float = 1.0
    kT_r: float = 1.0
    eps0: float = 1.0

    def __post_init__(self) -> None:
        for name, value in asdict(self).items():
            if not value > 0:
                raise ValueError(f"{name} = {value}: expected a positive number")

    def static_susceptibility(self, n: float) -> float:
        """chi_s = n mu^2 / (2 eps0 kT_r) (ideal 2D rotors)."""
        return n * self.mu**2 / (2 * self.eps0 * self.kT_r)

    @property
    def w0(self) -> float:
        """Free-rotor libration frequency sqrt(kT_r / I) of the Grad closure."""
        return (self.kT_r / self.inertia) ** 0.5


def _d_perp(rho, p):
    """D_perp = p_perp / rho."""
    return ufl.as_vector((-p[1], p[0])) / rho


def _ideal_or_measured_chi(par: DipolarParameters, density: float, chi_s: float | None) -> float:
    return par.static_susceptibility(density) if chi_s is None else chi_s


@dataclass(frozen=True)
class LocalEquilibrium(RotationalClosure):
    """Evolves s = rho Omega; no linear response about p = 0 (|D| is conserved): chi_s = 0, no time scale."""

    name: str = "local_equilibrium"
    rotational_components: int = 1
    is_linear: ClassVar[bool] = True      # quadratic sources, but p = s = 0 is invariant: the response is zero

    def sources(self, par: DipolarParameters, rho, p, r, E):
        s = r[0]
        return perp(s * p / rho), ufl.as_vector((par.mu / par.inertia * cross(p, E),))

    def energy_density(self, par: DipolarParameters, rho, p, r):
        """Rotational kinetic energy I Omega^2 rho / 2 = I s^2 / (2 rho)."""
        return par.inertia * r[0] ** 2 / (2 * rho)

    def correlation_torque(self, par: DipolarParameters, rho, p, s_th):
        """d_t(rho Omega) += S_th."""
        return None, (s_th,)

    def static_susceptibility(self, par: DipolarParameters, density: float) -> float:
        return 0.0

    def timescales(self, par: DipolarParameters) -> RotationalTimescales:
        return RotationalTimescales()

    def to_dict(self) -> dict:
        return {"closure": type(self).__name__, "name": self.name}


@dataclass(frozen=True)
class GradRotational(RotationalClosure):
    """Grad-type closure, optionally damped and with measured parameters:

        d_t p = B,   d_t B = w0^2 (p_eq(E) - p) - friction B,
        p_eq = mu rho E / (2 kT_r)  (ideal rotors, w0^2 = kT_r / I)   or   eps0 chi_s (rho / n0) E / mu  (measured),

    i.e. chi(w) = chi_s w0^2 / (w0^2 - w^2 - i w friction): a Lorentz oscillator. friction is the
    rotational friction rate of a Langevin bath (torque -I friction omega); w0 and chi_s default to the
    ideal-rotor values. Undamped with the defaults, it is the closure of docs/theory.md §3.
    """

    friction: float = 0.0
    chi_s: float | None = None
    density: float | None = None
    w0: float | None = None
    name: str = "grad"
    rotational_components: int = 2
    is_linear: ClassVar[bool] = True

    def __post_init__(self) -> None:
        if self.friction < 0:
            raise ValueError(f"friction = {self.friction}: expected >= 0")
        if self.w0 is not None and not self.w0 > 0:
            raise ValueError(f"w0 = {self.w0}: expected a positive frequency")
        if self.chi_s is not None and not (self.chi_s >= 0 and self.density is not None and self.density > 0):
            raise ValueError(f"chi_s = {self.chi_s}, density = {self.density}: a measured chi_s needs chi_s >= 0 "
                             "and the positive number density it was measured at")

    def sources(self, par: DipolarParameters, rho, p, r, E):
        B = ufl.as_vector((r[0], r[1]))
        w0sq = par.w0**2 if self.w0 is None else self.w0**2
        if self.chi_s is None:
            p_eq = par.mu * rho / (2 * par.kT_r) * E
        else:
            p_eq = par.eps0 * self.chi_s * (rho / self.density) / par.mu * E
        return B, w0sq * (p_eq - p) - self.friction * B

    def energy_density(self, par: DipolarParameters, rho, p, r):
        """(I/rho)(|B|^2 + w0^2 |p|^2) for the ideal undamped closure (its rate is P_dot . E); else None."""
        if self.friction or self.chi_s is not None or self.w0 is not None:
            return None
        B = ufl.as_vector((r[0], r[1]))
        return par.inertia / rho * (ufl.dot(B, B) + par.w0**2 * ufl.dot(p, p))

    def correlation_torque(self, par: DipolarParameters, rho, p, s_th):
        """d_t B += S_th D_perp (B = int omega d_perp f, the torque taken orientation-independent)."""
        d_perp = _d_perp(rho, p)
        return None, (s_th * d_perp[0], s_th * d_perp[1])

    def static_susceptibility(self, par: DipolarParameters, density: float) -> float:
        return _ideal_or_measured_chi(par, density, self.chi_s)

    def timescales(self, par: DipolarParameters) -> RotationalTimescales:
        return RotationalTimescales(frequency=self.w0 or par.w0, damping=self.friction)

    def to_dict(self) -> dict:
        return {"closure": type(self).__name__, "name": self.name, "friction": self.friction,
                "chi_s": self.chi_s, "density": self.density, "w0": self.w0}


@dataclass(frozen=True)
class Debye(RotationalClosure):
    """tau: relaxation time; chi_s: measured static susceptibility (None: ideal rotors n mu^2/(2 eps0 kT_r)),
    in which case the relaxation target is mu p_eq = eps0 chi_s E (rho / n0 scales it locally, n0 = density)."""

    tau: float = 1.0
    chi_s: float | None = None
    density: float | None = None
    name: str = "debye"
    rotational_components: int = 0
    is_linear: ClassVar[bool] = True

    def __post_init__(self) -> None:
        if not self.tau > 0:
            raise ValueError(f"tau = {self.tau}: expected a positive relaxation time")
        if self.chi_s is not None and not (self.chi_s >= 0 and self.density is not None and self.density > 0):
            raise ValueError(f"chi_s = {self.chi_s}, density = {self.density}: a measured chi_s needs chi_s >= 0 "
                             "and the positive number density it was measured at")

    def sources(self, par: DipolarParameters, rho, p, r, E):
        if self.chi_s is None:
            target = par.mu * rho / (2 * par.kT_r) * E
        else:
            target = par.eps0 * self.chi_s * (rho / self.density) / par.mu * E
        return -(p - target) / self.tau, None

    def energy_density(self, par: DipolarParameters, rho, p, r):
        return None  # dissipative: no conserved energy

    def correlation_torque(self, par: DipolarParameters, rho, p, s_th):
        """Overdamped, theta' = torque / (I gamma_r), gamma_r = kT_r tau_D / I: d_t(rho D) += (S_th / gamma_r) D_perp."""
        d_perp = _d_perp(rho, p)
        gamma_r = par.kT_r * self.tau / par.inertia
        return (s_th / gamma_r * d_perp[0], s_th / gamma_r * d_perp[1]), None

    def static_susceptibility(self, par: DipolarParameters, density: float) -> float:
        return _ideal_or_measured_chi(par, density, self.chi_s)

    def timescales(self, par: DipolarParameters) -> RotationalTimescales:
        return RotationalTimescales(relaxation_time=self.tau)

    def to_dict(self) -> dict:
        return {"closure": type(self).__name__, "name": self.name, "tau": self.tau, "chi_s": self.chi_s,
                "density": self.density}
