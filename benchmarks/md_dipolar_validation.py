"""Print the validation numbers of the dipolar MD (the tests assert bounds; this prints the measured values).

    NUMBA_NUM_THREADS=1 python benchmarks/md_dipolar_validation.py [--drift-steps 10000]
"""

from __future__ import annotations

import argparse
import math
import time

import numpy as np

from hydrobridge.particles.dipolar import lattice_sum
from hydrobridge.particles.dipolar.charges import finite_dipole_terms
from hydrobridge.particles.dipolar.ewald import ewald_setup, ewald_terms
from hydrobridge.particles.dipolar.fdcheck import fd_forces_torques, relative_error
from hydrobridge.particles.dipolar.field import UniformACField
from hydrobridge.particles.dipolar.forcefield import force_field
from hydrobridge.particles.dipolar.integrate import BAOAB, DEFAULT_DT, VelocityVerlet
from hydrobridge.particles.dipolar.model import DipolarBoxModel, lattice_state
from hydrobridge.particles.dipolar.observables import kinetic_energies, total_momentum
from hydrobridge.particles.dipolar.pm import ParticleMesh
from hydrobridge.particles.dipolar.shortrange import ShortRange
from hydrobridge.particles.dipolar.system import dipolar_force_field

MU, EPS0 = 1.3, 0.7
BOX = np.array([3.0, 2.2])


def derivative_checks() -> None:
    rng = np.random.default_rng(3)
    x, theta = rng.uniform(0, 1, (10, 2)) * BOX, rng.uniform(0, 2 * np.pi, 10)
    setup = ewald_setup(BOX, 1e-8, 1.0)
    real, recip, _ = ewald_terms(MU, EPS0, BOX, setup)
    terms = {"ewald real": real, "ewald reciprocal": recip,
             "particle mesh (20x18, order 6)": ParticleMesh(MU, EPS0, setup.kappa, BOX, (20, 18), 6),
             "finite-l real": finite_dipole_terms(MU / 0.2, 0.2, EPS0, BOX, setup)[0],
             "finite-l reciprocal": finite_dipole_terms(MU / 0.2, 0.2, EPS0, BOX, setup)[1],
             "uniform field": UniformACField(MU, (0.3, -0.8), 2.0)}
    box_sr = np.array([7.0, 6.0])
    for name, term in terms.items():
        c = force_field([term], BOX)(x, theta, 0.37)
        f, tau = fd_forces_torques(term, x, theta, BOX, t=0.37)
        ferr = relative_error(c.force, f) if np.any(c.force) else float(np.max(np.abs(f)))
        print(f"FD  {name:32s} force {ferr:.1e}  torque {relative_error(c.torque, tau):.1e}")
    s = lattice_state(DipolarBoxModel(Lx=7.0, Ly=6.0), 30, 1.0, rng)
    xs = s.x + rng.normal(0, 0.15, s.x.shape)
    sr = ShortRange(1.0, 1.0, 12.0, 2.9)
    c = force_field([sr], box_sr)(xs, s.theta, 0.0)
    f, tau = fd_forces_torques(sr, xs, s.theta, box_sr)
    print(f"FD  {'short range Phi':32s} force {relative_error(c.force, f):.1e}  torque "
          f"{relative_error(c.torque, tau):.1e}")


def ewald_checks() -> None:
    rng = np.random.default_rng(3)
    x, theta = rng.uniform(0, 1, (10, 2)) * BOX, rng.uniform(0, 2 * np.pi, 10)
    ref = lattice_sum.dipole_energy(x, theta, MU, EPS0, BOX)
    for acc in (1e-4, 1e-6, 1e-8, 1e-10, 1e-12):
        e = force_field(ewald_terms(MU, EPS0, BOX, ewald_setup(BOX, acc, 1.0)), BOX)(x, theta, 0.0).energy
        print(f"Ewald vs row-summed image sum: accuracy {acc:.0e}  relative energy error {abs(e - ref) / abs(ref):.1e}")
    es = [force_field(ewald_terms(MU, EPS0, BOX, ewald_setup(BOX, 1e-13, rc)), BOX)(x, theta, 0.0)
          for rc in (0.6, 0.85, 1.1)]
    print("kappa independence (r_cut 0.6/0.85/1.1, accuracy 1e-13): max relative energy spread "
          f"{max(abs(c.energy - es[0].energy) for c in es) / abs(es[0].energy):.1e}, force "
          f"{max(relative_error(c.force, es[0].force) for c in es):.1e}")
    setup = ewald_setup(BOX, 1e-13, 1.0)
    point = force_field(ewald_terms(MU, EPS0, BOX, setup), BOX)(x, theta, 0.0)
    for l in (0.04, 0.02, 0.01):
        c = force_field(finite_dipole_terms(MU / l, l, EPS0, BOX, setup), BOX)(x, theta, 0.0)
        print(f"finite-l minus point dipole, l = {l}: energy {abs(c.energy - point.energy):.3e} force "
              f"{np.max(np.abs(c.force - point.force)):.3e} torque {np.max(np.abs(c.torque - point.torque)):.3e}")
    n = 256
    length = math.sqrt(n / 0.6)
    params = DipolarBoxModel(Lx=length, Ly=1.1 * length, q=3.0)
    s = lattice_state(params, n, 1.0, np.random.default_rng(0))
    s.x += np.random.default_rng(1).normal(0, 0.1, s.x.shape)
    exact = dipolar_force_field(params, 1e-13, 3.0, 3.0)(s.x, s.theta, 0.0)
    for acc in (1e-4, 1e-6):
        for mesh in (None, 6):
            ff = dipolar_force_field(params, acc, 3.0, 3.0, mesh_order=mesh)
            c = ff(s.x, s.theta, 0.0)
            print(f"N=256 liquid, accuracy {acc:.0e}, {'PM ' + str(ff.terms[1].grid) if mesh else 'Ewald'}: "
                  f"force error {relative_error(c.force, exact.force):.1e} torque error "
                  f"{relative_error(c.torque, exact.torque):.1e} (relative to max |F|, max |tau|)")


def drift(n_steps: int) -> None:
    n = 64
    length = math.sqrt(n / 0.6)
    params = DipolarBoxModel(Lx=length, Ly=length, q=3.0)
    ff = dipolar_force_field(params)
    rng = np.random.default_rng(7)
    s = lattice_state(params, n, 1.0, rng)
    c = ff(s.x, s.theta, 0.0)
    lang = BAOAB(ff, params, kT=1.0, gamma=1.0, gamma_r=4.0, dt=0.005)
    for _ in range(1500):
        s, c = lang.step(s, c, rng)
    s.v -= s.v.mean(axis=0)
    c = ff(s.x, s.theta, s.t)
    vv = VelocityVerlet(ff, params, DEFAULT_DT)
    e0 = c.energy + sum(kinetic_energies(s, params))
    p0 = total_momentum(s, params)
    dev, dp = 0.0, 0.0
    t0 = time.perf_counter()
    for _ in range(n_steps):
        s, c = vv.step(s, c)
        e = c.energy + sum(kinetic_energies(s, params))
        dev = max(dev, abs(e - e0))
        dp = max(dp, float(np.max(np.abs(total_momentum(s, params) - p0))))
    wall = time.perf_counter() - t0
    print(f"NVE N=64 liquid (n=0.6, kT=1, mu=1.5), dt={DEFAULT_DT}, {n_steps} steps: E0={e0:.4f} "
          f"(potential {c.energy:.3f}), final relative drift {abs(e - e0) / abs(e0):.1e}, max relative deviation "
          f"{dev / abs(e0):.1e}, max |P - P0| {dp:.1e}; {wall:.1f}s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--drift-steps", type=int, default=10_000)
    args = parser.parse_args()
    derivative_checks()
    ewald_checks()
    drift(args.drift_steps)


if __name__ == "__main__":
    main()
