"""Ideal-gas pressure closures of the Euler rung (docs/theory.md §1 (1.7)).

* :class:`Isothermal`: P_vv = rho v_th^2 I with v_th^2 = kT/m (no energy equation).
* :class:`Polytropic`: barotropic P_vv = p0 (rho/rho0)^gamma I (isentropic flow, no energy equation).
* :class:`Adiabatic`: the energy equation is evolved and p = (gamma - 1)(E - |m|^2 / (2 rho)); the
  kinetic value for a d-dimensional Maxwellian is gamma = (d + 2)/d (3 in 1D, 2 in 2D); any gamma > 1
  may be given (gamma = 1.4 for the classical Sod test).
* :class:`TonksPressure`: the exact equation of state of 1D hard rods of length a (the Tonks gas,
  docs/theory.md §5), p = rho kT / (1 - a rho) (m = 1), isothermal; Isothermal at a = 0.

Linear sound speeds: isothermal c^2 = v_th^2; adiabatic/polytropic c^2 = gamma p / rho; Tonks
c^2 = kT / (1 - a rho)^2.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from hydrobridge.closures.base import PressureClosure

__all__ = ["Isothermal", "Polytropic", "Adiabatic", "TonksPressure", "kinetic_gamma"]


def kinetic_gamma(dim: int) -> float:
    """gamma = (d + 2)/d of a d-dimensional ideal gas with only translational degrees of freedom."""
    if dim not in (1, 2, 3):
        raise ValueError(f"dim = {dim}: expected 1, 2 or 3")
    return (dim + 2) / dim


def _positive(**kw: float) -> None:
    for k, v in kw.items():
        if not (float(v) > 0):
            raise ValueError(f"{k} = {v}: expected a positive number")


def _dot(a: Any, b: Any) -> Any:
    """a . b for UFL vectors or NumPy arrays of shape (..., d)."""
    import numpy as np

    if isinstance(a, np.ndarray):
        return np.sum(a * b, axis=-1)
    import ufl

    return ufl.dot(a, b)


class Isothermal(PressureClosure):
    """p = rho v_th^2 (v_th^2 = kT/m)."""

    fields = ("rho", "m")

    def __init__(self, vth2: float) -> None:
        _positive(vth2=vth2)
        self.vth2 = float(vth2)

    def pressure(self, state: Mapping[str, Any]) -> Any:
        return self.vth2 * state["rho"]

    def sound_speed_squared(self, state: Mapping[str, Any]) -> Any:
        return self.vth2 + 0.0 * state["rho"]

    def to_dict(self) -> dict[str, Any]:
        return {"closure": "Isothermal", "vth2": self.vth2}


class Polytropic(PressureClosure):
    """p = p0 (rho/rho0)^gamma (isentropic, barotropic)."""

    fields = ("rho", "m")

    def __init__(self, p0: float, rho0: float, gamma: float) -> None:
        _positive(p0=p0, rho0=rho0, gamma=gamma)
        self.p0, self.rho0, self.gamma = float(p0), float(rho0), float(gamma)

    def pressure(self, state: Mapping[str, Any]) -> Any:
        return self.p0 * (state["rho"] / self.rho0) ** self.gamma

    def sound_speed_squared(self, state: Mapping[str, Any]) -> Any:
        return self.gamma * self.pressure(state) / state["rho"]

    def to_dict(self) -> dict[str, Any]:
        return {"closure": "Polytropic", "p0": self.p0, "rho0": self.rho0, "gamma": self.gamma}


class Adiabatic(PressureClosure):
    """Energy equation evolved; p = (gamma - 1)(E - |m|^2 / (2 rho))."""

    fields = ("rho", "m", "E")

    def __init__(self, gamma: float) -> None:
        if not float(gamma) > 1:
            raise ValueError(f"gamma = {gamma}: expected gamma > 1")
        self.gamma = float(gamma)

    def pressure(self, state: Mapping[str, Any]) -> Any:
        m = state["m"]
        return (self.gamma - 1.0) * (state["E"] - 0.5 * _dot(m, m) / state["rho"])

    def sound_speed_squared(self, state: Mapping[str, Any]) -> Any:
        return self.gamma * self.pressure(state) / state["rho"]

    def energy(self, rho: Any, m: Any, p: Any) -> Any:
        """E from (rho, m, p): the inverse of `pressure`."""
        return p / (self.gamma - 1.0) + 0.5 * _dot(m, m) / rho

    def to_dict(self) -> dict[str, Any]:
        return {"closure": "Adiabatic", "gamma": self.gamma}


class TonksPressure(PressureClosure):
    """Hard rods of length a at temperature kT (m = 1): p = rho kT / (1 - a rho), c^2 = kT / (1 - a rho)^2.

    Valid for packing fractions a rho < 1 (docs/theory.md §5); rho in 1/length, p in energy/length."""

    fields = ("rho", "m")

    def __init__(self, kT: float, a: float) -> None:
        if not (float(kT) > 0 and float(a) >= 0):
            raise ValueError(f"kT = {kT}, a = {a}: expected kT > 0 and a >= 0")
        self.kT, self.a = float(kT), float(a)

    def pressure(self, state: Mapping[str, Any]) -> Any:
        return self.kT * state["rho"] / (1.0 - self.a * state["rho"])

    def sound_speed_squared(self, state: Mapping[str, Any]) -> Any:
        return self.kT / (1.0 - self.a * state["rho"]) ** 2

    def to_dict(self) -> dict[str, Any]:
        return {"closure": "TonksPressure", "kT": self.kT, "a": self.a}
