"""BKW convergence table for the conservative entropic Landau scheme (docs/theory.md (6.3), (6.4)).

Run:  NUMBA_NUM_THREADS=1 python benchmarks/kinetic_landau_bkw.py [--dim 3] [n ...]
Prints, per resolution n (2D: n^2 grid on [-6, 6]^2 from t = 0 to 5; 3D: n^3 grid on [-5, 5]^3 from
K = 3/5, t0 = 6 ln(5/2), to t0 + 5): relative L2 error against the exact BKW solution, worst relative drift of mass / momentum / energy over all steps, the smallest
entropy increment per step, the number of RK4 steps and the wall time.
"""

import argparse
import time

import numpy as np

from hydrobridge.particles.kinetic.bkw import bkw_f
from hydrobridge.particles.kinetic.kernels import MAXWELL_2D, MAXWELL_3D
from hydrobridge.particles.kinetic.landau_grid import evolve, make_grid


def bkw_row(n: int, dim: int, duration: float = 5.0) -> dict[str, float]:
    """Integrate BKW on an n^dim grid and measure error, conservation and entropy."""
    kernel, half_width, t0 = (MAXWELL_2D, 6.0, 0.0) if dim == 2 else (MAXWELL_3D, 5.0, 6 * np.log(2.5))
    grid = make_grid(n, half_width, kernel, dim=dim)
    v = np.meshgrid(*([grid.v] * dim), indexing="ij")
    start = time.perf_counter()
    f, times, history = evolve(bkw_f(v, t0), grid, duration)
    seconds = time.perf_counter() - start
    exact = bkw_f(v, t0 + duration)
    mass, px, py, pz, energy, entropy = np.array(history).T
    return {
        "n": n,
        "l2": float(np.sqrt(((f - exact) ** 2).sum() / (exact**2).sum())),
        "mass": float(np.abs(mass / mass[0] - 1).max()),
        "momentum": float(np.abs([px, py, pz]).max()),
        "energy": float(np.abs(energy / energy[0] - 1).max()),
        "min_dS": float(np.diff(entropy).min()),
        "steps": len(times) - 1,
        "seconds": seconds,
    }


def main(sizes: list[int], dim: int) -> None:
    print(f"{'n':>4} {'L2 err t=5':>11} {'order':>6} {'mass':>8} {'|P|':>8} {'energy':>8} {'min dS':>9} {'steps':>6} {'s':>6}")
    previous = None
    for n in sizes:
        row = bkw_row(n, dim)
        order = np.log(previous["l2"] / row["l2"]) / np.log(n / previous["n"]) if previous else float("nan")
        print(
            f"{n:4d} {row['l2']:11.3e} {order:6.2f} {row['mass']:8.1e} {row['momentum']:8.1e} {row['energy']:8.1e}"
            f" {row['min_dS']:9.2e} {row['steps']:6d} {row['seconds']:6.1f}"
        )
        previous = row


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--dim", type=int, default=2, choices=(2, 3))
    parser.add_argument("sizes", type=int, nargs="*")
    args = parser.parse_args()
    main(args.sizes or ([24, 32, 48, 64, 96] if args.dim == 2 else [16, 20, 24, 32]), args.dim)
