"""The AC sheet-pair forcing of docs/theory.md §4, one object shared by the model and its Poisson solver.

Sheets at n.x = Ln/4 (A) and 3Ln/4 (B) carry the line charges +-sigma(t), with

    sigma(t) = sigma0 s(t) cos(w t),   s(t) = sin^2(pi t / (2 T_ramp)) for t < T_ramp, else 1,

T_ramp = ramp_periods 2 pi / w: a smooth switch-on, so that undamped media (an undamped Grad closure) are
not left ringing at their own frequency (ramp_periods = 0: s = 1, switched on at t = 0). sigma0 is a
charge per unit sheet length; w = 0 gives static sheets.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["SheetForcing"]


@dataclass(frozen=True)
class SheetForcing:
    """Sheet charge amplitude sigma0, angular frequency omega and switch-on length ramp_periods (see module)."""

    sigma0: float
    omega: float = 0.0
    ramp_periods: float = 0

    def __post_init__(self) -> None:
        if not np.isfinite(self.sigma0):
            raise ValueError(f"sigma0 = {self.sigma0}: expected a finite sheet charge per length")
        if not self.omega >= 0:
            raise ValueError(f"omega = {self.omega}: expected an angular frequency >= 0")
        if not self.ramp_periods >= 0 or (self.ramp_periods and not self.omega > 0):
            raise ValueError(f"ramp_periods = {self.ramp_periods}: expected >= 0, and a ramp needs omega > 0 "
                             f"(omega = {self.omega})")

    @property
    def ramp_time(self) -> float:
        """T_ramp = ramp_periods 2 pi / w (0 without a ramp)."""
        return self.ramp_periods * (2 * np.pi / self.omega) if self.ramp_periods else 0.0

    def envelope(self, t: float) -> float:
        """s(t), the switch-on factor in [0, 1]."""
        if not self.ramp_periods:
            return 1.0
        return np.sin(0.5 * np.pi * min(1.0, t / (self.ramp_periods * (2 * np.pi / self.omega)))) ** 2

    def charge_factor(self, t: float, envelope: float | None = None) -> float:
        """sigma(t) / sigma0 = s cos(w t); envelope: s held from elsewhere (default s(t))."""
        return (self.envelope(t) if envelope is None else envelope) * np.cos(self.omega * t)

    def charge_rate(self, t: float) -> float:
        """d sigma / dt = sigma0 (s'(t) cos(w t) - w s(t) sin(w t)), charge per length and time."""
        ramp = self.ramp_time
        ds = 0.5 * np.pi / ramp * np.sin(np.pi * t / ramp) if 0 < t < ramp else 0.0
        return self.sigma0 * (ds * np.cos(self.omega * t) - self.omega * self.envelope(t) * np.sin(self.omega * t))

    def to_dict(self) -> dict:
        return {"sigma0": self.sigma0, "omega": self.omega, "ramp_periods": self.ramp_periods}
