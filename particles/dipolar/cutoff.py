"""Cut-off LJ + 2D point-dipole interaction, shifted force, with a fast fused MD path (docs/theory.md §2).

This is the cut-off workload of the LAMMPS comparison: the same molecules as docs/theory.md §2
(centre x_i, angle theta_i, dipole p_i = mu d(theta_i), mass m, inertia I = m l^2 / 4, periodic box), but the
pair interaction is cut at one radius r_c and made force-continuous there (docs/theory.md (2.16)). The LJ part
equals LAMMPS's ``lj/smooth/linear`` (linear shifted force); the dipole part is shifted-force as in
``lj/sf/dipole/sf``, whose LJ part is shifted quadratically instead (the difference is measured in
docs/validation.md). It is NOT the periodic Ewald electrostatics of ``ewald.py``: cutting a 1/r^2 dipole
interaction changes the physics (no dielectric boundary condition); use it for speed, not for eps(w).

Pair energy, r = x_i - x_j, r = |r| < r_c (both parts vanish for r >= r_c):

    U_ij = U_LJ,sf(r) + g_sf(r) Omega_ij / (2 pi eps0)
    Omega_ij = p_i.p_j - 2 (p_i.r)(p_j.r) / r^2                     (angular factor of the 2D dipole)
    U_LJ(r)  = 4 eps ((sigma/r)^12 - (sigma/r)^6)
    U_LJ,sf(r) = U_LJ(r) - U_LJ(r_c) - (r - r_c) U_LJ'(r_c)
    g_sf(r)  = 1/r^2 - 1/r_c^2 + 2 (r - r_c) / r_c^3                 (g = 1/r^2 shifted the same way)

so that without the shift U_ij is exactly the free-space pair energy of docs/theory.md (2.4)
(p_i.p_j - 2 (p_i.rhat)(p_j.rhat)) / (2 pi eps0 r^2) plus LJ.

"Shifted force" means: each radial function f(r) (U_LJ and 1/r^2) is replaced by
f(r) - f(r_c) - (r - r_c) f'(r_c), which is zero with zero slope at r_c. Hence the energy, the force and the
torque are all continuous at r_c (the angular part of the force and the torque are proportional to g_sf,
which vanishes there), so velocity Verlet conserves energy; plain truncation would put delta-function
forces at r_c and heat the system. The shifted U_ij depends only on |r| and on rotation-invariant dot
products, so total momentum (Newton's third law, applied pairwise) and, in free space, angular momentum
are conserved.

Derivatives (pref = 1 / (2 pi eps0), a = p_i.p_j, b = p_i.r, c = p_j.r, a x b = a_x b_y - a_y b_x):

    grad_r U_ij = [U_LJ,sf'(r) / r + pref (g_sf'(r) Omega / r + 4 g_sf b c / r^4)] r
                  - 2 pref g_sf (c p_i + b p_j) / r^2,           F_i = -grad_r U_ij = -F_j
    g_sf'(r) = -2 / r^3 + 2 / r_c^3
    tau_i = -dU_ij/dtheta_i = -pref g_sf (p_i x p_j - 2 (p_i x r) c / r^2)
    tau_j = -dU_ij/dtheta_j = -pref g_sf (p_j x p_i - 2 (p_j x r) b / r^2)

Two ways to use it:

* ``CutoffDipolarLJ`` is an ordinary term (``forcefield.Term``): ``force_field([term], box)`` works with
  the generic integrators, ``run``, ``fdcheck``; it uses the ForceField's cell-list pairs rebuilt every call.
* ``CutoffVerlet`` is the fast velocity-Verlet integrator for a force field made of this one term. It keeps
  the particles sorted by cell (cache locality) and a Verlet neighbour list with a skin, rebuilt from a
  cell list only when some particle has moved more than skin / 2 since the last build (so every pair
  closer than r_c is always in the list), and runs whole trajectories in one compiled loop. Its ``step`` has
  the generic integrator interface (usable in ``simulate.run``); ``advance(state, n)`` is the fast path.
  Forces agree with the generic path to round-off. Every call starts from a fresh sort and list built from
  the given configuration, so ``step`` (one call per step: slower, but forces a deterministic function of
  the state, hence bit-for-bit restarts with ``simulate.run``) and ``advance`` are each reproducible;
  ``advance(s, a + b)`` and two calls ``a``, ``b`` differ by round-off (summation order follows the sort).

Implementation (the measured effect of each choice: docs/validation.md, "Dipolar MD throughput"):

* One pass over the molecules per step. The force on molecule i is complete once row i of the list is
  done (the list holds each pair once, j > i in sorted order, and the rows before i have already added
  their Newton's-third-law shares), so the pass gives i its B(dt/2) that ends step n and its B(dt/2) A(dt)
  that starts step n + 1 right there; the new positions go to a second buffer, so the positions of step n
  stay readable. Momentum is conserved to round-off (pairwise action = reaction). The drift turns
  (cos, sin) theta by the rotation dt omega (its cosine and sine from the Taylor series of the small
  angle) instead of calling cos and sin; the list rebuild resets them from theta.
* The pair loop vectorises: each row's neighbours are packed into contiguous arrays (x, y, cos, sin) and
  padded to a multiple of 8 lanes with a dummy half a box away; the minimum image and the cut-off are
  selects, not branches (a pair beyond r_c is evaluated at r_c, where every shifted-force term vanishes,
  and its result replaced by 0); the constants are loop-invariant scalars; the kernels use numba's numpy
  error model (no division-by-zero checks) and fastmath flags that allow contraction and reassociation
  but not the no-NaN / no-inf assumptions. Positions and (cos, sin) theta are packed per particle (one
  cache line per neighbour). The list build is branch-free too (every candidate written, the length
  advanced when it is near).
* Threads (``threads > 1``): the sorted molecules are split into equal contiguous chunks, one per thread;
  pairs inside a chunk are listed once, pairs across chunks in both rows (computed twice, each side keeps
  its own force, half the energy each), so a thread never waits for another within a step: ONE parallel
  region per step, no atomics, no force reduction. Below ``min_per_thread`` molecules per thread the
  serial kernels are used (``stats["threads"]`` says which ran): the per-step cost of waking the threads
  then exceeds the work saved. That cost depends on the OpenMP wait policy of the process (sleeping
  threads pay a wake-up per step; benchmarks/md_dipolar.py measures both policies), and so does the
  default threshold (``CutoffVerlet.min_per_thread``).
* The minimum image is two compare-and-shift selects (valid because r_c + skin <= L / 2). The kernels hold
  mu^2 in the prefactor and use unit vectors d_i.

LAMMPS's ``lj/sf/dipole/sf`` shifts its LJ part quadratically (ours is linear, as ``lj/smooth/linear``) and
has its own shifted-force recipe for 3D 1/r^3 dipoles (LAMMPS refuses 2D long-range dipoles); the benchmark
compares the cost of these workloads of equal structure (benchmarks/md_dipolar.py).
"""

from __future__ import annotations

import math
import os
import types
from dataclasses import dataclass, field

import numba
import numpy as np

from hydrobridge.particles.dipolar.forcefield import Contribution, ForceField, force_field
from hydrobridge.particles.dipolar.model import DipolarBoxModel, State
from hydrobridge.particles.dipolar.pairsum import pair_sum
from hydrobridge.particles.dipolar.space import Pairs


@numba.njit(cache=True, inline="always")
def _lj_dipole_pair(rx, ry, r2, pix, piy, pjx, pjy, c):
    """(energy, F_i x, F_i y, tau_i, tau_j) of one pair inside r_c; c = constants from ``_constants``."""
    sig2, eps4, eps24, u_lj_c, du_lj_c, pref, _, inv_rc2, inv_rc3, r_cut = (c[0], c[1], c[2], c[3], c[4],
                                                                               c[5], c[6], c[7], c[8], c[9])
    inv2 = 1.0 / r2
    r = math.sqrt(r2)
    inv_r = r * inv2
    sr2 = sig2 * inv2
    sr6 = sr2 * sr2 * sr2
    sr12 = sr6 * sr6
    dr = r - r_cut
    e_lj = eps4 * (sr12 - sr6) - u_lj_c - dr * du_lj_c
    # -U_LJ,sf'(r) / r
    f_lj = eps24 * (2.0 * sr12 - sr6) * inv2 + du_lj_c * inv_r
    g = inv2 - inv_rc2 + 2.0 * dr * inv_rc3
    gp = -2.0 * inv2 * inv_r + 2.0 * inv_rc3
    a = pix * pjx + piy * pjy
    b = pix * rx + piy * ry
    cc = pjx * rx + pjy * ry
    omega = a - 2.0 * b * cc * inv2
    pg = pref * g
    s = f_lj - pref * (gp * omega * inv_r + 4.0 * g * b * cc * inv2 * inv2)
    t = 2.0 * pg * inv2
    fx = s * rx + t * (cc * pix + b * pjx)
    fy = s * ry + t * (cc * piy + b * pjy)
    cross = pix * pjy - piy * pjx
    ti = -pg * (cross - 2.0 * (pix * ry - piy * rx) * cc * inv2)
    tj = -pg * (-cross - 2.0 * (pjx * ry - pjy * rx) * b * inv2)
    return e_lj + pg * omega, fx, fy, ti, tj


def _constants(mu: float, eps0: float, epsilon: float, sigma: float, r_cut: float) -> np.ndarray:
    sig2 = sigma * sigma
    src6 = (sig2 / r_cut**2) ** 3
    u_lj_c = 4.0 * epsilon * (src6 * src6 - src6)
    du_lj_c = -24.0 * epsilon * (2.0 * src6 * src6 - src6) / r_cut
    pref = mu * mu / (2.0 * math.pi * eps0)  # the kernels use unit vectors d_i; mu^2 is folded in here
    return np.array([sig2, 4.0 * epsilon, 24.0 * epsilon, u_lj_c, du_lj_c, pref, 1.0 / r_cut, 1.0 / r_cut**2,
                     1.0 / r_cut**3, r_cut], dtype=np.float64)


@numba.njit(cache=True)
def _pairs_kernel(pi_idx, pj_idx, d, cos_t, sin_t, c, force, torque):
    energy, _ = pair_sum(_lj_dipole_pair, c, c[9], pi_idx, pj_idx, d, cos_t, sin_t, force, torque)
    return energy


@dataclass(frozen=True)
class CutoffDipolarLJ:
    """Shifted-force LJ + 2D point-dipole pair term cut at r_cut (module docstring), a ``forcefield.Term``."""

    mu: float
    eps0: float = 1.0
    epsilon: float = 1.0
    sigma: float = 1.0
    r_cut: float = 3.0

    def __post_init__(self) -> None:
        for name in ("eps0", "epsilon", "sigma", "r_cut"):
            if not getattr(self, name) > 0:
                raise ValueError(f"{name} must be positive, got {getattr(self, name)}")
        if not self.mu >= 0:
            raise ValueError(f"mu must be non-negative, got {self.mu}")

    @property
    def constants(self) -> np.ndarray:
        """Packed kernel constants."""
        return _constants(self.mu, self.eps0, self.epsilon, self.sigma, self.r_cut)

    def __call__(self, x: np.ndarray, theta: np.ndarray, t: float, pairs: Pairs | None) -> Contribution:
        n = theta.shape[0]
        force, torque = np.zeros((n, 2)), np.zeros(n)
        energy = _pairs_kernel(pairs.i, pairs.j, pairs.d, np.cos(theta), np.sin(theta), self.constants, force,
                               torque)
        return Contribution(energy, force, torque)


# ---------------------------------------------------------------------------------------------------------
# Fast path: particles sorted by cell, Verlet list with skin, ONE fused pass over the molecules per step.
# The pass and list kernels are written once and compiled twice: serial (one chunk) and parallel (one chunk
# per numba thread, one parallel region per step).

_LANES = 8  # rows are padded to a multiple of this (8 doubles = one AVX-512 register): no scalar loop tail


@numba.njit(cache=True, inline="always")
def _minimum_image(dx, dy, lx, ly):
    """The nearest periodic image of a separation (dx, dy) with |dx| < lx, |dy| < ly, as selects (no
    branches, so that the loops calling it vectorise)."""
    dx = dx - lx if dx > 0.5 * lx else dx
    dx = dx + lx if dx < -0.5 * lx else dx
    dy = dy - ly if dy > 0.5 * ly else dy
    dy = dy + ly if dy < -0.5 * ly else dy
    return dx, dy


@numba.njit(cache=True, inline="always")
def _row_pairs(xi, yi, pix, piy, xj, yj, pjx, pjy, c, lx, ly, fx_j, fy_j, tau_j, e_j, m):
    """Pair terms of molecule i with m packed neighbours (positions xj, yj, unit dipoles pjx, pjy): the force
    on i from j into fx_j, fy_j, the torque on j into tau_j, U_ij into e_j; returns the sums (F_i x, F_i y,
    tau_i, U). Branch-free, so that the loop vectorises: the minimum image and the cut-off are selects, and a
    pair beyond r_c is evaluated at r^2 = r_c^2 and its result replaced by 0."""
    ct = (c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7], c[8], c[9])  # scalars: no loads inside the loop
    rc2 = c[9] * c[9]
    fxi, fyi, ti_sum, e = 0.0, 0.0, 0.0, 0.0
    for k in range(m):
        rx, ry = _minimum_image(xi - xj[k], yi - yj[k], lx, ly)
        r2 = rx * rx + ry * ry
        inside = r2 < rc2
        eij, fx, fy, ti, tj = _lj_dipole_pair(rx, ry, r2 if inside else rc2, pix, piy, pjx[k], pjy[k], ct)
        fx = fx if inside else 0.0
        fy = fy if inside else 0.0
        ti = ti if inside else 0.0
        eij = eij if inside else 0.0
        fx_j[k] = fx
        fy_j[k] = fy
        tau_j[k] = tj if inside else 0.0
        e_j[k] = eij
        fxi += fx
        fyi += fy
        ti_sum += ti
        e += eij
    return fxi, fyi, ti_sum, e


@numba.njit(cache=True, inline="always")
def _turn(c, s, theta, delta):
    """(cos, sin) of theta from (c, s) = (cos, sin) of theta - delta: a rotation by delta, whose cosine and
    sine come from their Taylor series (to delta^10 and delta^9: the first omitted terms are below 3e-19 for
    |delta| <= 0.1), or cos and sin of theta directly for larger turns. The list rebuild resets (c, s) to
    cos and sin of theta, so rounding errors do not accumulate."""
    if abs(delta) > 0.1:
        return math.cos(theta), math.sin(theta)
    d2 = delta * delta
    cd = 1.0 + d2 * (-1.0 / 2.0 + d2 * (1.0 / 24.0 + d2 * (-1.0 / 720.0 + d2 * (1.0 / 40320.0 - d2 / 3628800.0))))
    sd = delta * (1.0 + d2 * (-1.0 / 6.0 + d2 * (1.0 / 120.0 + d2 * (-1.0 / 5040.0 + d2 / 362880.0))))
    return c * cd - s * sd, s * cd + c * sd


@numba.njit(cache=True, inline="always")
def _kick_drift_one(i, xs, xn, x0, v, th, om, fx, fy, ti, hv, hw, dt):
    """Molecule i: B(dt/2) with force (fx, fy) and torque ti, then A(dt) from xs[i] into xn[i] (position,
    cos / sin theta); returns its squared displacement since the last list build."""
    v[i, 0] += hv * fx
    v[i, 1] += hv * fy
    om[i] += hw * ti
    xn[i, 0] = xs[i, 0] + dt * v[i, 0]
    xn[i, 1] = xs[i, 1] + dt * v[i, 1]
    th[i] += dt * om[i]
    xn[i, 2], xn[i, 3] = _turn(xs[i, 2], xs[i, 3], th[i], dt * om[i])
    ddx = xn[i, 0] - x0[i, 0]
    ddy = xn[i, 1] - x0[i, 1]
    return ddx * ddx + ddy * ddy


def _pass_py(xs, xn, x0, v, th, om, f, tau, fb, tb, nl, nh, nn, bounds, box, c, hv, hw, dt, mass, inertia,
             kick, drift, buf, out):
    """One pass over the molecules in sorted order, chunk ch = rows bounds[ch]..bounds[ch + 1] - 1 (one per
    thread): the force and torque on i at the configuration xs, complete after row i (the rows before it
    have added their Newton's-third-law shares into fb, tb); then at once, if kick, B(dt/2) (the end of a
    step: kinetic energy) and, if drift, B(dt/2) A(dt) into xn (the start of the next step; xs is only read,
    so chunks never wait for each other). f, tau receive the forces; fb, tb are left zero.
    out[ch] = (potential energy, kinetic energy after the kick, largest squared displacement since the
    list build); pairs across chunks are computed from both sides and counted half each."""
    lx, ly = box[0], box[1]
    for ch in numba.prange(bounds.shape[0] - 1):
        b = buf[ch]
        epot, ekin, d2max = 0.0, 0.0, 0.0
        for i in range(bounds[ch], bounds[ch + 1]):
            xi, yi = xs[i, 0], xs[i, 1]
            m = nn[i]
            for k in range(m):
                j = nl[i, k]
                b[0, k] = xs[j, 0]
                b[1, k] = xs[j, 1]
                b[2, k] = xs[j, 2]
                b[3, k] = xs[j, 3]
            padded = (m + _LANES - 1) // _LANES * _LANES
            for k in range(m, padded):  # half a box away in x and y: beyond r_c
                b[0, k] = xi + 0.5 * lx
                b[1, k] = yi + 0.5 * ly
                b[2, k] = 1.0
                b[3, k] = 0.0
            fx, fy, ti, e = _row_pairs(xi, yi, xs[i, 2], xs[i, 3], b[0], b[1], b[2], b[3], c, lx, ly, b[4], b[5],
                                       b[6], b[7], padded)
            for k in range(nh[i]):
                j = nl[i, k]
                fb[j, 0] -= b[4, k]
                fb[j, 1] -= b[5, k]
                tb[j] += b[6, k]
            for k in range(nh[i], m):
                e -= 0.5 * b[7, k]
            epot += e
            fx += fb[i, 0]
            fy += fb[i, 1]
            ti += tb[i]
            fb[i, 0] = 0.0
            fb[i, 1] = 0.0
            tb[i] = 0.0
            f[i, 0] = fx
            f[i, 1] = fy
            tau[i] = ti
            if kick:
                v[i, 0] += hv * fx
                v[i, 1] += hv * fy
                om[i] += hw * ti
                ekin += mass * (v[i, 0] * v[i, 0] + v[i, 1] * v[i, 1]) + inertia * om[i] * om[i]
            if drift:
                d2max = max(d2max, _kick_drift_one(i, xs, xn, x0, v, th, om, fx, fy, ti, hv, hw, dt))
        out[ch, 0] = epot
        out[ch, 1] = 0.5 * ekin
        out[ch, 2] = d2max


def _kick_drift_py(xs, xn, x0, v, th, om, f, tau, hv, hw, dt, bounds, out):
    """B(dt/2) A(dt) with the given forces f, tau (the first step of a call that receives them)."""
    for ch in numba.prange(bounds.shape[0] - 1):
        d2max = 0.0
        for i in range(bounds[ch], bounds[ch + 1]):
            d2max = max(d2max, _kick_drift_one(i, xs, xn, x0, v, th, om, f[i, 0], f[i, 1], tau[i], hv, hw, dt))
        out[ch, 2] = d2max


def _sort_py(xs, x0, v, om, th, f, tau, perm, box, ncx, ncy):
    """Wrap positions into the box and counting-sort every per-particle array by cell (cells in row-major
    order, stable within a cell); xs = (x, y, cos theta, sin theta), the last two recomputed from theta.
    Returns the cell starts (ncx ncy + 1)."""
    n = xs.shape[0]
    ncell = ncx * ncy
    cell = np.empty(n, dtype=np.int64)
    start = np.zeros(ncell + 1, dtype=np.int64)
    for i in range(n):
        for a in range(2):
            xs[i, a] -= box[a] * math.floor(xs[i, a] / box[a])
            if xs[i, a] >= box[a]:
                xs[i, a] = 0.0
        cx = min(int(xs[i, 0] * ncx / box[0]), ncx - 1)
        cy = min(int(xs[i, 1] * ncy / box[1]), ncy - 1)
        cell[i] = cx * ncy + cy
        start[cell[i] + 1] += 1
    for k in range(ncell):
        start[k + 1] += start[k]
    pos = start[:-1].copy()
    order = np.empty(n, dtype=np.int64)
    for i in range(n):
        order[pos[cell[i]]] = i
        pos[cell[i]] += 1
    tmp4 = np.empty((n, 4))
    for k in range(n):
        for a in range(4):
            tmp4[k, a] = xs[order[k], a]
    xs[:, :] = tmp4
    tmp2 = np.empty((n, 2))
    for arr in (v, f):
        for k in range(n):
            tmp2[k, 0] = arr[order[k], 0]
            tmp2[k, 1] = arr[order[k], 1]
        arr[:, :] = tmp2
    tmp1 = np.empty(n)
    for arr in (om, th, tau):
        for k in range(n):
            tmp1[k] = arr[order[k]]
        arr[:] = tmp1
    tmpi = np.empty(n, dtype=np.int64)
    for k in range(n):
        tmpi[k] = perm[order[k]]
    perm[:] = tmpi
    for k in range(n):
        x0[k, 0] = xs[k, 0]
        x0[k, 1] = xs[k, 1]
        xs[k, 2] = math.cos(th[k])
        xs[k, 3] = math.sin(th[k])
    return start


@numba.njit(cache=True, inline="always")
def _append_near(xs, xi, yi, lx, ly, r_list2, lo, hi, dest, m):
    """Append to dest[m:] every j in lo..hi-1 closer to (xi, yi) than r_list; returns the new length.
    Branch-free: j is written at min(m, len - 1) always and m advances when it is near (rows longer than
    dest are counted, not written)."""
    last = dest.shape[0] - 1
    for j in range(lo, hi):
        dx, dy = _minimum_image(xi - xs[j, 0], yi - xs[j, 1], lx, ly)
        dest[min(m, last)] = j
        m += dx * dx + dy * dy < r_list2
    return m


def _build_list_py(xs, box, start, ncx, ncy, r_list2, bounds, nl, nh, nn, other):
    """Verlet list in sorted order, chunk by chunk (``_pass``): row i holds first the nh[i] molecules j > i of
    its own chunk closer than r_list (each such pair once: Newton's third law), then those of the other
    chunks (computed from both sides), nn[i] in all. Returns the longest row; rows that do not fit in
    nl.shape[1] - _LANES (room for the padding) are truncated, and the caller widens and rebuilds."""
    cap = nl.shape[1] - _LANES
    lx, ly = box[0], box[1]
    longest = np.zeros(bounds.shape[0] - 1, dtype=np.int64)
    for ch in numba.prange(bounds.shape[0] - 1):
        lo, hi = bounds[ch], bounds[ch + 1]
        row = other[ch]
        for i in range(lo, hi):
            xi, yi = xs[i, 0], xs[i, 1]
            cx = min(int(xi * ncx / lx), ncx - 1)
            cy = min(int(yi * ncy / ly), ncy - 1)
            own = nl[i, :cap]
            m, q = 0, 0
            for ox in range(-1, 2):
                if ncx == 1 and ox != 0:
                    continue
                c1 = ((cx + ox + ncx) % ncx) * ncy
                # cells (cx + ox, cy - 1 .. cy + 1) are one contiguous span of the sorted order unless y wraps
                merged = 0 < cy < ncy - 1
                for oy in range(-1, 2):
                    if (ncy == 1 or merged) and oy != 0:
                        continue
                    c2 = c1 + (cy + oy + ncy) % ncy
                    s, e = (start[c2 - 1], start[c2 + 2]) if merged else (start[c2], start[c2 + 1])
                    m = _append_near(xs, xi, yi, lx, ly, r_list2, max(s, i + 1), min(e, hi), own, m)
                    q = _append_near(xs, xi, yi, lx, ly, r_list2, s, min(e, lo), row, q)
                    q = _append_near(xs, xi, yi, lx, ly, r_list2, max(s, hi), e, row, q)
            nh[i] = m
            nn[i] = m + q
            for k in range(min(q, cap - m)):
                nl[i, m + k] = row[k]
            longest[ch] = max(longest[ch], m + q)
    return longest.max()


def _variant(fn, suffix: str, parallel: bool, fastmath=False):
    """Compile fn under a distinct qualified name, so the serial and parallel builds have separate caches
    (numpy error model: a float division by zero gives inf, with no check that would stop vectorisation)."""
    clone = types.FunctionType(fn.__code__, fn.__globals__, fn.__name__ + suffix, fn.__defaults__, fn.__closure__)
    clone.__qualname__ = fn.__qualname__ + suffix
    return numba.njit(cache=True, parallel=parallel, fastmath=fastmath, error_model="numpy")(clone)


_FAST = {"contract", "nsz", "arcp", "afn", "reassoc"}  # no nnan / ninf: NaNs must still show up
_sort = numba.njit(cache=True)(_sort_py)
_build_s, _build_p = _variant(_build_list_py, "_s", False), _variant(_build_list_py, "_p", True)
_pass_s, _pass_p = _variant(_pass_py, "_s", False, _FAST), _variant(_pass_py, "_p", True, _FAST)
_kick_drift_s, _kick_drift_p = _variant(_kick_drift_py, "_s", False), _variant(_kick_drift_py, "_p", True)


@numba.njit(cache=True)
def _cells(box, r_list):
    ncx = max(1, int(box[0] // r_list))
    ncy = max(1, int(box[1] // r_list))
    return (ncx if ncx >= 3 else 1), (ncy if ncy >= 3 else 1)  # < 3 cells: one cell (the stencil would repeat)


def _rebuild_py(xs, x0, v, om, th, f, tau, perm, box, ncx, ncy, r_list, nchunks, nl, nh, nn):
    """Sort by cell, split the sorted molecules into nchunks equal chunks and rebuild the Verlet list,
    widening it if needed; returns (list, chunk bounds)."""
    n = xs.shape[0]
    start = _sort(xs, x0, v, om, th, f, tau, perm, box, ncx, ncy)
    bounds = np.array([n * ch // nchunks for ch in range(nchunks + 1)], dtype=np.int64)
    while True:
        other = np.empty((nchunks, nl.shape[1]), dtype=np.int32)
        longest = _build(xs, box, start, ncx, ncy, r_list * r_list, bounds, nl, nh, nn, other)
        if longest + _LANES <= nl.shape[1]:
            return nl, bounds
        nl = np.empty((n, longest + 2 * _LANES), dtype=np.int32)


def _run_py(x, v, th, om, f, tau, perm, box, c, mass, inertia, dt, skin, width, nchunks, n_steps, have_forces,
            energy_every, energies):
    """n_steps of velocity Verlet B(dt/2) A(dt) B(dt/2), one ``_pass`` per step (the B(dt/2) that ends step
    k fused with the B(dt/2) A(dt) that starts step k + 1); returns (list builds, list width, initial energy).

    x, v, th, om, f, tau, perm are permuted in place (perm[k] = original index of slot k); f, tau end as the
    forces at the final configuration. energies[k] = (potential, kinetic) after step (k + 1) energy_every.
    If have_forces is False the forces (and the energy, returned) at the start are computed first.
    """
    n = x.shape[0]
    r_list = c[9] + skin
    ncx, ncy = _cells(box, r_list)
    xs = np.empty((n, 4))                # cos, sin theta are filled by _rebuild's sort
    for i in range(n):
        xs[i, 0] = x[i, 0]
        xs[i, 1] = x[i, 1]
    xn = np.empty((n, 4))
    x0 = np.empty((n, 2))
    nn = np.empty(n, dtype=np.int64)
    nh = np.empty(n, dtype=np.int64)
    nl, bounds = _rebuild(xs, x0, v, om, th, f, tau, perm, box, ncx, ncy, r_list, nchunks,
                          np.empty((n, max(width, 2 * _LANES)), dtype=np.int32), nh, nn)
    builds = 1
    fb = np.zeros((n, 2))
    tb = np.zeros(n)
    buf = np.empty((nchunks, 8, nl.shape[1]))
    out = np.zeros((nchunks, 3))
    hv, hw = 0.5 * dt / mass, 0.5 * dt / inertia
    half_skin2 = 0.25 * skin * skin
    e0 = 0.0
    if not have_forces:
        _pass(xs, xn, x0, v, th, om, f, tau, fb, tb, nl, nh, nn, bounds, box, c, hv, hw, dt, mass, inertia, False,
              n_steps > 0, buf, out)
        e0 = out[:, 0].sum()
    elif n_steps > 0:
        _kick_drift(xs, xn, x0, v, th, om, f, tau, hv, hw, dt, bounds, out)
    for step in range(n_steps):
        xs, xn = xn, xs
        if out[:, 2].max() > half_skin2:
            nl, bounds = _rebuild(xs, x0, v, om, th, f, tau, perm, box, ncx, ncy, r_list, nchunks, nl, nh, nn)
            builds += 1
            if nl.shape[1] > buf.shape[2]:
                buf = np.empty((nchunks, 8, nl.shape[1]))
        _pass(xs, xn, x0, v, th, om, f, tau, fb, tb, nl, nh, nn, bounds, box, c, hv, hw, dt, mass, inertia, True,
              step + 1 < n_steps, buf, out)
        if energy_every > 0 and (step + 1) % energy_every == 0:
            k = (step + 1) // energy_every - 1
            energies[k, 0] = out[:, 0].sum()
            energies[k, 1] = out[:, 1].sum()
    for i in range(n):
        x[i, 0] = xs[i, 0] - box[0] * math.floor(xs[i, 0] / box[0])
        x[i, 1] = xs[i, 1] - box[1] * math.floor(xs[i, 1] / box[1])
    return builds, nl.shape[1], e0


def _bind(fn, suffix: str, names: dict):
    """Compile fn with the global names in ``names`` bound to the given kernels (serial or parallel set),
    under a distinct qualified name so that each set has its own on-disk cache."""
    g = dict(fn.__globals__)
    g.update(names)
    clone = types.FunctionType(fn.__code__, g, fn.__name__ + suffix, fn.__defaults__, fn.__closure__)
    clone.__qualname__ = fn.__qualname__ + suffix
    return numba.njit(cache=True)(clone)


_rebuild_s = _bind(_rebuild_py, "_s", {"_build": _build_s})
_rebuild_p = _bind(_rebuild_py, "_p", {"_build": _build_p})
_run_s = _bind(_run_py, "_s", {"_rebuild": _rebuild_s, "_pass": _pass_s, "_kick_drift": _kick_drift_s})
_run_p = _bind(_run_py, "_p", {"_rebuild": _rebuild_p, "_pass": _pass_p, "_kick_drift": _kick_drift_p})


@dataclass(frozen=True)
class CutoffVerlet:
    """Fast NVE velocity Verlet for ``force_field([CutoffDipolarLJ], box)`` (module docstring).

    skin: Verlet-list skin (list radius r_cut + skin, rebuilt when a particle moved > skin / 2).
    threads: numba threads for the pass and the list build (1: the serial compiled kernels).
    min_per_thread: fewer molecules per thread than this run the serial kernels (module docstring); None:
        1024 when the process's OpenMP threads sleep at barriers (OMP_WAIT_POLICY=PASSIVE without
        GOMP_SPINCOUNT: a futex wake-up per step), else 256 (measured: docs/validation.md).
    Requires r_cut + skin <= min(Lx, Ly) / 2 (a unique minimum image for every listed pair).
    """

    term: CutoffDipolarLJ
    params: DipolarBoxModel
    dt: float = 0.002
    skin: float = 0.3
    threads: int = 1
    min_per_thread: int | None = None
    force_field: ForceField = field(init=False, repr=False, compare=False)
    stats: dict = field(init=False, default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not self.dt > 0:
            raise ValueError(f"dt must be positive, got {self.dt}")
        if not self.skin > 0:
            raise ValueError(f"skin must be positive, got {self.skin}")
        if not (isinstance(self.threads, int) and self.threads >= 1):
            raise ValueError(f"threads must be a positive integer, got {self.threads!r}")
        if not (self.min_per_thread is None or isinstance(self.min_per_thread, int) and self.min_per_thread >= 1):
            raise ValueError(f"min_per_thread must be a positive integer, got {self.min_per_thread!r}")
        if self.term.r_cut + self.skin > 0.5 * min(self.params.Lx, self.params.Ly):
            raise ValueError(f"r_cut + skin = {self.term.r_cut + self.skin} exceeds half the box "
                             f"{0.5 * min(self.params.Lx, self.params.Ly)}")
        object.__setattr__(self, "force_field", force_field([self.term], self.params.box))

    def _call(self, state: State, c: Contribution | None, n_steps: int, energy_every: int):
        n = state.n
        x, v = state.x.copy(), state.v.copy()
        th, om = state.theta.copy(), state.omega.copy()
        if c is None:
            f, tau = np.zeros((n, 2)), np.zeros(n)
        else:
            f = np.array(c.force, dtype=np.float64, copy=True)
            tau = np.array(c.torque, dtype=np.float64, copy=True)
        perm = np.arange(n, dtype=np.int64)
        n_rec = n_steps // energy_every if energy_every > 0 else 0
        energies = np.zeros((max(n_rec, 1), 2))
        per_thread = self.min_per_thread
        if per_thread is None:
            sleeping = os.environ.get("OMP_WAIT_POLICY", "").upper() == "PASSIVE" and "GOMP_SPINCOUNT" not in os.environ
            per_thread = 1024 if sleeping else 256
        threads = max(1, min(self.threads, numba.config.NUMBA_NUM_THREADS, n // per_thread))
        parallel = threads > 1
        if parallel:
            old = numba.get_num_threads()
            numba.set_num_threads(threads)
        try:
            kernel = _run_p if parallel else _run_s
            builds, width, e0 = kernel(x, v, th, om, f, tau, perm, self.params.box, self.term.constants,
                                       float(self.params.m), float(self.params.inertia), float(self.dt),
                                       float(self.skin), int(self.stats.get("width", 32)), threads, n_steps,
                                       c is not None, energy_every, energies)
        finally:
            if parallel:
                numba.set_num_threads(old)
        self.stats["threads"] = threads
        self.stats["width"] = width
        self.stats["builds"] = self.stats.get("builds", 0) + builds
        inv = np.empty(n, dtype=np.int64)
        inv[perm] = np.arange(n)
        out = State(x[inv], th[inv], v[inv], om[inv], state.t + n_steps * self.dt)
        return out, f[inv], tau[inv], energies[:n_rec], e0

    def advance(self, state: State, n_steps: int, energy_every: int = 0) -> tuple[State, np.ndarray]:
        """n_steps NVE steps in one compiled loop. Returns (final state, energies), energies[k] =
        (potential, kinetic) after step (k + 1) * energy_every (empty if energy_every = 0)."""
        if not (isinstance(n_steps, int) and n_steps >= 0):
            raise ValueError(f"n_steps must be a non-negative integer, got {n_steps!r}")
        if not (isinstance(energy_every, int) and energy_every >= 0):
            raise ValueError(f"energy_every must be a non-negative integer, got {energy_every!r}")
        out, _, _, e, _ = self._call(state, None, n_steps, energy_every)
        return out, e

    def forces(self, state: State) -> Contribution:
        """Energy, forces and torques at ``state`` from the sorted Verlet-list kernel."""
        _, f, tau, _, e0 = self._call(state, None, 0, 0)
        return Contribution(float(e0), f, tau)

    def step(self, state: State, c: Contribution, rng: np.random.Generator | None = None) -> tuple[State,
                                                                                                Contribution]:
        """One step with the generic integrator interface (forces c at state in, forces at new state out)."""
        out, f, tau, e, _ = self._call(state, c, 1, 1)
        return out, Contribution(float(e[0, 0]), f, tau)


def cutoff_workload(n: int, density: float = 0.6, kT: float = 1.5, mu: float = 1.0, r_cut: float = 3.0,
                    seed: int = 0) -> tuple[DipolarBoxModel, CutoffDipolarLJ, State]:
    """The LAMMPS-comparison workload: n molecules on a square lattice at reduced density ``density``
    (square box), random angles, Maxwell velocities at kT, m = 1, I = 1/16 (l = 1/2), dipole mu,
    LJ eps = sigma = 1, eps0 = 1, cut at r_cut."""
    from hydrobridge.particles.dipolar.model import lattice_state

    length = math.sqrt(n / density)
    params = DipolarBoxModel(Lx=length, Ly=length, l=0.5, q=2.0 * mu)
    term = CutoffDipolarLJ(mu=params.mu, eps0=params.eps0, r_cut=r_cut)
    return params, term, lattice_state(params, n, kT, np.random.default_rng(seed))
