"""The molecular system of a study configuration and its equilibrated replicas (docs/theory.md §2).

A study configuration (a validated dict) names the system by n_particles, density, q, l, interactions, kT
and the Langevin thermostat gamma, gamma_r, dt, equil_steps, seed. Every replica is keyed by a string (its
task name), so its random stream and hence its trajectory do not depend on which rank runs it or when.
"""

from __future__ import annotations

import math
import zlib

import numpy as np

from hydrobridge.particles.dipolar.forcefield import ForceField, force_field
from hydrobridge.particles.dipolar.integrate import BAOAB
from hydrobridge.particles.dipolar.model import DipolarParams, State, lattice_state
from hydrobridge.particles.dipolar.simulate import run
from hydrobridge.particles.dipolar.system import dipolar_force_field


def md_system(config: dict) -> tuple[DipolarParams, ForceField]:
    """Square periodic box of side sqrt(N / density) and its force field: Ewald dipoles + short range
    (accuracy 1e-5) if config["interactions"], else none (ideal rotors)."""
    n = config["n_particles"]
    length = math.sqrt(n / config["density"])
    params = DipolarParams(Lx=length, Ly=length, q=config["q"], l=config["l"])
    base = (dipolar_force_field(params, accuracy=1e-5, n=n) if config["interactions"]
            else force_field([], params.box))
    return params, base


def seed_of(config: dict, key: str) -> int:
    """Random seed of the replica named key: a function of (config["seed"], key) only."""
    return config["seed"] * 1_000_003 + zlib.crc32(key.encode())


def equilibrated(config: dict, key: str) -> tuple[DipolarParams, ForceField, State, np.random.Generator]:
    """(params, force field, state, rng) after config["equil_steps"] BAOAB steps from a lattice at kT."""
    params, base = md_system(config)
    rng = np.random.default_rng(seed_of(config, key))
    state = lattice_state(params, config["n_particles"], config["kT"], rng)
    if config["equil_steps"]:
        lang = BAOAB(base, params, config["kT"], config["gamma"], config["gamma_r"], config["dt"])
        state = run(lang, state, config["equil_steps"], rng)
    return params, base, state, rng
