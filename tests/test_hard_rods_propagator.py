"""The pair-propagator test (particles/hard_rods/propagator_test.py, docs/theory.md (5.28)-(5.31)): exact free
evolution, the probe current of MD states and of the gBBGKY pair operator alone."""
import numpy as np
import pytest

from hydrobridge.particles.hard_rods import ensemble as ens
from hydrobridge.particles.hard_rods import gbbgky as gb
from hydrobridge.particles.hard_rods import ghd
from hydrobridge.particles.hard_rods.md import forces, step, work_array
from hydrobridge.particles.hard_rods.potential import PHI3, PHI6
from hydrobridge.particles.hard_rods.propagator_test import (free_evolution, gbbgky_probe_current, md_probe_current,
                                                             probe_weights, propagate_correlation, trapezoid_integral)

EDGES = np.linspace(-4.0, 4.0, 17)


def _weights(u, density):
    m = u.mean()
    mu2, mu4 = ((u - m) ** 2).mean(), ((u - m) ** 4).mean()
    return np.stack([probe_weights(ur, density, m, mu2, mu4) for ur in u])


def test_free_evolution_is_the_hard_rod_md_without_potential():
    """V0 = 0 MD (event-driven, collisions exchange velocities) and the analytic free flight in contracted
    coordinates give the same rank-ordered rods: positions mod L' and the velocity carried by each rank."""
    sys = ens.RodSystem(v0=0.0, n=40, ring=100.0, h=0.29)
    st = ens.initial_state(sys, 1, 7)
    y0, u0 = st.y[0].copy(), st.u[0].copy()
    work = work_array(sys.n)
    for _ in range(120):
        step(st.y[0], st.u[0], st.f[0], sys.h, sys.a, ens.table(sys), sys.table_dx, sys.ring, work)
    ys, us = free_evolution(y0, u0, sys.a, sys.ring, 120 * sys.h)
    contracted = sys.ring - sys.n * sys.a
    md_y = st.y[0] % contracted
    shift = int(np.argmin(md_y))                                # the rank that is first in [0, L')
    assert np.abs(np.roll(md_y, -shift) - ys).max() < 1e-10
    assert np.abs(np.roll(st.u[0], -shift) - us).max() < 1e-12   # velocities exchanged (MD: round-off of the interpolant)
    assert np.all(np.diff(ys) >= 0.0) and ys[0] >= 0.0 and ys[-1] < contracted
    assert np.array_equal(np.sort(us), np.sort(u0))


def test_probe_weights_give_the_kurtosis_rate():
    """With du_i/dt = F_i (sum F = 0), d kappa/dt of the pooled velocities = (1/L) sum_i W(u_i) F_i (5.30)."""
    rng = np.random.default_rng(3)
    u = rng.normal(0.3, 1.0, 200) ** 3 / 3
    f = rng.normal(size=200)
    f -= f.mean()
    ring = 700.0

    def kappa(v):
        c = v - v.mean()
        return (c**4).mean() / (c**2).mean() ** 2

    eps = 1e-6
    rate = (kappa(u + eps * f) - kappa(u - eps * f)) / (2 * eps)
    w = _weights(u[None], u.size / ring)[0]
    assert w[0] @ f / ring == pytest.approx(rate, rel=1e-7)
    assert np.array_equal(w[1], u)


def test_md_probe_current_at_s0_is_the_force_sum_and_conserves_energy():
    """At s = 0 the probe current is the histogram of the direct forces; sum_i F_i = 0 (momentum) at every s; and
    the energy norm integrates to the drop of the interaction energy, rods moving continuously (5.31); the
    trapezoid rule converges at first order only, the weighted force sum jumping at each collision."""
    sys = ens.RodSystem(kind=PHI3, v0=8.0, n=30, ring=150.0)
    st = ens.initial_state(sys, 3, 5)
    weights = _weights(st.u, sys.n / sys.ring)
    s_grid = np.linspace(0.0, 20.0, 4001)
    current, norms = md_probe_current(st.y, st.u, sys.a, ens.table(sys), sys.table_dx, sys.ring, s_grid, EDGES,
                                      weights)
    width = EDGES[1] - EDGES[0]
    f = np.empty(sys.n)
    for r in range(3):
        forces(st.y[r], sys.a, ens.table(sys), sys.table_dx, sys.ring, f)
        hist = np.histogram(st.u[r], EDGES, weights=f)[0] / (sys.ring * width)
        assert np.abs(current[r, 0] - hist).max() < 1e-14
        assert norms[r, 0] == pytest.approx(weights[r] @ f / sys.ring, rel=1e-12)
        e_int = []
        for s in (0.0, s_grid[-1]):
            e_int.append(forces(*free_evolution(st.y[r], st.u[r], sys.a, sys.ring, s)[:1], sys.a, ens.table(sys),
                                sys.table_dx, sys.ring, f))
        energy = trapezoid_integral(norms[r:r + 1, :, 1], s_grid)[0, -1]
        assert energy == pytest.approx((e_int[0] - e_int[1]) / sys.ring, rel=2e-3)
    assert np.abs(current.sum(axis=2)).max() * width < 1e-15 * sys.n    # momentum: sum of the forces vanishes


def _kinetic_state(kind=PHI6, v0=4.0, t=200.0):
    setup = gb.make_setup(1.0, v0, 20.0, kind, 500.0, 6.0, 36, 40)
    rho0 = ghd.boosted_state(setup.theta, setup.w, 0.2, 2.5, 1.0)
    state = gb.sb1_initial(setup, rho0)
    gb.sb1_advance(setup, state, t, 2.0, collective=False)
    return setup, state


def _grid_weights(setup, rho):
    n_tot = setup.w @ rho
    m = setup.w @ (setup.theta * rho) / n_tot
    c = setup.theta - m
    return probe_weights(setup.theta, n_tot, m, setup.w @ (c**2 * rho) / n_tot, setup.w @ (c**4 * rho) / n_tot)


@pytest.mark.parametrize("kind, v0", [(PHI6, 4.0), (PHI3, 8.0)])
def test_pair_operator_alone_conserves_momentum_and_energy(kind, v0):
    """(5.29): int J dtheta = 0 at every s; the energy norm's exact time integral is the drop of the correlation
    energy (5.31); the analytic integrals agree with the trapezoid rule of the norms; Y(s) solves (5.20) without
    source."""
    setup, state = _kinetic_state(kind, v0)
    weights = _grid_weights(setup, state.rho)
    s_grid = np.linspace(0.0, 400.0, 2001)
    kin = gbbgky_probe_current(setup, state, s_grid, weights)
    assert np.abs(kin["current"] @ setup.w).max() < 1e-12 * np.abs(kin["current"]).max()
    drop = kin["ecorr"][0] - kin["ecorr"]
    assert np.abs(kin["integrals"][:, 1] - drop).max() < 1e-6 * np.abs(kin["ecorr"][0])   # eigenbasis round-off
    assert abs(kin["ecorr"][-1]) < 0.5 * abs(kin["ecorr"][0])          # the correlation dephases
    trap = trapezoid_integral(kin["norms"][None], s_grid)[0]
    assert np.abs(trap - kin["integrals"]).max() < 1e-4 * np.abs(kin["integrals"]).max()
    ds = 1e-3
    g = [state.u.conj() @ propagate_correlation(setup, state, s) @ state.u.transpose(0, 2, 1) for s in (50 - ds, 50, 50 + ds)]
    jac = ghd.flux_jacobian(setup.theta, setup.w, state.rho, setup.a)
    dd = ghd.diffusion_matrix(setup.theta, setup.w, state.rho, setup.a)
    m1 = setup.k[:, None, None] * dd[None] - 1j * jac[None]
    rhs = -setup.k[:, None, None] * (m1.conj() @ g[1] + g[1] @ m1.transpose(0, 2, 1))
    assert np.abs((g[2] - g[0]) / (2 * ds) - rhs).max() < 1e-6 * np.abs(rhs).max()


def test_gbbgky_probe_current_at_s0_is_the_kinetic_rate():
    """At s = 0 the kurtosis norm is d kappa/dt of (5.14) with the state's own correlation."""
    setup, state = _kinetic_state()
    kin = gbbgky_probe_current(setup, state, np.array([0.0]), _grid_weights(setup, state.rho))
    rate = gb._rho_rate(setup, gb.correlation_modes(state) @ setup.w)
    eps = 1e-3
    dkappa = (ghd.excess_kurtosis(setup.theta, setup.w, state.rho + eps * rate)
              - ghd.excess_kurtosis(setup.theta, setup.w, state.rho - eps * rate)) / (2 * eps)
    assert kin["norms"][0, 0] == pytest.approx(dkappa, rel=1e-5)


def test_propagator_demo_quick(tmp_path):
    """--quick end to end: MD shares, gBBGKY to t0, both probe currents; the gBBGKY energy norm obeys (5.31)."""
    import json

    from hydrobridge.demos.hard_rods_propagator import main
    main(["--quick", "--out", str(tmp_path)])
    summary = json.loads((tmp_path / "propagator_test.json").read_text())
    assert summary["n_real"] == 4 and (tmp_path / "propagator_test.png").exists()
    integral, drop = summary["consistency"]["energy_integral_equals_ecorr_drop_gbbgky"]
    assert integral == pytest.approx(drop, rel=1e-6)
    assert set(summary["ratios"]["200"]) == {"kurtosis", "energy"}
