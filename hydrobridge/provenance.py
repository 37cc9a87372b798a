"""Self-describing study outputs: the ``provenance``, ``units`` and ``conventions`` blocks of summary.json.

Every study adds the same three blocks (documented key by key in docs/outputs.md):

* ``provenance``: SCHEMA_VERSION of summary.json, ``hydrobridge.__version__``, the git commit of the source
  tree (``git rev-parse HEAD``; null when the package is not a git checkout), the command line, the number of
  MPI ranks, the resolved output folder actually written, UTC start and end timestamps and the wall time of
  each stage of the study (``StageClock``);
* ``units``: the study's reduced unit system (``UNIT_SYSTEMS``) and what each quantity is measured in;
* ``conventions``: the time dependence X(t) = Re[X^ exp(-i w t)] (so Im eps > 0 is loss, docs/theory.md
  (4.1)), the tensor index order eps_ab (a: polarisation component, b: field direction), what ``err_*`` is
  and how it is estimated, how a static value is obtained; the study states the last two.

The last line a study prints is ``summary_line``: one short human-readable sentence ending with the path of
summary.json; the numbers themselves are only in summary.json.
"""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

import hydrobridge
from mpi4py import MPI

__all__ = ["SCHEMA_VERSION", "UNIT_SYSTEMS", "StageClock", "git_commit", "describe_run", "summary_line"]

#: version of the summary.json layout (provenance, units, conventions blocks; docs/outputs.md)
SCHEMA_VERSION = 1



def _frequency(time_unit: str) -> str:
    return f"angular frequency omega = 2 pi / period (rad per time unit), in 1 / {time_unit}"


#: reduced unit systems of the studies: quantity -> what it is measured in
UNIT_SYSTEMS: dict[str, dict[str, str]] = {
    # docs/theory.md §2: the MD model's mass m, short-range scales s and e_s, and eps0 are 1
    "dipolar_md": {
        "system": "reduced units of the MD model (docs/theory.md §2): m = s = e_s = eps0 = 1 (k_B absorbed in kT)",
        "length": "s (short-range length scale)",
        "time": "t* = s sqrt(m / e_s)",
        "energy": "e_s; the temperature kT is an energy in these units",
        "mass": "m (molecule mass); moment of inertia I = m l^2 / 4",
        "charge": "sqrt(eps0 e_s) (in 2D q^2 / eps0 is an energy)",
        "dipole_moment": "sqrt(eps0 e_s) s (mu = q l)",
        "number_density": "molecules per area, 1 / s^2",
        "polarisation": "dipole moment per area, P = mu rho D",
        "potential": "e_s / charge unit",
        "sheet_charge": "charge per length (sigma0)",
        "field": "e_s / (charge unit s)",
        "frequency": _frequency("t*"),
        "friction_rate": "1 / t* (gamma, gamma_r)",
        "permittivity": "relative, eps / eps0 (dimensionless)",
    },
    # closures.rotational.DipolarParameters defaults: mu = m = kT = eps0 = 1, I = 1/4
    "dipolar_continuum": {
        "system": "reduced units of the continuum molecule (closures.rotational.DipolarParameters): "
                  "mu = m = kT = eps0 = 1, I = 1/4",
        "length": "l* = mu / sqrt(eps0 kT) (in 2D mu^2 / eps0 is an energy times a length^2)",
        "time": "t* = l* sqrt(m / kT); the free-rotor frequency is w0 = sqrt(kT / I)",
        "energy": "kT",
        "dipole_moment": "mu",
        "number_density": "molecules per area, 1 / l*^2",
        "frequency": _frequency("t*"),
        "relaxation_time": "t* (Debye tau)",
        "permittivity": "relative, eps / eps0 (dimensionless)",
    },
    # demos/sheet_pair_poisson.py: box side L = 1, eps0 = 1
    "sheet_poisson": {
        "system": "box side L = 1, eps0 = 1; the forcing period 2 pi / omega sets the time unit",
        "length": "L (box side)",
        "time": "the time unit of omega (default omega = 2 pi: one forcing period)",
        "sheet_charge": "sigma0: charge per length",
        "polarisation": "p0: dipole moment per area, in sigma0 units",
        "potential": "charge per eps0 (sigma0 L / eps0 for the drop)",
        "frequency": _frequency("the time unit"),
        "permittivity": "relative, eps / eps0 (dimensionless)",
    },
    # docs/theory.md §5: unit mass, lengths in the rod length's units, kT = 1 / beta
    "hard_rods": {
        "system": "docs/theory.md §5: unit mass m = 1, lengths in the units of the rod length a and range xi, "
                  "energies in the units of V0 and kT = 1 / beta",
        "length": "the unit of a, xi and the ring length L",
        "time": "sqrt(m / energy unit) times the length unit",
        "energy": "the unit of V0 and kT",
        "number_density": "rods per length",
        "momentum_density": "m rho u",
    },
}

#: conventions shared by every study (docs/theory.md, Conventions and (4.1))
_COMMON_CONVENTIONS = {
    "time_dependence": "X(t) = Re[X^ exp(-i omega t)] (docs/theory.md (4.1)); hence Im eps > 0 is loss",
    "lockin": "X^ = (2/T) int_0^T X(t) exp(+i omega t) dt over whole periods T (docs/theory.md (4.1))",
    "tensor_index_order": "eps_ab, stored as tensor[a][b] (per frequency: tensor[i][a][b]): a = polarisation "
                          "component, b = direction of the applied field (x = 0, y = 1)",
    "complex_numbers": "stored as separate real and imaginary parts (*_re, *_im) or as [re, im] pairs",
    "isotropic_part": "eps = (eps_xx + eps_yy) / 2 where a scalar eps of a tensor is shown",
}


class StageClock:
    """UTC start time and the wall time of each named stage of a study (``with clock.stage("md"): ...``);
    a stage entered twice accumulates."""

    def __init__(self) -> None:
        self.started = datetime.now(timezone.utc)
        self._t0 = time.perf_counter()
        self.stages: dict[str, float] = {}

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        t = time.perf_counter()
        try:
            yield
        finally:
            self.stages[name] = self.stages.get(name, 0.0) + time.perf_counter() - t

    def elapsed(self) -> float:
        """Wall time in seconds since the clock was created."""
        return time.perf_counter() - self._t0


def git_commit(source: Path | None = None) -> str | None:
    """``git rev-parse HEAD`` of the source tree holding the hydrobridge package (or `source`); None when it
    is not the top of a git checkout (e.g. an installed copy inside some other repository's folder) or git
    is not available."""
    root = (Path(source) if source is not None else Path(hydrobridge.__file__).parent.parent).resolve()
    try:
        res = subprocess.run(["git", "-C", str(root), "rev-parse", "--show-toplevel", "HEAD"], capture_output=True,
                             text=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return None
    lines = res.stdout.split()
    if res.returncode != 0 or len(lines) != 2 or Path(lines[0]).resolve() != root or len(lines[1]) != 40:
        return None
    return lines[1]


def describe_run(out: str | Path, clock: StageClock, comm: MPI.Comm | None, units: str, errors: str | None,
                 static: str | None = None, resumed: bool = False) -> dict:
    """The provenance, units and conventions blocks (module doc) of a study writing to `out` on the ranks of
    `comm` (None: one process), timed by `clock` (the end time is now); built on rank 0 and broadcast, so
    every rank returns the same. `units` names one of UNIT_SYSTEMS; `errors` says what the study's
    ``err_*`` are and how they are estimated (None: the study has no statistical errors); `static` how a
    static (omega -> 0) value is obtained, if the study reports one."""
    if units not in UNIT_SYSTEMS:
        raise ValueError(f"units = {units!r}: expected one of {sorted(UNIT_SYSTEMS)}")
    if comm is not None and comm.size > 1:
        block = _describe(out, clock, comm.size, units, errors, static, resumed) if comm.rank == 0 else None
        return comm.bcast(block, root=0)
    return _describe(out, clock, 1, units, errors, static, resumed)


def _describe(out: str | Path, clock: StageClock, ranks: int, units: str, errors: str | None, static: str | None,
              resumed: bool) -> dict:
    ended = datetime.now(timezone.utc)
    conventions = dict(_COMMON_CONVENTIONS)
    conventions["errors"] = errors if errors is not None else "no statistical errors: the study is deterministic"
    if static is not None:
        conventions["static_value"] = static
    return {
        "provenance": {
            "schema_version": SCHEMA_VERSION,
            "hydrobridge_version": hydrobridge.__version__,
            "git_commit": git_commit(),
            "command_line": list(sys.orig_argv),
            "mpi_ranks": int(ranks),
            "output_folder": str(Path(out).resolve()),
            "resumed": bool(resumed),
            "started_utc": clock.started.isoformat(timespec="seconds"),
            "ended_utc": ended.isoformat(timespec="seconds"),
            "wall_time_s": {**{k: round(v, 3) for k, v in clock.stages.items()}, "total": round(clock.elapsed(), 3)},
        },
        "units": dict(UNIT_SYSTEMS[units]),
        "conventions": conventions,
    }


def summary_line(study: str, facts: list[str], summary_path: str | Path) -> str:
    """``"<study>: fact; fact; <path of summary.json>"``, the human-readable last line a study prints."""
    return f"{study}: " + "; ".join([*facts, str(summary_path)])
