"""Replica ensembles over MPI ranks: rank-count independent results; ideal-rotor eps from replicas."""

import numpy as np
import pytest
from mpi4py import MPI

from hydrobridge.particles.dipolar.ensemble import replica_mean, run_ensemble
from hydrobridge.particles.dipolar.forcefield import force_field
from hydrobridge.particles.dipolar.integrate import BAOAB
from hydrobridge.particles.dipolar.model import DipolarBoxModel, lattice_state
from hydrobridge.particles.dipolar.observables import polarization, static_permittivity

PARAMS = DipolarBoxModel(Lx=8.0, Ly=8.0)  # mu = 1
KT = 1.0


def ideal_rotor_eps(seed: int) -> np.ndarray:
    """Static eps of 64 Langevin ideal rotors from 3000 steps (one replica)."""
    rng = np.random.default_rng(seed)
    s = lattice_state(PARAMS, 64, KT, rng)
    ff = force_field([], PARAMS.box)
    c = ff(s.x, s.theta, 0.0)
    lang = BAOAB(ff, PARAMS, kT=KT, gamma=1.0, gamma_r=4.0, dt=0.02)
    m = []
    for _ in range(3000):
        s, c = lang.step(s, c, rng)
        m.append(polarization(s.theta, PARAMS.mu))
    return np.array(static_permittivity(np.array(m), KT, PARAMS.eps0, PARAMS.area))


@pytest.mark.mpi
def test_ensemble_is_independent_of_rank_count_and_matches_ideal_rotors():
    comm = MPI.COMM_WORLD
    values = run_ensemble(ideal_rotor_eps, 5, comm)
    serial = np.array([ideal_rotor_eps(r) for r in range(5)]) if comm.Get_rank() == 0 else None
    serial = comm.bcast(serial, root=0)
    assert np.array_equal(values, serial)
    mean, err = replica_mean(values[:, 0])
    expected = 1.0 + (64 / PARAMS.area) * PARAMS.mu**2 / (2 * PARAMS.eps0 * KT)
    assert abs(mean - expected) < 3 * err and err < 0.1 * (expected - 1)


def test_ensemble_validation():
    with pytest.raises(ValueError):
        run_ensemble(lambda r: r, 0)
    with pytest.raises(ValueError):
        replica_mean(np.zeros((1, 2)))
