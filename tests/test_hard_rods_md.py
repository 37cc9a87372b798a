"""Hard-rod MD (docs/theory.md §5): conservation laws, hard core, exact free limit, ensembles."""
import numpy as np
import pytest

from hydrobridge.particles.hard_rods import ensemble as ens
from hydrobridge.particles.hard_rods.md import forces, step, work_array
from hydrobridge.particles.hard_rods.observables import boosted_kurtosis, jackknife, kurtosis_from_moments
from hydrobridge.particles.hard_rods.potential import PHI3, PHI6

EDGES = np.linspace(-4.0, 4.0, 41)


def _single(sys: ens.RodSystem, seed: int, t_end: float, n_samples: int = 10):
    res = ens.run_ensemble(sys, 1, seed, t_end, n_samples, EDGES)
    return res["obs"][0]


@pytest.mark.parametrize("kind, v0", [(PHI6, 4.0), (PHI3, 8.0)])
def test_energy_momentum_and_hard_core(kind, v0):
    sys = ens.RodSystem(kind=kind, v0=v0)
    obs = _single(sys, 3, 40.0)
    energy = obs[:, 4] + obs[:, 5]
    assert np.abs(energy - energy[0]).max() / abs(energy[0]) < 1e-9
    assert np.abs(obs[:, 0] - obs[0, 0]).max() * sys.n < 1e-11           # total momentum
    assert obs[1:, 7].sum() > 400                                         # many collisions happened
    assert obs[:, 6].min() > -1e-10                                       # no overlap at any step
    assert abs(obs[-1, 5] - obs[0, 5]) > 1e-3                             # and the interaction did work


def test_free_hard_rods_are_exact_contracted_free_flight():
    """V0 = 0: contracted rods are free point particles that swap labels, so the sorted positions at t
    must equal the sorted free-flight positions y_q + theta_q t (mod L') and the velocity set is kept."""
    sys = ens.RodSystem(v0=0.0, n=50, ring=100.0, h=0.37)          # dense: N a / L = 0.5
    st = ens.initial_state(sys, 1, 11)
    y0, u0 = st.y[0].copy(), st.u[0].copy()
    tab = ens.table(sys)
    work = work_array(sys.n)
    ncoll = 0
    t = 0.0
    for _ in range(100):
        ncoll += step(st.y[0], st.u[0], st.f[0], sys.h, sys.a, tab, sys.table_dx, sys.ring, work)
        t += sys.h
    contracted = sys.ring - sys.n * sys.a
    exact = np.sort((y0 + u0 * t) % contracted)
    got = st.y[0] % contracted
    assert ncoll > 500
    assert np.abs(np.sort(got) - exact).max() < 1e-10
    assert np.abs(np.sort(st.u[0]) - np.sort(u0)).max() < 1e-13          # velocities only permuted
    assert np.all(np.diff(st.y[0]) >= 0.0) and st.y[0][-1] - st.y[0][0] <= contracted


def test_time_reversal_returns_to_initial_state():
    sys = ens.RodSystem(v0=8.0, kind=PHI3)
    st = ens.initial_state(sys, 1, 5)
    y0, u0 = st.y[0].copy(), st.u[0].copy()
    tab = ens.table(sys)
    work = work_array(sys.n)
    for sign in (1.0, -1.0):
        if sign < 0:
            st.u[0] *= -1.0
        for _ in range(150):
            step(st.y[0], st.u[0], st.f[0], sys.h, sys.a, tab, sys.table_dx, sys.ring, work)
    assert np.abs(st.y[0] - y0).max() < 1e-7
    assert np.abs(-st.u[0] - u0).max() < 1e-7


def test_initial_kurtosis_of_boosted_state():
    sys = ens.RodSystem()
    st = ens.initial_state(sys, 400, 1)
    u = st.u
    mom = np.stack([u.mean(1), (u**2).mean(1), (u**3).mean(1), (u**4).mean(1)], axis=1)
    k, err = jackknife(mom, kurtosis_from_moments)
    assert abs(boosted_kurtosis(2.5, 1.0) + 1.3889) < 1e-4
    assert abs(k - boosted_kurtosis(2.5, 1.0)) < 4 * err and err < 0.01
    gaps = np.diff(st.y, axis=1)
    assert gaps.min() >= 0.0
    # Tonks gas: contracted gaps are exponential with mean L'/N
    assert abs(gaps.mean() - (sys.ring - sys.n * sys.a) / sys.n) < 0.05


def test_forces_are_minus_gradient_of_interaction_energy():
    sys = ens.RodSystem(kind=PHI3, v0=8.0)
    st = ens.initial_state(sys, 1, 2)
    tab = ens.table(sys)
    f = np.empty(sys.n)
    forces(st.y[0], sys.a, tab, sys.table_dx, sys.ring, f)
    g = np.empty(sys.n)
    eps = 1e-5
    for i in (0, 17, 99):
        yp, ym = st.y[0].copy(), st.y[0].copy()
        yp[i] += eps
        ym[i] -= eps
        de = forces(yp, sys.a, tab, sys.table_dx, sys.ring, g) - forces(ym, sys.a, tab, sys.table_dx, sys.ring, g)
        assert abs(-de / (2 * eps) - f[i]) < 1e-6 * abs(f[i]) + 1e-9
    assert abs(f.sum()) < 1e-14


def test_checkpoint_restart_is_bitwise(tmp_path):
    sys = ens.RodSystem(n=40, ring=200.0)
    full = ens.run_ensemble(sys, 3, 9, 20.0, 4, EDGES)
    prefix = str(tmp_path / "ck")
    part = ens.initial_state(sys, 3, 9)
    ens.run(part, sys, 2, 50, EDGES, checkpoint=f"{prefix}.rank0.npz")   # "killed" after 2 of 4 samples
    resumed = ens.run_ensemble(sys, 3, 9, 20.0, 4, EDGES, checkpoint=prefix)
    assert np.array_equal(full["obs"], resumed["obs"])
    assert np.array_equal(full["hist"], resumed["hist"])


@pytest.mark.mpi
def test_ensemble_is_independent_of_the_rank_layout():
    """Realisation r always draws from spawn(R)[r]: an MPI run equals the serial run bit for bit."""
    from mpi4py import MPI
    comm = MPI.COMM_WORLD
    sys = ens.RodSystem(n=30, ring=150.0)
    par = ens.run_ensemble(sys, 5, 8, 5.0, 2, EDGES, comm=comm)
    if comm.Get_rank() == 0:
        ser = ens.run_ensemble(sys, 5, 8, 5.0, 2, EDGES)
        assert np.array_equal(par["obs"], ser["obs"]) and np.array_equal(par["hist"], ser["hist"])


def test_dop853_tableau_order_conditions():
    """Own copy of Hairer's DOP853 constants: consistent nodes and 8th-order quadrature conditions."""
    from hydrobridge.particles.hard_rods.dop853 import tableau
    a, b = tableau()
    c = a.sum(axis=1)
    assert np.allclose(np.triu(a), 0.0)
    assert c[1] == pytest.approx(5.26001519587677318785587544488e-2, abs=1e-16)
    assert max(abs(b @ c**k - 1.0 / (k + 1)) for k in range(8)) < 1e-14
    assert abs(b @ c**8 - 1.0 / 9.0) > 1e-6                                # order 8, not 9
    assert abs(b @ (a @ c**6) - 1.0 / 56.0) < 1e-14                       # a tree of order 8
