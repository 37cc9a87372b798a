"""Run driver: VTX + CSV + checkpoints; a crashed run resumed gives the uninterrupted diagnostics."""

import pytest

from mpi4py import MPI

from hydrobridge.closures.rotational import DipolarParameters, GradRotational
from hydrobridge.continuum.dipolar import DipolarFluid
from hydrobridge.continuum.forcing import SheetForcing
from hydrobridge.continuum.driver import RunSettings
from hydrobridge.continuum.permittivity import sheet_pair_for

from helpers import crash_and_resume


def make_fluid():
    sp = sheet_pair_for(MPI.COMM_SELF, "x")
    fluid = DipolarFluid(sp.mesh, DipolarParameters(), GradRotational(), 1.0, translation=False,
                         facet_tags=sp.facet_tags, forcing=SheetForcing(1.0, 2.0), sheet_length=sp.sheet_length)
    return fluid, sp.domain.cell_input_ids


class Crash(RuntimeError):
    pass


def test_crash_and_resume_reproduce_the_uninterrupted_run(tmp_path):
    settings = RunSettings(dt=0.02, steps=40, output_every=10, diagnostics_every=1, checkpoint_every=10)
    info, full, resumed = crash_and_resume(make_fluid, settings, tmp_path, crash_at=27, error=Crash)
    assert (tmp_path / "full" / "fields.bp").is_dir()
    assert info["resumed_from"] == 20
    assert resumed == full
    header = full.splitlines()[0].split(",")
    assert {"potential_drop", "closure_energy", "field_energy", "forcing_power"} <= set(header)


def test_bad_settings():
    with pytest.raises(ValueError, match="dt"):
        RunSettings(dt=0.0, steps=3)
    with pytest.raises(ValueError, match="checkpoint_every"):
        RunSettings(dt=0.1, steps=3, checkpoint_every=-1)
