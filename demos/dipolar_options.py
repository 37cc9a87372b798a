"""Configuration options of the 2D dipolar molecular system (docs/theory.md §2), shared by the dipolar
studies: the keys that hydrobridge.particles.dipolar.replica.md_system and the Langevin thermostat read."""
from hydrobridge.config import Option


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
