"""hydrobridge.particles: the particle rungs of the ladder (docs/theory.md §2, §5, §6).

Subpackages: ``dipolar`` (molecular dynamics of 2D dipolar molecules and their observables), ``hard_rods``
(1D hard rods with a long-range potential: MD, GHD and the gBBGKY hierarchy), ``kinetic`` (kinetic equations
in velocity space and their particle methods); module ``h5md`` writes and reads MD trajectories in H5MD.
Each subpackage exports its public API with ``__all__`` and compiles nothing on import.
"""

__all__ = ["dipolar", "hard_rods", "kinetic", "h5md"]
