"""The molecular system of a study and its equilibrated replicas (docs/theory.md §2), as typed parameters.

A study names its system by three frozen records, built once from the validated configuration at the
edge (the study module); nothing below reads a configuration dict:

* MolecularSystem: N molecules at number density n in a square periodic box of side sqrt(N / n), charges
  +-q at separation l (mu = q l), the remaining constants at their DipolarBoxModel defaults; with
  interactions = False the molecules are ideal rotors (no force field).
* Thermostat: the BAOAB Langevin bath, kT (energy units), translational and rotational friction rates
  gamma, gamma_r (1 / time) and the time step dt.
* Equilibration: steps from a lattice before each run, and the base random seed.

Every replica is keyed by a string (its task name), so its random stream and hence its trajectory do not
depend on which rank runs it or when.
"""

from __future__ import annotations

import math
import zlib
from dataclasses import dataclass

import numpy as np

from hydrobridge.particles.dipolar.forcefield import ForceField, force_field
from hydrobridge.particles.dipolar.integrate import BAOAB
from hydrobridge.particles.dipolar.model import DipolarBoxModel, State, lattice_state
from hydrobridge.particles.dipolar.simulate import run
from hydrobridge.particles.dipolar.system import dipolar_force_field

__all__ = ["MolecularSystem", "Thermostat", "Equilibration", "ReplicaSetup", "seed_of", "equilibrated"]


def _require(name: str, value: float, ok: bool, expected: str) -> None:
    if not ok:
        raise ValueError(f"{name} = {value!r}: expected {expected}")


def _positive(value: float) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value) and value > 0


@dataclass(frozen=True)
class MolecularSystem:
    """N molecules at number density n (1 / length^2), site charge q, site separation l (module doc)."""

    n_particles: int
    density: float
    q: float
    l: float
    interactions: bool = True

    def __post_init__(self) -> None:
        _require("n_particles", self.n_particles, isinstance(self.n_particles, int) and self.n_particles >= 2,
                 "an integer >= 2")
        for name in ("density", "q", "l"):
            _require(name, getattr(self, name), _positive(getattr(self, name)), "a finite positive number")

    def model(self) -> DipolarBoxModel:
        """The square box of side sqrt(N / n) with this molecule."""
        length = math.sqrt(self.n_particles / self.density)
        return DipolarBoxModel(Lx=length, Ly=length, q=self.q, l=self.l)

    def force_field(self, params: DipolarBoxModel) -> ForceField:
        """Ewald dipoles + short range (accuracy 1e-5) if interactions, else none (ideal rotors)."""
        return (dipolar_force_field(params, accuracy=1e-5, n=self.n_particles) if self.interactions
                else force_field([], params.box))


@dataclass(frozen=True)
class Thermostat:
    """BAOAB Langevin bath: temperature kT, friction rates gamma (translation), gamma_r (rotation), step dt."""

    kT: float
    gamma: float
    gamma_r: float
    dt: float

    def __post_init__(self) -> None:
        for name in ("kT", "gamma", "gamma_r", "dt"):
            _require(name, getattr(self, name), _positive(getattr(self, name)), "a finite positive number")

    def integrator(self, forces: ForceField, params: DipolarBoxModel, dt: float | None = None) -> BAOAB:
        """BAOAB with this bath over `forces`; dt overrides the bath's step (e.g. a whole number per period)."""
        return BAOAB(forces, params, self.kT, self.gamma, self.gamma_r, self.dt if dt is None else dt)


@dataclass(frozen=True)
class Equilibration:
    """steps: BAOAB steps from the lattice before each run (>= 0); seed: base random seed (>= 0)."""

    steps: int
    seed: int

    def __post_init__(self) -> None:
        for name in ("steps", "seed"):
            value = getattr(self, name)
            _require(name, value, isinstance(value, int) and value >= 0, "an integer >= 0")


@dataclass(frozen=True)
class ReplicaSetup:
    """Everything a replica needs: the system, the bath and the equilibration."""

    system: MolecularSystem
    thermostat: Thermostat
    equilibration: Equilibration


def seed_of(equilibration: Equilibration, key: str) -> int:
    """Random seed of the replica named key: a function of (equilibration.seed, key) only."""
    return equilibration.seed * 1_000_003 + zlib.crc32(key.encode())


def equilibrated(setup: ReplicaSetup, key: str) -> tuple[DipolarBoxModel, ForceField, State, np.random.Generator]:
    """(params, force field, state, rng) after setup.equilibration.steps BAOAB steps from a lattice at kT."""
    system, bath = setup.system, setup.thermostat
    params = system.model()
    base = system.force_field(params)
    rng = np.random.default_rng(seed_of(setup.equilibration, key))
    state = lattice_state(params, system.n_particles, bath.kT, rng)
    if setup.equilibration.steps:
        state = run(bath.integrator(base, params), state, setup.equilibration.steps, rng)
    return params, base, state, rng
