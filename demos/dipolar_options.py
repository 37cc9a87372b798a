"""Configuration of the 2D dipolar molecular system (docs/theory.md §2), shared by the dipolar studies: the
keys of the system and its Langevin bath, the rules that keep the MD model meaningful, and their typed form
(particles.dipolar.replica), built once from the validated configuration; the optional H5MD trajectory of
each MD task (docs/outputs.md); the equilibrium sampling of the correlated closure's inputs (pair harmonics and
single-dipole correlation, docs/theory.md (3.20), (3.27)).

Rules (checked by `hydrobridge validate` before any work):

* time step: dt <= 0.2 / w_max, w_max the fastest rate of the model: the libration frequency sqrt(kT / I)
  (I = m l^2 / 4), with interactions the short-range stiffness sqrt(2 alpha (alpha + 1) max(e_s, kT) / (m s^2))
  (relative motion of a pair at the core radius s of Phi = e_s (s/r)^alpha ...), and the thermostat rates
  gamma, gamma_r (BAOAB is stable beyond, but the dynamics would be a random walk of step dt);
* with interactions the molecular cores (diameter s) must fit: packing fraction n pi s^2 / 4 <= pi / (2 sqrt 3)
  (hexagonal close packing), and the charge sites inside the core: l < s;
* a forcing angular frequency w is resolved by at least 16 MD steps per period: w <= 2 pi / (16 dt);
* linear response: the field energy of a dipole stays below kT: mu E <= kT (mu = q l).
"""
import math
from dataclasses import asdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np

from hydrobridge.closures.base import RotationalClosure
from hydrobridge.closures.dipolar_continuum import continuum_parameters, dipolar_closure
from hydrobridge.closures.rotational import DipolarParameters
from hydrobridge.config import Option, Rule
from hydrobridge.particles.dipolar.model import DipolarBoxModel
from hydrobridge.particles.dipolar.replica import Equilibration, MolecularSystem, ReplicaSetup, Thermostat

#: at least this many MD steps per forcing period
MIN_STEPS_PER_PERIOD = 16
#: dt times the fastest rate of the model at most
MAX_RATE_DT = 0.2
#: MD steps between the equilibrium samples of the correlated closure's inputs (pair harmonics, single-dipole C_s)
PAIR_EVERY = 10
#: radial shells of the pair harmonics (up to the box's half diagonal: every pair)
PAIR_SHELLS = 40
#: packing fraction of hexagonally close-packed discs
CLOSE_PACKING = math.pi / (2 * math.sqrt(3))


def system_options(n_particles: int) -> dict[str, Option]:
    """Molecules, density, temperature, charges, interactions and thermostat rates; n_particles: default N."""
    return {
        "n_particles": Option(int, n_particles, "number of molecules", minimum=2),
        "density": Option(float, 0.6, "number density; with interactions n pi s^2 / 4 <= pi / (2 sqrt 3)",
                          minimum=0.0, open_minimum=True),
        "kT": Option(float, 1.0, "temperature (energy units); enters the dt bound", minimum=0.0, open_minimum=True),
        "q": Option(float, 3.0, "site charge (mu = q l)", minimum=0.0, open_minimum=True),
        "l": Option(float, 0.5, "site separation; with interactions l < s (the core diameter)", minimum=0.0,
                    open_minimum=True),
        "interactions": Option(bool, True, "dipole-dipole + short-range interactions (false: ideal rotors)"),
        "gamma": Option(float, 0.5, "translational Langevin friction rate; dt gamma <= 0.2", minimum=0.0,
                        open_minimum=True),
        "gamma_r": Option(float, 2.0, "rotational Langevin friction rate; dt gamma_r <= 0.2", minimum=0.0,
                          open_minimum=True),
    }


def _molecule(config: dict) -> DipolarBoxModel:
    """The molecule of the configuration (box size irrelevant here)."""
    return DipolarBoxModel(Lx=1.0, Ly=1.0, l=config["l"])


def fastest_rates(config: dict) -> dict[str, float]:
    """The model's rates (1 / time) that bound the MD step (module doc)."""
    mol, kT = _molecule(config), config["kT"]
    rates = {"libration sqrt(kT/I)": math.sqrt(kT / mol.inertia), "gamma": config["gamma"],
             "gamma_r": config["gamma_r"]}
    if config["interactions"]:
        rates["short-range stiffness sqrt(2 alpha (alpha+1) max(e_s, kT) / (m s^2))"] = math.sqrt(
            2 * mol.alpha * (mol.alpha + 1) * max(mol.e_s, kT) / (mol.m * mol.s**2))
    return rates


def max_time_step(config: dict) -> float:
    """dt bound MAX_RATE_DT / w_max (module doc)."""
    return MAX_RATE_DT / max(fastest_rates(config).values())


def _dt_message(config: dict) -> str:
    rates = ", ".join(f"{k} = {v:.4g}" for k, v in fastest_rates(config).items())
    return f"expected dt <= {MAX_RATE_DT} / w_max = {max_time_step(config):.4g}, w_max the fastest of {rates}"


def _packing(density: float) -> float:
    return density * math.pi * DipolarBoxModel.s ** 2 / 4


def system_rules() -> list[Rule]:
    """Time step, packing and site rules of the module doc (needs the keys of system_options and dt)."""
    s = DipolarBoxModel.s
    return [
        Rule(("dt", "kT", "l", "gamma", "gamma_r", "interactions"), lambda c: c["dt"] <= max_time_step(c), _dt_message),
        Rule(("density", "interactions"), lambda c: not c["interactions"] or _packing(c["density"]) <= CLOSE_PACKING,
             lambda c: f"packing fraction n pi s^2 / 4 = {_packing(c['density']):.4g} of the molecular cores "
                       f"(s = {s:g}); expected <= {CLOSE_PACKING:.4f} (close packing), i.e. density <= "
                       f"{CLOSE_PACKING * 4 / (math.pi * s**2):.4g}"),
        Rule(("l", "interactions"), lambda c: not c["interactions"] or c["l"] < s,
             f"expected l < s = {s:g}: the charge sites inside the repulsive core (else opposite sites collapse)"),
    ]


def density_list_rule(key: str) -> Rule:
    """Each density of the list `key` within close packing (as the study's density)."""
    def bad(c: dict) -> list[int]:
        return [i for i, n in enumerate(c[key]) if c["interactions"] and _packing(n) > CLOSE_PACKING]

    return Rule((key, "interactions"), lambda c: not bad(c),
                lambda c: f"{key}[{bad(c)[0]}] = {c[key][bad(c)[0]]!r}: packing fraction "
                          f"{_packing(c[key][bad(c)[0]]):.4g}; expected <= {CLOSE_PACKING:.4f} (close packing)")


def frequency_rule(key: str) -> Rule:
    """The angular frequency `key` (a float or a list) has at least MIN_STEPS_PER_PERIOD steps of dt per period."""
    def values(c: dict) -> list[float]:
        return c[key] if isinstance(c[key], list) else [c[key]]

    def bound(c: dict) -> float:
        return 2 * math.pi / (MIN_STEPS_PER_PERIOD * c["dt"])

    def message(c: dict) -> str:
        i = next(i for i, w in enumerate(values(c)) if w > bound(c))
        name = f"{key}[{i}] = {values(c)[i]!r}: expected" if isinstance(c[key], list) else f"expected {key}"
        return (f"{name} <= 2 pi / ({MIN_STEPS_PER_PERIOD} dt) = {bound(c):.4g} (at least {MIN_STEPS_PER_PERIOD} MD "
                "steps per period)")

    return Rule((key, "dt"), lambda c: max(values(c)) <= bound(c), message)


def block_lag_rule(steps_key: str) -> Rule:
    """Each of the `blocks` blocks of a run of config[steps_key] samples is longer than max_lag (the range of
    the correlation C(t) integrated in every block)."""
    return Rule(("max_lag", steps_key, "blocks"), lambda c: c[steps_key] // c["blocks"] > c["max_lag"],
                lambda c: f"blocks of {steps_key} // blocks = {c[steps_key] // c['blocks']} samples; expected more "
                          "than max_lag (each block integrates C(t) up to max_lag)")


def field_rule(key: str, field: Callable[[float], float] = lambda amplitude: amplitude, what: str = "E") -> Rule:
    """Linear response: mu * field(config[key]) <= kT (the applied field's energy on a dipole)."""
    def energy(c: dict) -> float:
        return c["q"] * c["l"] * field(c[key])

    return Rule((key, "q", "l", "kT"), lambda c: energy(c) <= c["kT"],
                lambda c: f"field energy mu {what} = {energy(c):.4g} > kT; expected mu {what} <= kT "
                          f"(linear response), i.e. {key} <= {c['kT'] / energy(c) * c[key]:.4g}")


def replica_setup(config: dict) -> ReplicaSetup:
    """The typed system, bath (with the study's dt) and equilibration (equil_steps, seed) of a validated
    study configuration."""
    return ReplicaSetup(
        MolecularSystem(config["n_particles"], config["density"], config["q"], config["l"], config["interactions"]),
        Thermostat(config["kT"], config["gamma"], config["gamma_r"], config["dt"]),
        Equilibration(config["equil_steps"], config["seed"]))


def continuum_molecule(config: dict) -> DipolarParameters:
    """The continuum's molecular parameters of the configured system at the bath temperature."""
    setup = replica_setup(config)
    return continuum_parameters(setup.system.model(), setup.thermostat.kT)


#: the trajectory key of the dipolar studies
TRAJECTORY_OPTION = Option(int, 0, "steps between H5MD trajectory frames of each MD task, written to "
                                   "md/trajectories/<task>.h5 (0: none)", minimum=0)


def trajectory_path(out: Path, key: str) -> Path:
    """out/md/trajectories/<task key with '/' -> '_'>.h5"""
    return Path(out) / "md" / "trajectories" / (key.replace("/", "_") + ".h5")


@contextmanager
def md_trajectory(setup: ReplicaSetup, every: int, out: Path, key: str) -> Iterator[Callable[[int, object, object], None] | None]:
    """The observer writing the MD task `key` every `every` steps of its measured run (not of the
    equilibration) as H5MD (particles.h5md.dipolar_observer: x, v, d(theta), dipole moment mu) to
    trajectory_path(out, key), in the MD model's reduced units; None when every = 0. A rerun overwrites."""
    if every == 0:
        yield None
        return
    from hydrobridge.particles.h5md import H5MDWriter, dipolar_observer

    params = setup.system.model()
    path = trajectory_path(out, key)
    path.parent.mkdir(parents=True, exist_ok=True)
    with H5MDWriter(path, setup.system.n_particles, params.box, author="hydrobridge",
                    dipole_moment=params.mu) as writer:
        yield dipolar_observer(writer, every)


def equilibrium_observer(setup: ReplicaSetup, blocks: int, max_lag: int, also: Callable[[int, object, object], None] | None = None):
    """(observe, finish): observe(step, state, forces) samples every PAIR_EVERY steps the pair-harmonic shell sums
    and the angles (particles.dipolar.pair_harmonics), then calls `also`; finish() returns the correlated closure's
    equilibrium inputs (closures.dipolar_correlated.equilibrium_inputs): the shell sums per block (blocks, 3,
    PAIR_SHELLS), the single-dipole C_s(k PAIR_EVERY dt) for k = 0..max_lag // PAIR_EVERY (max_lag in MD steps).
    The sampling draws no random numbers: the run is unchanged."""
    from hydrobridge.particles.dipolar.pair_harmonics import (all_pairs_edges, pair_harmonic_sums,
                                                              single_dipole_correlation)

    box = np.asarray(setup.system.model().box, float)
    edges = all_pairs_edges(box, PAIR_SHELLS)
    sums, angles = [], []

    def observe(step, state, forces):
        if step % PAIR_EVERY == 0:
            sums.append(pair_harmonic_sums(state.x, state.theta, box, edges))
            angles.append(np.array(state.theta, float))
        if also is not None:
            also(step, state, forces)

    def finish() -> dict:
        parts = np.array_split(np.array(sums), blocks)
        c_s = single_dipole_correlation(np.array(angles), max_lag // PAIR_EVERY)
        return {"edges": edges.tolist(), "shell_sums_blocks": [b.mean(axis=0).tolist() for b in parts],
                "single_dipole_correlation": c_s.tolist(), "sample_dt": PAIR_EVERY * setup.thermostat.dt}

    return observe, finish


def correlated_inputs(config: dict, runs: list[dict]) -> dict:
    """The correlated closures' inputs (closures.dipolar_correlated.equilibrium_inputs) from equilibrium_observer's
    records of every equilibrium replica (zero pair harmonics without interactions: no pair potential, h2 = 0), and the MD-free
    PotentialCorrelation of the model's pair potential."""
    from hydrobridge.closures.dipolar_correlated import PotentialCorrelation, equilibrium_inputs
    from hydrobridge.particles.dipolar.pair_harmonics import shell_areas

    par, n = continuum_molecule(config), config["density"]
    model = replica_setup(config).system.model()
    blocks = np.concatenate([np.array(r["shell_sums_blocks"]) for r in runs])
    if not config["interactions"]:
        blocks = np.zeros_like(blocks)
    c_s = np.mean([r["single_dipole_correlation"] for r in runs], axis=0)
    eq = equilibrium_inputs(runs[0]["edges"], blocks, shell_areas(runs[0]["edges"], model.box), n, c_s,
                            runs[0]["sample_dt"], par.w0, config["gamma_r"])
    potential = PotentialCorrelation(model.s, par.mu, par.kT_r, par.eps0, config["interactions"])
    chi_id, g_k = par.static_susceptibility(n), eq.correlation.kirkwood_factor()
    return {"pairs": eq.correlation, "potential": potential, "friction": eq.friction, "memory": eq.memory,
            "report": {"kirkwood_factor": g_k, "kirkwood_factor_err": eq.kirkwood_factor_err,
                       "static_eps": 1 + chi_id * g_k, "static_eps_err": chi_id * eq.kirkwood_factor_err,
                       "c0": eq.correlation.c0, "single_dipole_tau": eq.single_dipole_tau,
                       "single_dipole_friction": eq.friction, "single_dipole_memory": asdict(eq.memory),
                       "w0_sum_rule": par.w0, "rpa_c0": potential.c0,
                       "replica_blocks": len(blocks), "single_dipole_correlation": c_s.tolist(),
                       "sample_dt": runs[0]["sample_dt"]}}


def study_closure(config: dict, fitted: dict, correlated: dict, name: str) -> RotationalClosure:
    """The continuum closure `name` of a study (closures.dipolar_continuum.dipolar_closure) from its inputs: the
    bath friction, the fitted spectrum, and correlated_inputs (the pair harmonics; for correlated_rpa the MD-free
    potential correlation)."""
    correlation = correlated["potential"] if name == "correlated_rpa" else correlated["pairs"]
    return dipolar_closure(name, density=config["density"], molecule=continuum_molecule(config),
                           bath_friction=config["gamma_r"], spectrum=fitted, correlation=correlation,
                           single_dipole_friction=correlated["friction"], single_dipole_memory=correlated["memory"])
