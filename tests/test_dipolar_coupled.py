"""demos/dipolar_coupled: the quick configuration end to end, the closures it transmits, resume after SIGKILL."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from hydrobridge.demos.dipolar_coupled import QUICK, SCHEMA, run_study
from hydrobridge.cli import main
from hydrobridge.config import validate

ROOT = Path(__file__).resolve().parents[1]


def test_shipped_config_is_valid():
    assert main(["validate", str(ROOT / "demos" / "configs" / "dipolar_coupled.toml")]) == 0


@pytest.fixture(scope="module")
def quick_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("coupled")
    config = validate(QUICK, SCHEMA)
    return config, out, run_study(config, out)


def test_quick_run_writes_every_output(quick_run):
    config, out, summary = quick_run
    for name in ("summary.json", "closures.json", "profiles.png", "response.png"):
        assert (out / name).exists(), name
    assert sorted(p.name for p in (out / "fields").glob("*.bp")) == sorted(
        f"{c}{s}.bp" for c in config["closures"] for s in ("", "_d2"))
    assert json.loads((out / "summary.json").read_text()) == json.loads(json.dumps(summary))


def test_local_equilibrium_has_no_polarisation_response(quick_run):
    # P_dw = 0: the polarisation can only rotate, and it starts at zero (docs/theory.md §3)
    _, _, summary = quick_run
    for key in ("local_equilibrium/mf", "local_equilibrium/d2"):
        assert summary["continuum"][key]["P_x_error"] == pytest.approx(1.0, abs=1e-12)


def test_debye_continuum_drop_is_the_closure_permittivity(quick_run):
    # homogeneous medium between the sheets: drop^ = drop_vacuum / eps(w), eps = 1 + chi_s / (1 - i w tau_D);
    # up to the Rusanov flux's O(h) smearing of the jump of p at the sheets (2.5 % on the quick 8-cell mesh,
    # 1.5 % on 16 cells); this checks that the fitted (chi_s, tau_D) reach the continuum and its lock-in
    config, _, summary = quick_run
    fit = summary["fitted_closures"]["equilibrium"]
    eps = 1 + fit["chi_s"] / (1 - 1j * config["omega"] * fit["tau_D"])
    drop = complex(*summary["continuum"]["debye/mf"]["drop_amp"])
    assert abs(drop - summary["md"]["drop_vacuum"] / eps) < 0.04 * abs(drop)


def test_symmetrised_d2_correction_vanishes_in_linear_response(quick_run):
    # uniform density: S_x = S_th = 0 exactly; rho responds only at second order in the forcing
    _, _, summary = quick_run
    for c in ("local_equilibrium", "debye"):
        a, b = summary["continuum"][f"{c}/mf"], summary["continuum"][f"{c}/d2"]
        assert abs(a["drop_error"] - b["drop_error"]) < 1e-3


def test_resume_of_a_finished_run_gives_the_same_summary(quick_run):
    config, out, summary = quick_run
    resumed = run_study(config, out, resume=True)
    assert resumed.pop("provenance")["resumed"] and not summary["provenance"]["resumed"]
    assert resumed == {k: v for k, v in summary.items() if k != "provenance"}


def _cli(args, tmp_path):
    env = dict(os.environ, NUMBA_NUM_THREADS="1")
    return subprocess.Popen(args, env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            start_new_session=True)


@pytest.mark.slow
def test_sigkill_under_mpi_and_resume_give_the_serial_summary(tmp_path):
    mpiexec = Path(sys.executable).with_name("mpiexec")
    if not mpiexec.exists():
        pytest.skip(f"no mpiexec next to {sys.executable}")
    lines = ['study = "dipolar_coupled"'] + [f"{k} = {json.dumps(v)}" for k, v in QUICK.items()]
    cfg = tmp_path / "quick.toml"
    cfg.write_text("\n".join(lines) + "\n")
    cli = [sys.executable, "-m", "hydrobridge.cli", "run", str(cfg)]
    ref = _cli(cli + ["--out", str(tmp_path / "ref")], tmp_path)
    assert ref.wait(900) == 0, ref.stderr.read().decode()
    par = [str(mpiexec), "-n", "2"] + cli + ["--out", str(tmp_path / "killed")]
    victim = _cli(par, tmp_path)
    tasks = tmp_path / "killed" / "md" / "tasks"
    deadline = time.time() + 600
    while time.time() < deadline and sum(len(f.read_text().splitlines()) for f in tasks.glob("rank*.jsonl")) < 4:
        time.sleep(0.05)
    os.killpg(victim.pid, signal.SIGKILL)
    victim.wait()
    assert not (tmp_path / "killed" / "summary.json").exists()
    resumed = _cli(par + ["--resume"], tmp_path)
    assert resumed.wait(900) == 0, resumed.stderr.read().decode()
    a = json.loads((tmp_path / "ref" / "summary.json").read_text())
    b = json.loads((tmp_path / "killed" / "summary.json").read_text())
    assert a.pop("provenance")["resumed"] is False and b.pop("provenance")["resumed"] is True   # run-specific
    assert a == b
    assert np.isfinite(a["md"]["drop_amp"]).all()
