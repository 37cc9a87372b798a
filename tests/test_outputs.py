"""Self-describing outputs (docs/outputs.md): the provenance / units / conventions blocks of summary.json, the
human-readable last stdout line, the field-output cadence and the MD trajectories of the studies."""

import json
import re
from pathlib import Path

import numpy as np
import pytest

from hydrobridge.provenance import SCHEMA_VERSION, UNIT_SYSTEMS, StageClock, describe_run, git_commit, summary_line


def test_describe_run_blocks(tmp_path):
    clock = StageClock()
    with clock.stage("md"):
        pass
    with clock.stage("md"):
        pass
    blocks = describe_run(tmp_path / "x" / ".." / "run", clock, None, "dipolar_md", "block standard errors",
                          "C(0) term")
    prov = blocks["provenance"]
    assert prov["schema_version"] == SCHEMA_VERSION and prov["mpi_ranks"] == 1
    assert prov["output_folder"] == str((tmp_path / "run").resolve())
    assert set(prov["wall_time_s"]) == {"md", "total"} and prov["wall_time_s"]["total"] >= prov["wall_time_s"]["md"]
    assert prov["started_utc"] <= prov["ended_utc"]
    assert prov["git_commit"] is None or re.fullmatch("[0-9a-f]{40}", prov["git_commit"])
    assert blocks["units"] == UNIT_SYSTEMS["dipolar_md"]
    conv = blocks["conventions"]
    assert "exp(-i omega t)" in conv["time_dependence"] and "Im eps > 0 is loss" in conv["time_dependence"]
    assert "a = polarisation component, b = direction of the applied field" in conv["tensor_index_order"]
    assert conv["errors"] == "block standard errors" and conv["static_value"] == "C(0) term"
    with pytest.raises(ValueError, match="units = 'furlongs'"):
        describe_run(tmp_path, clock, None, "furlongs", None)


def test_git_commit_only_of_the_top_of_a_checkout(tmp_path):
    assert git_commit(tmp_path) is None
    assert git_commit(Path(__file__).parent) is None      # inside a checkout, but not its top: not a source tree


def test_summary_line_ends_with_the_summary_path():
    assert summary_line("study", ["a 1", "b 2"], Path("out/s.json")) == "study: a 1; b 2; out/s.json"


def test_sheet_pair_summary_explains_itself_and_frames_are_a_choice(tmp_path, capsys):
    from hydrobridge.demos.sheet_pair_poisson import main

    sizes = {}
    for frames in (0, 2, 8):
        out = tmp_path / f"f{frames}"
        summary = main(["--quick", "--out", str(out), "--field-frames", str(frames)])
        last = capsys.readouterr().out.strip().splitlines()[-1]
        assert last.startswith("sheet_pair_poisson: ") and last.endswith(str(out / "summary.json"))
        assert f"{frames} VTX frames" in last
        written = json.loads((out / "summary.json").read_text())
        assert written == json.loads(json.dumps(summary))
        assert {"provenance", "units", "conventions", "config"} <= set(written)
        assert written["config"]["field_frames"] == frames
        assert written["provenance"]["output_folder"] == str(out.resolve())
        assert written["units"] == UNIT_SYSTEMS["sheet_poisson"]
        bp = out / "fields.bp"
        sizes[frames] = sum(f.stat().st_size for f in bp.iterdir()) if bp.exists() else 0
    # no file without frames; the mesh is written once, so 8 frames cost less than 4 times 2 frames
    assert sizes[0] == 0 and 0 < sizes[2] < sizes[8] < 4 * sizes[2]


def test_permittivity_trajectories_are_readable_h5md(tmp_path):
    from hydrobridge.config import validate
    from hydrobridge.demos.dipolar_options import trajectory_path
    from hydrobridge.demos.permittivity import SCHEMA, run_study
    from hydrobridge.particles.h5md import read_h5md

    raw = {"n_particles": 9, "equil_steps": 50, "fluct_steps": 300, "fluct_replicas": 1, "ac_steps": 300,
           "omegas": [12.0], "max_lag": 30, "blocks": 2, "closures": ["local_equilibrium"], "trajectory_every": 100}
    config = validate(raw, SCHEMA)
    summary = run_study(config, tmp_path)
    assert summary["config"]["trajectory_every"] == 100
    for key in ("fluct/0", "ac/12/x", "ac/12/y"):
        traj = read_h5md(trajectory_path(tmp_path, key))
        assert traj.position.shape[1:] == (9, 2) and traj.orientation.shape == traj.position.shape
        assert np.all(np.diff(traj.step) == 100) and traj.step[0] == 100
        np.testing.assert_allclose(np.linalg.norm(traj.orientation, axis=2), 1.0, rtol=1e-12)
        np.testing.assert_allclose(traj.dipole_moment, config["q"] * config["l"])
        assert np.all((traj.position >= 0) & (traj.position < traj.edges[:, None, :]))
    assert len(list((tmp_path / "md" / "trajectories").glob("*.h5"))) == 3
