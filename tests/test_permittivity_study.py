"""The main job (demos/permittivity.py): routes agree on a tiny system; SIGKILL + --resume reproduces it."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
TINY = """study = "permittivity"
n_particles = 16
equil_steps = 200
fluct_steps = 3000
fluct_replicas = 2
ac_steps = 1000
omegas = [6.0, 12.0]
max_lag = 150
blocks = 4
closures = ["lorentz_fitted", "local_equilibrium"]
"""


def cli(args):
    env = dict(os.environ, NUMBA_NUM_THREADS="1")
    return subprocess.Popen([sys.executable, "-m", "hydrobridge.cli", *args], env=env, cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def test_fluctuation_tensor_trace_is_the_scalar_formula():
    from hydrobridge.particles.dipolar.response import fluctuation_permittivity, fluctuation_permittivity_tensor

    rng = np.random.default_rng(0)
    m = np.cumsum(rng.normal(size=(4000, 2)), axis=0) * 0.05   # a strongly correlated signal
    w = np.array([0.5, 2.0])
    scalar, _ = fluctuation_permittivity(m, 0.01, w, 1.0, 1.0, 100.0, max_lag=200, n_blocks=4)
    tensor, _ = fluctuation_permittivity_tensor(m, 0.01, w, 1.0, 1.0, 100.0, max_lag=200, n_blocks=4)
    np.testing.assert_allclose(0.5 * (tensor[:, 0, 0] + tensor[:, 1, 1]), scalar, rtol=1e-10)


def test_sigkill_and_resume_reproduce_the_summary(tmp_path):
    cfg = tmp_path / "tiny.toml"
    cfg.write_text(TINY)
    ref = cli(["run", str(cfg), "--out", str(tmp_path / "ref")])
    assert ref.wait(900) == 0, ref.stderr.read().decode()[-3000:]
    victim = cli(["run", str(cfg), "--out", str(tmp_path / "killed")])
    folder = tmp_path / "killed" / "md" / "tasks"
    deadline = time.time() + 600
    while time.time() < deadline:
        done = sum(len(f.read_text().splitlines()) for f in folder.glob("rank*.jsonl")) if folder.exists() else 0
        if done >= 3:
            break
        time.sleep(0.05)
    victim.send_signal(signal.SIGKILL)
    victim.wait()
    assert not (tmp_path / "killed" / "summary.json").exists()
    resumed = cli(["run", str(cfg), "--out", str(tmp_path / "killed"), "--resume"])
    assert resumed.wait(900) == 0, resumed.stderr.read().decode()[-3000:]
    a = json.loads((tmp_path / "ref" / "summary.json").read_text())
    b = json.loads((tmp_path / "killed" / "summary.json").read_text())
    assert a.pop("provenance")["resumed"] is False and b.pop("provenance")["resumed"] is True   # run-specific
    assert a == b
    # the routes: AC and fluctuations within 4 combined standard errors; local equilibrium has no response
    for s in a["ac_vs_fluctuation_sigma"]:
        assert s < 4
    le = np.array(a["continuum"]["local_equilibrium"]["tensor_re"])
    assert np.allclose(le, np.eye(2), atol=1e-9)
    # linear closures go through the frequency domain by default, with a dense curve
    for closure in ("lorentz_fitted", "local_equilibrium"):
        assert a["continuum"][closure]["route"] == ["frequency", "frequency"]
        assert len(a["continuum"][closure]["dense"]["omegas"]) >= 100
    # the fitted Lorentz closure's continuum response is its analytic spectrum (docs/theory.md (4.15))
    fit = a["fitted_closures"]["lorentz"]
    w = np.array(a["continuum"]["lorentz_fitted"]["dense"]["omegas"])
    exact = 1 + fit["chi_s"] * fit["w0"] ** 2 / (fit["w0"] ** 2 - w**2 - 1j * w * fit["friction"])
    dense = np.array(a["continuum"]["lorentz_fitted"]["dense"]["eps_re"]) + 1j * np.array(
        a["continuum"]["lorentz_fitted"]["dense"]["eps_im"])
    assert np.max(np.abs(dense - exact) / np.abs(exact - 1)) < 1e-8
    assert (tmp_path / "ref" / "eps.png").exists()
    # the nonlocal response at the box's 3 smallest wavevectors (docs/theory.md (4.21), (4.26)): MD with errors, the
    # local mean-field continuum, the correlated one
    nonlocal_ = a["eps_longitudinal_k"]
    assert len(nonlocal_["k"]) == 3 and all(e > 0 for e in nonlocal_["md"]["err_eps_L"])
    assert np.allclose(nonlocal_["mean_field"]["eps_L"], a["ideal_rotor_eps"], rtol=1e-12)
    for name in ("correlated", "correlated_rpa"):        # with their nonlocal kernels (4.29)
        row = nonlocal_[name]
        assert len(row["eps_L"]) == len(row["eps_T"]) == len(row["fraction_of_mean_field_error_removed"]) == 3
    assert (tmp_path / "ref" / "eps_L_k.png").exists()
