"""BKW convergence table for the conservative entropic Landau scheme (THEORY.md section 6, issue 8).

Run:  PYTHONPATH=. NUMBA_NUM_THREADS=1 python benchmarks/kinetic_landau_bkw.py [n ...]
Prints, per resolution n (grid n x n on [-6, 6]^2, start at t = 0, end at t = 5): relative L2 error against
the exact BKW solution, worst relative drift of mass / momentum / energy over all steps, the smallest
entropy increment per step, the number of RK4 steps and the wall time.
"""

import sys
import time

import numpy as np

from particles.kinetic.bkw import bkw_f
from particles.kinetic.kernels import MAXWELL_2D
from particles.kinetic.landau_grid import evolve, make_grid


def bkw_row(n: int, half_width: float = 6.0, t_end: float = 5.0) -> dict[str, float]:
    """Integrate BKW from t = 0 on an n x n grid and measure error, conservation and entropy."""
    grid = make_grid(n, half_width, MAXWELL_2D)
    vx, vy = np.meshgrid(grid.v, grid.v, indexing="ij")
    start = time.perf_counter()
    f, times, history = evolve(bkw_f(vx, vy, 0.0), grid, t_end)
    seconds = time.perf_counter() - start
    exact = bkw_f(vx, vy, t_end)
    mass, px, py, _, energy, entropy = np.array(history).T
    return {
        "n": n,
        "l2": float(np.sqrt(((f - exact) ** 2).sum() / (exact**2).sum())),
        "mass": float(np.abs(mass / mass[0] - 1).max()),
        "momentum": float(max(np.abs(px).max(), np.abs(py).max())),
        "energy": float(np.abs(energy / energy[0] - 1).max()),
        "min_dS": float(np.diff(entropy).min()),
        "steps": len(times) - 1,
        "seconds": seconds,
    }


def main(sizes: list[int]) -> None:
    print(f"{'n':>4} {'L2 err t=5':>11} {'order':>6} {'mass':>8} {'|P|':>8} {'energy':>8} {'min dS':>9} {'steps':>6} {'s':>6}")
    previous = None
    for n in sizes:
        row = bkw_row(n)
        order = np.log(previous["l2"] / row["l2"]) / np.log(n / previous["n"]) if previous else float("nan")
        print(
            f"{n:4d} {row['l2']:11.3e} {order:6.2f} {row['mass']:8.1e} {row['momentum']:8.1e} {row['energy']:8.1e}"
            f" {row['min_dS']:9.2e} {row['steps']:6d} {row['seconds']:6.1f}"
        )
        previous = row


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [24, 32, 48, 64, 96])
