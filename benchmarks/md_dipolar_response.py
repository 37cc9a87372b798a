"""eps(w) of the interacting dipolar liquid by AC lock-in and by <M(0).M(t)> (docs/theory.md §4).

Both routes use the same Langevin (BAOAB) dynamics, so the linear-response theorem says they must agree.
Prints one line per frequency with both estimates and their standard errors, and the static eps.

    NUMBA_NUM_THREADS=1 python benchmarks/md_dipolar_response.py
"""

from __future__ import annotations

import argparse
import math
import time

import numpy as np

from hydrobridge.lockin import lockin_amplitude_with_error

from hydrobridge.particles.dipolar.integrate import BAOAB
from hydrobridge.particles.dipolar.model import DipolarBoxModel, lattice_state
from hydrobridge.particles.dipolar.observables import polarization, static_permittivity
from hydrobridge.particles.dipolar.response import (fluctuation_permittivity, longitudinal_permittivity,
                                        longitudinal_polarization, polarization_series)
from hydrobridge.particles.dipolar.simulate import run
from hydrobridge.particles.dipolar.system import dipolar_force_field

GAMMA, GAMMA_R = 0.5, 2.0


def equilibrated(params, n, kT, dt, n_equil, seed):
    """(force field, state, rng) after n_equil BAOAB steps from a lattice."""
    rng = np.random.default_rng(seed)
    base = dipolar_force_field(params, accuracy=1e-5)
    state = run(BAOAB(base, params, kT, GAMMA, GAMMA_R, dt), lattice_state(params, n, kT, rng), n_equil, rng)
    return base, state, rng


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=64)
    parser.add_argument("--omegas", type=float, nargs="+", default=[1.0, 3.0, 6.0, 12.0])
    parser.add_argument("--steps-eq", type=int, default=120_000)
    parser.add_argument("--steps-ac", type=int, default=60_000)
    parser.add_argument("--e0", type=float, default=0.2)
    args = parser.parse_args()
    kT, dt = 1.0, 0.005
    length = math.sqrt(args.n / 0.6)
    params = DipolarBoxModel(Lx=length, Ly=length, q=3.0)
    t0 = time.perf_counter()
    base, state, rng = equilibrated(params, args.n, kT, dt, 4000, seed=1)
    k_min = np.array([2.0 * np.pi / params.Lx, 0.0])

    def record(s):
        ml = longitudinal_polarization(s.x, s.theta, params.mu, k_min)
        return np.concatenate((polarization(s.theta, params.mu), [ml.real, ml.imag]))

    samples = polarization_series(base, params, state, kT, GAMMA, GAMMA_R, dt, args.steps_eq, 0.0, 0.0, rng,
                                  record)
    m_eq = samples[:, :2]
    eps_s, err_s = static_permittivity(m_eq, kT, params.eps0, params.area)
    eps_l, err_l = longitudinal_permittivity(samples[:, 2] + 1j * samples[:, 3], kT, params.eps0, params.area)
    ideal = 1 + args.n / params.area * params.mu**2 / (2 * params.eps0 * kT)
    print(f"N={args.n} n=0.6 kT={kT} mu={params.mu} static eps = {eps_s:.4f} +- {err_s:.4f} "
          f"(ideal rotors {ideal:.4f}); fixed-charge eps_L(2 pi/L) = {eps_l:.4f} +- {err_l:.4f}; "
          f"{time.perf_counter() - t0:.0f}s", flush=True)
    eps_fl, err_fl = fluctuation_permittivity(m_eq, dt, np.array(args.omegas), kT, params.eps0, params.area,
                                              max_lag=1000, n_blocks=20)
    scale = params.eps0 * params.area * args.e0
    for k, (w, ef, sf) in enumerate(zip(args.omegas, eps_fl, err_fl)):
        base, state, rng = equilibrated(params, args.n, kT, dt, 4000, seed=10 + k)
        m = polarization_series(base, params, state, kT, GAMMA, GAMMA_R, dt, args.steps_ac, args.e0, w, rng)
        amp, err = lockin_amplitude_with_error(m[:, 0], w, 10, dt=dt)
        eps_ac, sa = 1.0 + amp / scale, err / scale
        sigma = math.hypot(abs(sa), abs(sf))
        print(f"w={w:6.2f} eps_AC = {eps_ac.real:.4f}{eps_ac.imag:+.4f}i +- ({sa.real:.4f}, {sa.imag:.4f})  "
              f"eps_FDT = {ef.real:.4f}{ef.imag:+.4f}i +- ({sf.real:.4f}, {sf.imag:.4f})  "
              f"|diff|/sigma = {abs(eps_ac - ef) / sigma:.2f}; {time.perf_counter() - t0:.0f}s", flush=True)


if __name__ == "__main__":
    main()
