"""Hard-rod molecular dynamics on a ring with a smooth long-range pair potential (docs/theory.md §5 (5.3)).

Rods of length a on a ring of length L, ordered by rank i = 0..N-1, are represented by contracted
coordinates y_i = x_i - a i on the contracted ring L' = L - N a (point particles; rods i and i+1 touch
when y_i = y_{i+1}; the pair (N-1, 0) touches when y_{N-1} = y_0 + L'). Hard-core collisions exchange
velocities. Between collisions the motion is Hamiltonian with

    H = sum_i u_i^2 / 2 + sum_{i<j} V_L(x_i - x_j),     F_i = -sum_{j != i} V_L'(x_i - x_j).

Time stepping is event-driven: the smooth flow is integrated with the explicit 8th-order Dormand-Prince
tableau (fixed step) and every collision is located to round-off with the quintic Hermite interpolant of
the gap, the step being cut there. A symplectic splitting around the hard-core flow (kick / drift with
collisions / kick) was tried first and rejected:
the force on a rod is exchanged with its partner mid-step, so a collision carries an O(h a F')
(plain splitting) or, cutting the Verlet step at the collision, an O(h^2) jump of the modified energy,
and the energy error random-walks with the number of collisions, far above the 1e-8 target; classical
RK4 in the same event-driven frame drifts linearly (measured: docs/validation.md). The smooth flow varies on the time xi/|du| >> h,
where an 8th-order step is accurate to ~ (h |du|/xi)^9. Momentum is conserved to round-off (pair forces are
antisymmetric, collisions swap velocities, the interpolants are linear in the data).
"""
import math

import numba
import numpy as np

from .dop853 import tableau
from .potential import table_eval

# Dormand-Prince 8(5,3) 12-stage tableau, 8th-order weights (Hairer, Norsett & Wanner; dop853.py).
RK_A, RK_B = tableau()


@numba.njit(cache=True)
def forces(y: np.ndarray, a: float, tab: np.ndarray, dx: float, ring: float, f: np.ndarray) -> float:
    """Fill f with F_i = -sum_j V_L'(x_i - x_j), x_i = y_i + a i; return the interaction energy.

    V_L is the tabulated periodic potential (potential.ring_table, node spacing dx). Rods are
    rank-ordered, so for j > i the separation d = x_j - x_i lies in [0, L) (wrapped into it when the
    stage positions of a Runge-Kutta step, which ignore the hard core, overlap; essential for a = 0) and
    V_L'(x_i - x_j) is -V_L'(d) for d <= L/2 and V_L'(L - d) beyond."""
    n = y.size
    half = 0.5 * ring
    inv_dx = 1.0 / dx
    f[:] = 0.0
    e = 0.0
    for i in range(n):
        xi_ = y[i] + a * i
        for j in range(i + 1, n):
            d = y[j] + a * j - xi_
            if d < 0.0:            # Runge-Kutta stages ignore the hard core: rods may overlap there
                d += ring
            elif d >= ring:
                d -= ring
            if d <= half:
                v, dv = table_eval(d, tab, inv_dx)
                dv = -dv
            else:
                v, dv = table_eval(ring - d, tab, inv_dx)
            e += v
            f[i] -= dv
            f[j] += dv
    return e


@numba.njit(cache=True, inline="always")
def _quintic(p0, d0, dd0, p1, d1, dd1, t):
    """Coefficients c0..c5 of the quintic Hermite interpolant on [0, t] (value, slope, curvature at ends)."""
    c2 = 0.5 * dd0
    delta = p1 - (p0 + d0 * t + c2 * t * t)
    pp = (d1 - (d0 + 2.0 * c2 * t)) * t
    qq = (dd1 - dd0) * t * t
    a3 = 10.0 * delta - 4.0 * pp + 0.5 * qq
    a4 = -15.0 * delta + 7.0 * pp - qq
    a5 = 6.0 * delta - 3.0 * pp + 0.5 * qq
    return p0, d0, c2, a3 / t**3, a4 / t**4, a5 / t**5


@numba.njit(cache=True, inline="always")
def _poly(c, s):
    return c[0] + s * (c[1] + s * (c[2] + s * (c[3] + s * (c[4] + s * c[5]))))


@numba.njit(cache=True, inline="always")
def _dpoly(c, s):
    return c[1] + s * (2.0 * c[2] + s * (3.0 * c[3] + s * (4.0 * c[4] + s * 5.0 * c[5])))


@numba.njit(cache=True)
def _first_contact(g0, du0, df0, g1, du1, df1, t):
    """First time in [0, t] at which a gap with the given end data (value, rate, acceleration; quintic
    Hermite in between) closes while decreasing; inf if it stays open. Bisection to round-off."""
    if g0 <= 0.0 and du0 < 0.0:
        return 0.0
    c = _quintic(g0, du0, df0, g1, du1, df1, t)
    hi = math.inf
    if g1 < 0.0:
        hi = t
    elif du0 < 0.0 < du1:
        lo_m, hi_m = 0.0, t            # minimum of the gap: root of the slope
        for _ in range(80):
            mid = 0.5 * (lo_m + hi_m)
            if _dpoly(c, mid) < 0.0:
                lo_m = mid
            else:
                hi_m = mid
        if _poly(c, hi_m) < 0.0:
            hi = hi_m
    if hi == math.inf:
        return math.inf
    lo = 0.0
    for _ in range(80):
        mid = 0.5 * (lo + hi)
        if _poly(c, mid) >= 0.0:
            lo = mid
        else:
            hi = mid
        if hi - lo <= 1e-16 * t:
            break
    return lo


@numba.njit(cache=True)
def _rk(y0, u0, f0, h, a, tab, dx, ring, dy, u1, f1, ys, us, fs):
    """One step of the explicit Runge-Kutta tableau (RK_A, RK_B) for y' = u, u' = F(y), hard core ignored:
    displacement dy, end velocity u1 and end force f1. us, fs: (stages, N) stage velocities and forces;
    ys: (N,) scratch. The displacement is kept apart from y0 so that interpolation does not lose digits."""
    n = y0.size
    ns = RK_B.size
    us[0, :] = u0
    fs[0, :] = f0
    for s in range(1, ns):
        for i in range(n):
            ay = 0.0
            au = 0.0
            for l in range(s):
                ay += RK_A[s, l] * us[l, i]
                au += RK_A[s, l] * fs[l, i]
            ys[i] = y0[i] + h * ay
            us[s, i] = u0[i] + h * au
        forces(ys, a, tab, dx, ring, fs[s])
    for i in range(n):
        by = 0.0
        bu = 0.0
        for l in range(ns):
            by += RK_B[l] * us[l, i]
            bu += RK_B[l] * fs[l, i]
        dy[i] = h * by
        u1[i] = u0[i] + h * bu
        ys[i] = y0[i] + dy[i]
    forces(ys, a, tab, dx, ring, f1)


@numba.njit(cache=True)
def step(y, u, f, h, a, tab, dx, ring, work):
    """Advance (y, u, f) in place by h; return the number of hard-core collisions.

    A trial Runge-Kutta step of the smooth flow is taken; the quintic Hermite interpolant of every gap (from
    positions, velocities and forces at both ends) locates the first contact s*; all rods are then moved
    to s* along their own quintic interpolants, the touching pair is put exactly in contact and its
    velocities exchanged, and the remaining h - s* is integrated the same way.
    work: (4 + 2 * stages, N) scratch, see work_array().
    """
    n = y.size
    contracted = ring - n * a
    ns = RK_B.size
    dy, u1, f1, ys = work[0], work[1], work[2], work[3]
    us = work[4:4 + ns]
    fs = work[4 + ns:4 + 2 * ns]
    rem = h
    ncoll = 0
    while True:
        _rk(y, u, f, rem, a, tab, dx, ring, dy, u1, f1, ys, us, fs)
        s_best = math.inf
        c = -1
        for i in range(n):
            j = i + 1 if i < n - 1 else 0
            wrap = 0.0 if i < n - 1 else contracted
            g0 = y[j] + wrap - y[i]
            g1 = g0 + (dy[j] - dy[i])
            if g1 > 0.0 and not (u[j] < u[i] and u1[j] > u1[i]) and not (g0 <= 0.0 and u[j] < u[i]):
                continue
            s = _first_contact(g0, u[j] - u[i], f[j] - f[i], g1, u1[j] - u1[i], f1[j] - f1[i], rem)
            if s < s_best:
                s_best = s
                c = i
        if c < 0:
            y += dy
            u[:] = u1
            f[:] = f1
            return ncoll
        for i in range(n):
            cy = _quintic(0.0, u[i], f[i], dy[i], u1[i], f1[i], rem)
            y[i] += _poly(cy, s_best)
            u[i] = _dpoly(cy, s_best)
        j = c + 1 if c < n - 1 else 0
        if c < n - 1:
            y[j] = y[c]
        else:
            y[0] = y[c] - contracted
        tmp = u[c]
        u[c] = u[j]
        u[j] = tmp
        forces(y, a, tab, dx, ring, f)
        ncoll += 1
        rem -= s_best
        if rem <= 0.0:
            return ncoll


@numba.njit(cache=True)
def work_array(n: int) -> np.ndarray:
    """Scratch space for step()."""
    return np.empty((4 + 2 * RK_B.size, n))


@numba.njit(cache=True)
def min_gap(y: np.ndarray, contracted: float) -> float:
    """Smallest rod gap (contracted-coordinate gap; negative would mean overlap)."""
    n = y.size
    g = y[0] + contracted - y[n - 1]
    for i in range(n - 1):
        g = min(g, y[i + 1] - y[i])
    return g
