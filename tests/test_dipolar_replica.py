"""Typed study parameters of the dipolar system and keyed replicas (particles.dipolar.replica)."""

import math

import numpy as np
import pytest

from hydrobridge.particles.dipolar.replica import Equilibration, MolecularSystem, ReplicaSetup, Thermostat, equilibrated


def test_system_box_holds_n_molecules_at_the_density():
    system = MolecularSystem(n_particles=32, density=0.5, q=3.0, l=0.5, interactions=False)
    model = system.model()
    assert model.Lx == model.Ly == math.sqrt(64.0) and model.mu == 1.5
    assert system.force_field(model).terms == ()                   # ideal rotors


def test_replica_depends_on_its_key_and_seed_only():
    setup = ReplicaSetup(MolecularSystem(8, 0.5, 3.0, 0.5, interactions=False), Thermostat(1.0, 0.5, 2.0, 0.01),
                         Equilibration(steps=20, seed=4))
    a, b, c = (equilibrated(setup, key)[2] for key in ("eq/0", "eq/0", "eq/1"))
    np.testing.assert_array_equal(a.theta, b.theta)
    assert not np.array_equal(a.theta, c.theta)


@pytest.mark.parametrize("build, match", [
    (lambda: MolecularSystem(1, 0.5, 3.0, 0.5), "n_particles = 1"),
    (lambda: MolecularSystem(8, -0.5, 3.0, 0.5), "density = -0.5"),
    (lambda: MolecularSystem(8, 0.5, math.nan, 0.5), "q = nan"),
    (lambda: Thermostat(1.0, 0.5, 2.0, 0.0), "dt = 0.0"),
    (lambda: Thermostat(-1.0, 0.5, 2.0, 0.01), "kT = -1.0"),
    (lambda: Equilibration(steps=-1, seed=0), "steps = -1"),
    (lambda: Equilibration(steps=10, seed=1.5), "seed = 1.5"),
])
def test_bad_parameters_name_the_argument(build, match):
    with pytest.raises(ValueError, match=match):
        build()
