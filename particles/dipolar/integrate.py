"""Time integrators for dx/dt = v, dtheta/dt = omega, m dv/dt = F, I domega/dt = tau (docs/theory.md §2 (2.18)-(2.20)).

Split into the usual pieces (h a sub-step):
    B(h): v += h F / m,  omega += h tau / I               (kick)
    A(h): x = wrap(x + h v),  theta += h omega, t += h      (drift; theta is not wrapped)
    O(h): v = c v + sqrt((1 - c^2) kT / m) xi,  c = exp(-gamma h);  the same for omega with gamma_r, kT / I
Velocity Verlet (NVE, symplectic, time reversible) is B(dt/2) A(dt) B(dt/2); Langevin BAOAB is
B(dt/2) A(dt/2) O(dt) A(dt/2) B(dt/2). Friction rates gamma, gamma_r act as -m gamma v and -I gamma_r omega.
Each step takes and returns the forces at the current configuration, so one force evaluation per step;
forces are a deterministic function of (x, theta, t), so a restart recomputes them bit for bit.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from hydrobridge.particles.dipolar.forcefield import Contribution, ForceField
from hydrobridge.particles.dipolar.model import DipolarBoxModel, State
from hydrobridge.particles.dipolar.space import wrap

DEFAULT_DT = 0.002
"""Default time step in units of sqrt(m s^2 / e_s) (the issue's cut-off workload uses the same)."""


def kick(state: State, c: Contribution, params: DipolarBoxModel, h: float) -> None:
    """B(h), in place."""
    state.v += (h / params.m) * c.force
    state.omega += (h / params.inertia) * c.torque


def drift(state: State, params: DipolarBoxModel, h: float) -> None:
    """A(h), in place."""
    state.x = wrap(state.x + h * state.v, params.box)
    state.theta += h * state.omega
    state.t += h


def thermalize(state: State, params: DipolarBoxModel, kT: float, gamma: float, gamma_r: float, h: float,
               rng: np.random.Generator) -> None:
    """O(h), in place: exact Ornstein-Uhlenbeck update of v and omega."""
    c, cr = math.exp(-gamma * h), math.exp(-gamma_r * h)
    n = state.n
    state.v = c * state.v + math.sqrt((1.0 - c * c) * kT / params.m) * rng.standard_normal((n, 2))
    state.omega = cr * state.omega + math.sqrt((1.0 - cr * cr) * kT / params.inertia) * rng.standard_normal(n)


@dataclass(frozen=True)
class VelocityVerlet:
    """NVE integrator B(dt/2) A(dt) B(dt/2)."""

    force_field: ForceField
    params: DipolarBoxModel
    dt: float = DEFAULT_DT

    def __post_init__(self) -> None:
        if not self.dt > 0:
            raise ValueError(f"dt must be positive, got {self.dt}")

    def step(self, state: State, c: Contribution, rng: np.random.Generator | None = None) -> tuple[State,
                                                                                                Contribution]:
        """One step from (state, forces at state) to (new state, forces at new state); rng is unused."""
        s = state.copy()
        kick(s, c, self.params, 0.5 * self.dt)
        drift(s, self.params, self.dt)
        c = self.force_field(s.x, s.theta, s.t)
        kick(s, c, self.params, 0.5 * self.dt)
        return s, c


@dataclass(frozen=True)
class BAOAB:
    """Langevin integrator B(dt/2) A(dt/2) O(dt) A(dt/2) B(dt/2) at temperature kT."""

    force_field: ForceField
    params: DipolarBoxModel
    kT: float
    gamma: float
    gamma_r: float
    dt: float = DEFAULT_DT

    def __post_init__(self) -> None:
        for name in ("dt", "kT"):
            if not getattr(self, name) > 0:
                raise ValueError(f"{name} must be positive, got {getattr(self, name)}")
        for name in ("gamma", "gamma_r"):
            if not getattr(self, name) >= 0:
                raise ValueError(f"{name} must be non-negative, got {getattr(self, name)}")

    def step(self, state: State, c: Contribution, rng: np.random.Generator) -> tuple[State, Contribution]:
        """One step; the noise is drawn from rng."""
        s = state.copy()
        kick(s, c, self.params, 0.5 * self.dt)
        drift(s, self.params, 0.5 * self.dt)
        thermalize(s, self.params, self.kT, self.gamma, self.gamma_r, self.dt, rng)
        drift(s, self.params, 0.5 * self.dt)
        c = self.force_field(s.x, s.theta, s.t)
        kick(s, c, self.params, 0.5 * self.dt)
        return s, c
