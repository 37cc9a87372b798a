"""Demos run in --quick mode, write their outputs, and their headline numbers match the exact ones."""

import json

from demos.sheet_pair_poisson import main


def test_sheet_pair_demo_quick(tmp_path):
    summary = main(["--quick", "--out", str(tmp_path), "--orientation", "45"])
    assert (tmp_path / "summary.json").exists() and (tmp_path / "lineout.png").exists()
    assert (tmp_path / "fields.bp").is_dir()
    assert json.loads((tmp_path / "summary.json").read_text())["orientation"] == "45"
    assert summary["potential_drop_lockin"]["relative_error"] < 1e-5


def test_permittivity_continuum_demo(tmp_path):
    from demos.permittivity_continuum import main as eps_main

    summary = eps_main(["--quick", "--omegas", "1.0", "--out", str(tmp_path)])
    row = summary["sweep"][0]
    assert row["relative_error_xx"] < 5e-3 and row["anisotropy"] < 1e-3
    for name in ("summary.json", "eps.png", "field_run/diagnostics.csv", "field_run/checkpoint.npz"):
        assert (tmp_path / name).exists(), name
