"""MBC process vs Landau: BKW fourth moment, 1/N pair correlations, Coulomb anisotropy rate, throughput.

Run:  NUMBA_NUM_THREADS=1 python benchmarks/kinetic_mbc.py
      (optionally under mpiexec -n P: the correlation ensembles are split over the ranks)
Prints four tables (docs/theory.md (6.4)-(6.7)); measured results: docs/validation.md.
"""

import time

import numpy as np

from hydrobridge.particles.kinetic.anisotropy import bimaxwellian_rate, initial_decay_rate
from hydrobridge.particles.kinetic.bkw import bkw_fourth_moment, sample_bkw_initial
from hydrobridge.particles.kinetic.kernels import MAXWELL_2D, coulomb
from hydrobridge.particles.kinetic.landau_grid import evolve, landau_operator, make_grid
from hydrobridge.particles.kinetic.mbc import mbc_ensemble, mbc_evolve, pair_covariance

try:
    from mpi4py import MPI

    COMM = MPI.COMM_WORLD
except ImportError:
    COMM = None
ROOT = COMM is None or COMM.Get_rank() == 0


def say(text: str) -> None:
    if ROOT:
        print(text, flush=True)


def fourth_moment_table(n: int = 100_000, thetas: tuple[float, ...] = (0.2, 0.6)) -> None:
    times = np.array([0.0, 1.0, 2.0, 5.0, 10.0])
    say(f"\n<|v|^4>(t): MBC (N = {n}, Maxwell molecules) vs BKW 8K(2-K); z = (MBC - BKW)/SE")
    for theta in thetas:
        start = time.perf_counter()
        snaps, count = mbc_evolve(sample_bkw_initial(n, np.random.default_rng(1)), times, MAXWELL_2D, theta, seed=2)
        seconds = time.perf_counter() - start
        r4 = ((snaps**2).sum(axis=2)) ** 2
        say(f"theta_max = {theta}: {count} collisions in {seconds:.1f} s ({count / seconds:.3g} /s)")
        for t, row in zip(times, r4):
            se = row.std() / np.sqrt(n)
            say(f"  t = {t:5.1f}  MBC {row.mean():.4f} +- {se:.4f}  BKW {bkw_fourth_moment(t):.4f}"
                f"  z = {(row.mean() - bkw_fourth_moment(t)) / se:+.2f}")


def correlation_table(sizes=(40, 160, 640, 2560), realisations: int = 800, t: float = 5.0) -> None:
    say(f"\nPair covariances at t = {t} ({realisations} realisations, theta_max = 0.3);"
        f" prediction (N-1) Cov(|v|^2) = 6 - <|v|^4>_BKW = {6 - bkw_fourth_moment(t):.4f}")
    quartic = []
    for n in sizes:
        snaps = mbc_ensemble(sample_bkw_initial, n, realisations, np.array([t]), MAXWELL_2D, 0.3, seed=n, comm=COMM)
        r2 = (snaps[:, 0] ** 2).sum(axis=2)
        c2, e2 = pair_covariance(r2)
        c4, e4 = pair_covariance(r2 * r2)
        quartic.append((c4, e4))
        say(f"  N = {n:5d}  (N-1) Cov(|v|^2) = {(n - 1) * c2:+.3f} +- {(n - 1) * e2:.3f}"
            f"   (N-1) Cov(|v|^4) = {(n - 1) * c4:+.2f} +- {(n - 1) * e4:.2f}")
    c4, e4 = np.array(quartic).T
    slope, _ = np.polyfit(np.log(sizes), np.log(-c4), 1, w=-c4 / e4)
    say(f"  fitted exponent of |Cov(|v|^4)| vs N: {slope:.3f} (propagation of chaos: -1)")


def anisotropy_table(replicas: int = 8, n: int = 200_000) -> None:
    kernel, tx, ty = coulomb(1.0, 0.5), 1.5, 0.5
    nu = bimaxwellian_rate(kernel, tx, ty)
    times = np.linspace(0.0, 0.5, 11)
    say(f"\nAnisotropy relaxation, Phi = 1/max(|z|, 0.5)^3, T = ({tx}, {ty}): analytic nu = {nu:.5f}")
    for size in (32, 48, 64):
        grid = make_grid(size, 8.0, kernel)
        vx, vy = np.meshgrid(grid.v, grid.v, indexing="ij")
        f = np.exp(-(vx**2) / (2 * tx) - vy**2 / (2 * ty))
        f /= f.sum() * grid.h**2
        psi = vx * vx - vy * vy
        deltas = [(psi * f).sum() / f.sum()]
        instantaneous = -(psi * landau_operator(f, grid)).sum() / f.sum() / deltas[0]
        for dt in np.diff(times):
            f = evolve(f, grid, dt)[0]
            deltas.append((psi * f).sum() / f.sum())
        fitted = initial_decay_rate(times, np.array(deltas))
        say(f"  grid n = {size}: instantaneous {instantaneous:.5f} ({instantaneous / nu - 1:+.2%}),"
            f" fitted on [0, 0.5] {fitted:.5f} ({fitted / nu - 1:+.2%})")
    rates = []
    start = time.perf_counter()
    for r in range(replicas):
        v0 = np.random.default_rng(100 + r).normal(size=(n, 2)) * np.sqrt([tx, ty])
        snaps = mbc_evolve(v0 - v0.mean(axis=0), times, kernel, np.pi / 2, seed=200 + r)[0]
        rates.append(initial_decay_rate(times, (snaps[:, :, 0] ** 2 - snaps[:, :, 1] ** 2).mean(axis=1)))
    mean, err = np.mean(rates), np.std(rates, ddof=1) / np.sqrt(replicas)
    say(f"  MBC {replicas} x N = {n}, theta_max = pi/2: fitted {mean:.5f} +- {err:.5f}"
        f" ({mean / nu - 1:+.2%} +- {err / nu:.2%}), {time.perf_counter() - start:.1f} s")


if __name__ == "__main__":
    fourth_moment_table()
    correlation_table()
    anisotropy_table()
