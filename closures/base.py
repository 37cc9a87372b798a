"""Closure interface (docs/theory.md §1, §3): what a moment system needs from a closure.

A *pressure closure* supplies P_vv = p I of the Euler rung (docs/theory.md §1) as a function of the
conserved continuum state. The state is a mapping from field names to expressions:

    "rho": number density, "m": momentum density rho U (vector, length d), "E": energy density
    int |v|^2/2 f dv = rho |U|^2 / 2 + (d/2) p  (present only when the closure evolves it).

Closures write their formulas with arithmetic operators only (+, -, *, /, **), so the same method
evaluates on UFL expressions (inside the weak form) and on NumPy arrays (CFL control, positivity
checks, diagnostics). `fields` says which fields the closure needs; a closure listing "E" makes the
solver evolve the energy equation. `to_dict()` returns the parameters as a JSON-able dict (written
next to every run so the closure used is recorded with the data).

A *correlation closure* supplies the first-marginal source C(x) = int F(x - x2) rho_2(x, x2) dx2 of
the momentum equation (docs/theory.md §1) as a vector expression of the state.

A *rotational closure* closes the dipolar moment system of docs/theory.md §3: it names the rotational
fields r it evolves besides rho, rho U, p = rho D, gives the right-hand sides of d_t p and d_t r, its
energy density (None if dissipative), where a correlation torque enters, its static susceptibility and
its time scales (RotationalTimescales). Solvers and the permittivity pipeline (docs/theory.md §4) use
nothing else of it.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

__all__ = ["PressureClosure", "CorrelationClosure", "RotationalClosure", "RotationalTimescales", "check_state_fields"]


class PressureClosure(ABC):
    """Scalar pressure p (P_vv = p I, velocity-moment units: density x velocity^2) of the state."""

    #: fields the closure needs; ("rho", "m") for barotropic laws, ("rho", "m", "E") with an energy equation
    fields: tuple[str, ...] = ("rho", "m")

    @abstractmethod
    def pressure(self, state: Mapping[str, Any]) -> Any:
        """p of the state (UFL or NumPy, arithmetic only)."""

    @abstractmethod
    def sound_speed_squared(self, state: Mapping[str, Any]) -> Any:
        """c^2 = dp/drho at fixed entropy, used by the wave-speed estimate (Rusanov flux, CFL)."""

    @abstractmethod
    def to_dict(self) -> dict[str, Any]:
        """Parameters as a JSON-able dict, including a "closure" key naming the class."""

    @property
    def has_energy(self) -> bool:
        return "E" in self.fields


class CorrelationClosure(ABC):
    """The correlation source C of the momentum equation, a vector of length d."""

    fields: tuple[str, ...] = ("rho",)

    @abstractmethod
    def source(self, state: Mapping[str, Any]) -> Any:
        """C(x) as a UFL vector expression of the state."""

    @abstractmethod
    def to_dict(self) -> dict[str, Any]:
        """Parameters as a JSON-able dict, including a "closure" key naming the class."""


@dataclass(frozen=True)
class RotationalTimescales:
    """The linear dynamics of a rotational closure about isotropy, in time units.

    relaxation_time: tau of a relaxational (Debye-like) polarisation, d_t p = -(p - p_eq(E)) / tau, or None;
    frequency: the bare libration frequency w0 of an oscillator closure (d_t^2 p = -w0^2 (p - p_eq) - ...),
    or None; damping: the oscillator's friction rate (0: undamped, it never forgets a transient).
    A closure with neither (e.g. local equilibrium: no linear response about p = 0) has no intrinsic time.
    """

    relaxation_time: float | None = None
    frequency: float | None = None
    damping: float = 0.0

    def __post_init__(self) -> None:
        for name in ("relaxation_time", "frequency"):
            value = getattr(self, name)
            if value is not None and not value > 0:
                raise ValueError(f"{name} = {value}: expected a positive number or None")
        if not self.damping >= 0:
            raise ValueError(f"damping = {self.damping}: expected >= 0")


class RotationalClosure(ABC):
    """Closure of the dipolar moment system (docs/theory.md §3). `par` is a DipolarParameters (mu, mass,
    inertia, kT, kT_r, eps0); rho, p = rho D (vector), r (vector of the rotational fields, None if there are
    none) and E are UFL expressions of the local state."""

    #: short name (output folders, diagnostics)
    name: str
    #: number of rotational fields r evolved besides rho, rho U and p
    rotational_components: int
    #: True if the sheet response about the uniform isotropic state (p = r = 0) is exactly linear in the forcing:
    #: the sources are linear in (p, r, E) at fixed rho, or p = r = 0 stays a solution under any field (then the
    #: response is zero). The frequency domain (docs/theory.md §4 (4.14)) is then exact; False: time domain only.
    is_linear: bool = False

    @abstractmethod
    def sources(self, par: Any, rho: Any, p: Any, r: Any, E: Any) -> tuple[Any, Any]:
        """(right-hand side of d_t p (vector of 2), right-hand side of d_t r (vector, None if no r))."""

    @abstractmethod
    def energy_density(self, par: Any, rho: Any, p: Any, r: Any) -> Any:
        """Closure energy density K with d/dt (int K + (eps0/2) int |E|^2) = forcing power, or None (dissipative)."""

    @abstractmethod
    def correlation_torque(self, par: Any, rho: Any, p: Any, s_th: Any) -> tuple[Any, Any]:
        """Where the correlation torque density / I, s_th, enters: (terms added to d_t p (2 components, or None),
        terms added to d_t r (rotational_components of them, or None))."""

    @abstractmethod
    def static_susceptibility(self, par: Any, density: float) -> float:
        """chi_s of the closure at number density n (eps(0) = 1 + chi_s; 0 for no static response)."""

    @abstractmethod
    def timescales(self, par: Any) -> RotationalTimescales:
        """The closure's relaxation time / libration frequency / damping (see RotationalTimescales)."""

    @abstractmethod
    def to_dict(self) -> dict[str, Any]:
        """Parameters as a JSON-able dict, including a "closure" key naming the class."""


def check_state_fields(closure: PressureClosure | CorrelationClosure, available: tuple[str, ...]) -> None:
    """Raise ValueError if the closure needs a field the solver does not evolve."""
    missing = [f for f in closure.fields if f not in available]
    if missing:
        raise ValueError(
            f"{type(closure).__name__} needs fields {missing}, but the solver evolves only {list(available)}"
        )
