"""Sum of a pair interaction over a neighbour list inside a cutoff (docs/theory.md §2).

    U = sum_{(i, j) in pairs, r_ij < r_cut} u(r_ij, theta_i, theta_j),   r_ij = x_i - x_j (minimum image)

The interaction u is a compiled function ``pair(rx, ry, r2, cos_i, sin_i, cos_j, sin_j, c)`` returning
(u, F_x, F_y, tau_i, tau_j): the pair energy, the force on i from j (the force on j is its negative) and
the torques on i and j; c holds its constants (a tuple or an array). ``pair_sum`` is inlined into the
compiled kernel that calls it, so each kernel keeps its own arithmetic and cost; the virial it returns is
dropped by the compiler where the caller does not use it.
"""

from __future__ import annotations

import numba

__all__ = ["pair_sum"]


@numba.njit(cache=True, inline="always")
def pair_sum(pair, c, r_cut, pi_idx, pj_idx, d, cos_t, sin_t, force, torque):
    """Adds the forces (N, 2) and torques (N,) of every listed pair closer than r_cut; returns (U, W) with
    W = (W_xx, W_xy, W_yx, W_yy), W_ab = sum_pairs r_a F_b, F the force on i from j.

    pi_idx, pj_idx: the pairs (i, j); d: their separations x_i - x_j (P, 2); cos_t, sin_t: cos and sin of
    the angles theta; pair, c: the interaction and its constants (module docstring)."""
    rc2 = r_cut * r_cut
    energy = 0.0
    wxx, wxy, wyx, wyy = 0.0, 0.0, 0.0, 0.0
    for p in range(pi_idx.shape[0]):
        rx, ry = d[p, 0], d[p, 1]
        r2 = rx * rx + ry * ry
        if r2 >= rc2:
            continue
        i, j = pi_idx[p], pj_idx[p]
        e, fx, fy, ti, tj = pair(rx, ry, r2, cos_t[i], sin_t[i], cos_t[j], sin_t[j], c)
        energy += e
        force[i, 0] += fx
        force[i, 1] += fy
        force[j, 0] -= fx
        force[j, 1] -= fy
        torque[i] += ti
        torque[j] += tj
        wxx += rx * fx
        wxy += rx * fy
        wyx += ry * fx
        wyy += ry * fy
    return energy, (wxx, wxy, wyx, wyy)
