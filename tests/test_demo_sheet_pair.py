"""The foundation demo runs, writes its outputs, and its lock-in amplitude matches the exact one."""

import json

from demos.sheet_pair_poisson import main


def test_sheet_pair_demo_quick(tmp_path):
    summary = main(["--quick", "--out", str(tmp_path), "--orientation", "45"])
    assert (tmp_path / "summary.json").exists() and (tmp_path / "lineout.png").exists()
    assert (tmp_path / "fields.bp").is_dir()
    assert json.loads((tmp_path / "summary.json").read_text())["orientation"] == "45"
    assert summary["potential_drop_lockin"]["relative_error"] < 1e-5
