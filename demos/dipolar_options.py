"""Configuration of the 2D dipolar molecular system (docs/theory.md §2), shared by the dipolar studies: the
keys of the system and its Langevin bath, and their typed form (particles.dipolar.replica), built once from
the validated configuration; the optional H5MD trajectory of each MD task (docs/outputs.md)."""
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from hydrobridge.closures.dipolar_continuum import continuum_parameters
from hydrobridge.closures.rotational import DipolarParameters
from hydrobridge.config import Option
from hydrobridge.particles.dipolar.replica import Equilibration, MolecularSystem, ReplicaSetup, Thermostat


def system_options(n_particles: int) -> dict[str, Option]:
    """Molecules, density, temperature, charges, interactions and thermostat rates; n_particles: default N."""
    return {
        "n_particles": Option(int, n_particles, "number of molecules", minimum=2),
        "density": Option(float, 0.6, "number density", minimum=0.0, open_minimum=True),
        "kT": Option(float, 1.0, "temperature (energy units)", minimum=0.0, open_minimum=True),
        "q": Option(float, 3.0, "site charge (mu = q l)", minimum=0.0, open_minimum=True),
        "l": Option(float, 0.5, "site separation", minimum=0.0, open_minimum=True),
        "interactions": Option(bool, True, "dipole-dipole + short-range interactions (false: ideal rotors)"),
        "gamma": Option(float, 0.5, "translational Langevin friction rate", minimum=0.0, open_minimum=True),
        "gamma_r": Option(float, 2.0, "rotational Langevin friction rate", minimum=0.0, open_minimum=True),
    }


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
