"""Demos run in --quick mode, write their outputs, and their headline numbers match the exact ones."""

import json

import numpy as np
import pytest

from hydrobridge.particles.h5md import read_h5md

from hydrobridge.demos.sheet_pair_poisson import main


def test_sheet_pair_demo_quick(tmp_path):
    summary = main(["--quick", "--out", str(tmp_path), "--orientation", "45"])
    assert (tmp_path / "summary.json").exists() and (tmp_path / "lineout.png").exists()
    assert (tmp_path / "fields.bp").is_dir()
    assert json.loads((tmp_path / "summary.json").read_text())["orientation"] == "45"
    assert summary["potential_drop_lockin"]["relative_error"] < 1e-5


def test_permittivity_continuum_demo(tmp_path):
    from hydrobridge.demos.permittivity_continuum import main as eps_main

    summary = eps_main(["--quick", "--omegas", "1.0", "--out", str(tmp_path)])
    row = summary["sweep"][0]
    assert row["relative_error_xx"] < 5e-3 and row["anisotropy"] < 1e-3
    for name in ("summary.json", "eps.png", "field_run/diagnostics.csv", "field_run/checkpoint/manifest.json"):
        assert (tmp_path / name).exists(), name


def test_hard_rods_relaxation_demo_tiny_ring(tmp_path):
    """Figure 2 (Biagetti et al.) end to end on a ring of 10 rods: every sample up to --t-bar-end kept, MD energy conserved,
    gBBGKY number to round-off and energy to 1e-8, both from the boosted state's exact kurtosis; a ring that
    holds no whole number of rods is refused."""
    from hydrobridge.demos.hard_rods_relaxation import main as rods_main

    rods_main(["--out", str(tmp_path), "--case", "0", "--n-real", "2", "--t-bar-end", "0.005", "--dt-bar", "0.0025",
               "--grid", "24", "8", "2", "--ring", "50", "--trajectory-every", "1"])
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert summary["ring"] == 50 and (tmp_path / "hard_rods_relaxation.png").exists()
    traj = read_h5md(tmp_path / "md" / "trajectories" / "case0.h5")      # realisation 0, every sample
    assert traj.position.shape == (3, 10, 1) and traj.velocity.shape == (3, 10, 1) and traj.step[0] == 0
    assert np.all((traj.position >= 0) & (traj.position < 50))
    case = summary["cases"][0]
    assert len(case["t_bar"]) == 3 and case["md"]["energy_rel_err"] < 1e-8 and case["md"]["min_gap"] > 0
    assert summary["propagator"] == "both" and len(case["gbbgky"]) == 6          # 3 truncations x 2 propagators
    kin = case["gbbgky"]
    assert kin["SB.1 (a V0)^2, correlated pairs"]["kurtosis"][-1] != kin["SB.1 (a V0)^2"]["kurtosis"][-1]
    for kin in case["gbbgky"].values():
        assert kin["number_rel_err"] < 1e-12 and kin["energy_rel_err"] < 1e-8
        assert abs(kin["kurtosis"][0] - case["kurtosis_initial_exact"]) < 1e-3
    with pytest.raises(ValueError, match="--ring"):
        rods_main(["--out", str(tmp_path), "--ring", "52"])


def test_hard_rods_relaxation_demo_parity(tmp_path):
    """--parity on a ring of 10 rods at a weaker --v0: the -V0 ensemble starts from the same states (the even and odd
    parts vanish at t = 0), the leading order's odd part is zero to round-off (theory.md (5.33)) while the MD's is
    not, and the parity figure is written; a non-positive --v0 is refused."""
    from hydrobridge.demos.hard_rods_relaxation import main as rods_main

    rods_main(["--out", str(tmp_path), "--case", "0", "--n-real", "2", "--t-bar-end", "0.0045", "--dt-bar", "0.0015",
               "--grid", "24", "8", "2", "--ring", "50", "--v0", "2", "--parity", "--kinetic-start", "0.001"])
    summary = json.loads((tmp_path / "summary.json").read_text())
    case = summary["cases"][0]
    assert case["v0"] == 2 and case["case"].endswith("V0=2") and (tmp_path / "hard_rods_parity.png").exists()
    md = case["parity"]["md"]
    assert md["even"][0] == 0.0 and md["odd"][0] == 0.0 and abs(md["odd"][-1]) > 1e-6
    assert summary["kinetic_start"] == 0.001 and md["slope_even_err"] > 0       # 3 samples in the kinetic window
    assert md["slope_even"] == pytest.approx(np.polyfit(case["t_bar"][1:], md["even"][1:], 1)[0], rel=1e-9)
    assert "moments" not in case["md"] and case["md_minus_v0"]["energy_drift_per_rod"] < 1e-8
    for name in ("SB.1 (a V0)^2", "SB.1 (a V0)^2, correlated pairs"):       # (5.36) keeps the parity of (5.15)
        lo = case["parity"]["gbbgky"][name]
        assert np.abs(lo["odd"]).max() < 1e-13 and abs(lo["even"][-1]) > 1e-4
    with pytest.raises(ValueError, match="--v0"):
        rods_main(["--out", str(tmp_path), "--v0", "-2"])
    with pytest.raises(ValueError, match="--kinetic-start"):
        rods_main(["--out", str(tmp_path), "--kinetic-start", "-1"])
