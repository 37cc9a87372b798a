"""eps_L(k), eps_T(k) of the main job's dipolar liquid from longer equilibrium runs (docs/theory.md (4.18)-(4.23)),
against the conducting-boundary static eps (4.9) of the same runs and the continuum's eps_L(k) (mean field, the
correlation hole (4.28)); replicas over MPI ranks, results to a JSON file.

    NUMBA_NUM_THREADS=1 nice -n 10 mpiexec -n 2 python benchmarks/md_nonlocal_response.py --replicas 4 --steps 100000 \\
        --out nonlocal_md.json

The system is the main job's (demos/configs/permittivity.toml: N = 64, n = 0.6, q = 3, l = 0.5, kT = 1, gamma = 0.5,
gamma_r = 2, dt = 0.005, 4000 equilibration steps); the modes are sampled every 10 steps, 10 blocks per replica.
"""

from __future__ import annotations

import argparse
import json
import math
from pathlib import Path

import numpy as np
from mpi4py import MPI

import hydrobridge  # noqa: F401  (dolfinx_solver before dolfinx)
from hydrobridge.closures.dipolar_continuum import continuum_parameters
from hydrobridge.closures.rotational import GradRotational
from hydrobridge.continuum.wavevector_response import CorrelationHoleKernel, wavevector_permittivity
from hydrobridge.particles.dipolar.nonlocal_response import ModeSampler, nonlocal_permittivity
from hydrobridge.particles.dipolar.replica import Equilibration, MolecularSystem, ReplicaSetup, Thermostat
from hydrobridge.particles.dipolar.runs import fluctuation_permittivity_run

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("--replicas", type=int, default=4)
parser.add_argument("--steps", type=int, default=100_000)
parser.add_argument("--modes", type=int, default=4, help="wavevectors 2 pi n / L, n = 1..modes")
parser.add_argument("--out", type=Path, default=Path("nonlocal_md.json"))
args = parser.parse_args()

BLOCKS = 10
setup = ReplicaSetup(MolecularSystem(64, 0.6, 3.0, 0.5, True), Thermostat(1.0, 0.5, 2.0, 0.005), Equilibration(4000, 7))
params = setup.system.model()
comm = MPI.COMM_WORLD
local = {}
for r in range(comm.rank, args.replicas, comm.size):
    sampler = ModeSampler(params, args.modes, 10)
    eps, err = fluctuation_permittivity_run(setup, f"nonlocal/{r}", args.steps, np.array([1e-9]), 100, BLOCKS, sampler)
    local[r] = (sampler.block_means(BLOCKS), 0.5 * np.trace(eps[0]).real)
results = {}
for part in comm.allgather(local):
    results.update(part)
if comm.rank == 0:
    blocks = [results[r][0] for r in range(args.replicas)]
    static = np.array([results[r][1] for r in range(args.replicas)])
    md = nonlocal_permittivity(blocks, ModeSampler(params, args.modes).kvecs, 1.0, params.eps0, params.area)
    charge = nonlocal_permittivity(blocks, ModeSampler(params, args.modes).kvecs, 1.0, params.eps0, params.area, "charge")
    par = continuum_parameters(params, 1.0)
    mean_field = wavevector_permittivity(GradRotational(friction=2.0), par, 0.6, md.k, [0.0])[:, 0].real
    hole = wavevector_permittivity(GradRotational(friction=2.0), par, 0.6, md.k, [0.0],
                                   CorrelationHoleKernel(params.s))[:, 0].real
    eps_static, err_static = static.mean(), static.std(ddof=1) / math.sqrt(len(static))
    print(f"{args.replicas} replicas x {args.steps} steps; static eps (4.9) = {eps_static:.4f} +- {err_static:.4f} "
          f"(1/eps = {1 / eps_static:.4f})")
    print("   k    | eps_L (M_L)      | eps_L (rho_q)    | 1/eps_L          | eps_T            | mean field | hole (4.28)")
    for j, k in enumerate(md.k):
        print(f" {k:.4f} | {md.eps_L[j]:.4f} +- {md.err_eps_L[j]:.4f} | {charge.eps_L[j]:.4f} +- {charge.err_eps_L[j]:.4f} "
              f"| {md.inv_eps_L[j]:.4f} +- {md.err_inv_eps_L[j]:.4f} | {md.eps_T[j]:.4f} +- {md.err_eps_T[j]:.4f} "
              f"| {mean_field[j]:.4f}     | {hole[j]:.4f}")
    args.out.write_text(json.dumps({"replicas": args.replicas, "steps": args.steps, "static_eps": [eps_static, err_static],
                                    "md": md.to_dict(), "charge": charge.to_dict(), "mean_field": mean_field.tolist(),
                                    "correlation_hole": hole.tolist()}, indent=1))
