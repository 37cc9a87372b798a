"""Hard rods (docs/theory.md §5): speed-ups over the numerical methods of Biagetti et al.
(arXiv:2408.00593, App. C) on shortened runs.

1. MD: event-driven 8th-order stepping at h = 0.1 (particles/hard_rods/md.py) against SciPy's DOP853 with
   dt = 5e-4 (max_step) and collisions as terminal events, as in that paper. Both use the same compiled
   force routine, so the ratio measures the integrators; energy errors are printed side by side.
2. gBBGKY (5.15) (no collective term): the exponential Fourier-Galerkin solver (gbbgky.sb1_step) against
   explicit RK4 with dt = 0.02 applied to the same semi-discrete equations on that paper's grid
   (100 velocities on [-7, 7], z step 2: 125 ring modes for L = 500), A, DD and bold C re-evaluated at every
   stage as in that paper. Accuracy: rho at the end of both runs compared with each other.

    python -m benchmarks.hard_rods [--t-md 2] [--t-kin 2]

Measured results: docs/validation.md, "Hard-rod speed-ups".
"""
import argparse
import time

import numpy as np
from scipy.integrate import solve_ivp

from hydrobridge.particles.hard_rods import ensemble as ens
from hydrobridge.particles.hard_rods import gbbgky as gb
from hydrobridge.particles.hard_rods import ghd
from hydrobridge.particles.hard_rods.md import forces, min_gap, step, work_array
from hydrobridge.particles.hard_rods.potential import PHI6


def md_ours(sys: ens.RodSystem, y: np.ndarray, u: np.ndarray, t_end: float) -> tuple[float, float]:
    """Wall time and relative energy error of the event-driven stepping."""
    tab = ens.table(sys)
    f = np.empty_like(y)
    e0 = forces(y, sys.a, tab, sys.table_dx, sys.ring, f) + 0.5 * u @ u
    work = work_array(y.size)
    step(y.copy(), u.copy(), f.copy(), sys.h, sys.a, tab, sys.table_dx, sys.ring, work)   # compile
    t0 = time.perf_counter()
    for _ in range(int(round(t_end / sys.h))):
        step(y, u, f, sys.h, sys.a, tab, sys.table_dx, sys.ring, work)
    wall = time.perf_counter() - t0
    return wall, abs(forces(y, sys.a, tab, sys.table_dx, sys.ring, f) + 0.5 * u @ u - e0) / abs(e0)


def md_scipy(sys: ens.RodSystem, y: np.ndarray, u: np.ndarray, t_end: float, dt: float) -> tuple[float, float]:
    """Baseline of Biagetti et al.: DOP853 (max_step dt) between collisions located as terminal events."""
    tab = ens.table(sys)
    n = y.size
    contracted = sys.ring - n * sys.a
    f = np.empty(n)

    def rhs(_t, s):
        forces(s[:n], sys.a, tab, sys.table_dx, sys.ring, f)
        return np.concatenate([s[n:], f])

    def gap(_t, s):
        return min_gap(s[:n], contracted)
    gap.terminal, gap.direction = True, -1

    e0 = forces(y, sys.a, tab, sys.table_dx, sys.ring, f) + 0.5 * u @ u
    s = np.concatenate([y, u])
    t = 0.0
    t0 = time.perf_counter()
    while t < t_end:
        sol = solve_ivp(rhs, (t, t_end), s, method="DOP853", max_step=dt, first_step=dt, rtol=1e-6, atol=1e-9,
                        events=gap)
        t, s = sol.t[-1], sol.y[:, -1].copy()
        if sol.status == 1:                       # collision: exchange the velocities of the touching pair
            yy = s[:n]
            gaps = np.append(np.diff(yy), yy[0] + contracted - yy[-1])
            i = int(np.argmin(gaps))
            j = (i + 1) % n
            s[n + i], s[n + j] = s[n + j], s[n + i]
    wall = time.perf_counter() - t0
    return wall, abs(forces(s[:n], sys.a, tab, sys.table_dx, sys.ring, f) + 0.5 * s[n:] @ s[n:] - e0) / abs(e0)


def kinetic_rk4(setup: gb.KineticSetup, rho: np.ndarray, t_end: float, dt: float) -> tuple[float, np.ndarray]:
    """Baseline of Biagetti et al.: explicit RK4 on (rho, g_m) of (5.15), operators rebuilt at every stage."""
    k = setup.k[:, None, None]
    ikv = (1j * setup.k * setup.vhat)[:, None, None]

    def rhs(r, g):
        jac = ghd.flux_jacobian(setup.theta, setup.w, r, setup.a)
        dd = ghd.diffusion_matrix(setup.theta, setup.w, r, setup.a)
        m1 = k * dd[None] - 1j * jac[None]
        src = ghd.source_matrix(setup.theta, setup.w, r, setup.a, setup.dtheta)
        dg = -k * (m1.conj() @ g + g @ m1.transpose(0, 2, 1)) + ikv * src[None]
        return gb._rho_rate(setup, g @ setup.w), dg

    g = np.zeros((setup.k.size, rho.size, rho.size), complex)
    r = rho.copy()
    t0 = time.perf_counter()
    for _ in range(int(round(t_end / dt))):
        k1 = rhs(r, g)
        k2 = rhs(r + 0.5 * dt * k1[0], g + 0.5 * dt * k1[1])
        k3 = rhs(r + 0.5 * dt * k2[0], g + 0.5 * dt * k2[1])
        k4 = rhs(r + dt * k3[0], g + dt * k3[1])
        r = r + dt / 6 * (k1[0] + 2 * k2[0] + 2 * k3[0] + k4[0])
        g = g + dt / 6 * (k1[1] + 2 * k2[1] + 2 * k3[1] + k4[1])
    return time.perf_counter() - t0, r


def kinetic_ours(setup: gb.KineticSetup, rho: np.ndarray, t_cmp: float, t_marks: tuple[float, ...],
                 h: float) -> tuple[list[float], np.ndarray]:
    """Wall times at the t_marks (steps of h) and rho at t_cmp (<= h, reached in one step)."""
    t0 = time.perf_counter()
    state = gb.sb1_initial(setup, rho)
    gb.sb1_step(setup, state, t_cmp, collective=False)
    r_cmp = state.rho.copy()
    walls = []
    for t_end in t_marks:
        while state.t < t_end - 1e-9:
            gb.sb1_step(setup, state, min(h, t_end - state.t), collective=False)
        walls.append(time.perf_counter() - t0)
    return walls, r_cmp


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--t-md", type=float, default=2.0, help="simulated MD time of the SciPy baseline")
    p.add_argument("--t-kin", type=float, default=2.0, help="simulated gBBGKY time of the RK4 baseline")
    args = p.parse_args(argv)

    sys = ens.RodSystem(kind=PHI6, v0=4.0)
    st = ens.initial_state(sys, 1, 7)
    t_ours = 20.0 * args.t_md
    w_ours, e_ours = md_ours(sys, st.y[0].copy(), st.u[0].copy(), t_ours)
    w_sp, e_sp = md_scipy(sys, st.y[0].copy(), st.u[0].copy(), args.t_md, 5e-4)
    speed = (w_sp / args.t_md) / (w_ours / t_ours)
    print(f"MD  ours h={sys.h}: {w_ours / t_ours * 1e3:.2f} ms per unit time, energy rel. err {e_ours:.1e} (t={t_ours:g})")
    print(f"MD  SciPy DOP853 dt=5e-4: {w_sp / args.t_md * 1e3:.1f} ms per unit time, energy rel. err {e_sp:.1e} "
          f"(t={args.t_md:g})")
    print(f"MD  speed-up per unit simulated time: {speed:.0f}x (target >= 50x)")

    setup = gb.make_setup(1.0, 4.0, 20.0, PHI6, 500.0, 7.0, 100, 125)
    rho = ghd.boosted_state(setup.theta, setup.w, 0.2, 2.5, 1.0)
    w_rk, r_rk = kinetic_rk4(setup, rho, args.t_kin, 0.02)
    marks, h = (100.0, 400.0), 2.0
    (w1, w2), r_ex = kinetic_ours(setup, rho, args.t_kin, marks, h)
    diff = np.abs(r_ex - r_rk).max() / np.abs(r_rk - rho).max()
    rk = w_rk / args.t_kin
    ex1, ex2 = w1 / marks[0], (w2 - w1) / (marks[1] - marks[0])
    print(f"gBBGKY RK4 dt=0.02: {rk:.2f} s per unit time (t={args.t_kin:g}); exponential h={h:g} (re-diagonalisations "
          f"included): {ex1:.3f} s per unit time on [0, {marks[0]:g}] (transient), {ex2:.3f} on [{marks[0]:g}, {marks[1]:g}]")
    print(f"gBBGKY one exponential step of {args.t_kin:g} vs RK4: |rho_exp - rho_rk4| / |rho_rk4 - rho_0| = {diff:.1e}")
    print(f"gBBGKY speed-up per unit simulated time: {rk / ex1:.0f}x in the transient, {rk / ex2:.0f}x after it, "
          f"{rk * marks[1] / w2:.0f}x over [0, {marks[1]:g}] (target >= 100x)")


if __name__ == "__main__":
    main()
