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
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from typing import Any

__all__ = ["PressureClosure", "CorrelationClosure", "check_state_fields"]


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


def check_state_fields(closure: PressureClosure | CorrelationClosure, available: tuple[str, ...]) -> None:
    """Raise ValueError if the closure needs a field the solver does not evolve."""
    missing = [f for f in closure.fields if f not in available]
    if missing:
        raise ValueError(
            f"{type(closure).__name__} needs fields {missing}, but the solver evolves only {list(available)}"
        )
