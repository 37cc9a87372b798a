"""`hydrobridge` CLI: validation messages, and SIGKILL + --resume reproduces the uninterrupted summary."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from hydrobridge.cli import main

ROOT = Path(__file__).resolve().parents[1]
CONFIG = """study = "permittivity_continuum"
closure = "debye"
omegas = [1.0, 3.0, 10.0]
"""


def test_every_problem_is_reported_once(tmp_path, capsys):
    bad = tmp_path / "bad.toml"
    bad.write_text('study = "permittivity_continuum"\nclosure = "lorentz"\ntua = 1.0\ndensity = -2\nomegas = [1.0, "x"]\n')
    assert main(["validate", str(bad)]) == 2
    err = capsys.readouterr().err
    for expected in ("tua: unknown key (did you mean 'tau'?)", "closure = 'lorentz'", "density = -2: expected > 0.0",
                     "omegas = [1.0, 'x']: expected a list of float"):
        assert expected in err
    (tmp_path / "s.toml").write_text('study = "nope"\n')
    assert main(["validate", str(tmp_path / "s.toml")]) == 2
    assert "expected one of" in capsys.readouterr().err


@pytest.mark.parametrize("name", ["sheet_pair_poisson", "permittivity_continuum"])
def test_shipped_configs_are_valid(name):
    assert main(["validate", str(ROOT / "demos" / "configs" / f"{name}.toml")]) == 0


def run_cli(args, **kw):
    env = dict(os.environ)
    return subprocess.Popen([sys.executable, "-m", "hydrobridge.cli", *args], env=env, cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kw)


def test_sigkill_and_resume_give_the_same_summary(tmp_path):
    cfg = tmp_path / "eps.toml"
    cfg.write_text(CONFIG)
    ref = run_cli(["run", str(cfg), "--out", str(tmp_path / "ref")])
    assert ref.wait(600) == 0, ref.stderr.read().decode()
    victim = run_cli(["run", str(cfg), "--out", str(tmp_path / "killed")])
    partial = tmp_path / "killed" / "sweep_partial.jsonl"
    deadline = time.time() + 300
    while time.time() < deadline and (not partial.exists() or len(partial.read_text().splitlines()) < 4):
        time.sleep(0.05)
    victim.send_signal(signal.SIGKILL)
    victim.wait()
    assert not (tmp_path / "killed" / "summary.json").exists()
    resumed = run_cli(["run", str(cfg), "--out", str(tmp_path / "killed"), "--resume"])
    assert resumed.wait(600) == 0, resumed.stderr.read().decode()
    a = json.loads((tmp_path / "ref" / "summary.json").read_text())
    b = json.loads((tmp_path / "killed" / "summary.json").read_text())
    assert a.pop("provenance")["resumed"] is False and b.pop("provenance")["resumed"] is True   # run-specific
    assert a == b


def test_study_main_merges_presets_and_rejects_bad_ones(tmp_path, capsys):
    """python -m hydrobridge.demos.X: preset flags are merged in order and validated like a TOML file."""
    from hydrobridge.config import Option, study_main

    schema = {"n": Option(int, 4, "size", minimum=1), "w": Option(float, 1.0, "frequency")}
    seen = {}

    def run_study(config, out, resume):
        seen.update(config=config, out=out, resume=resume)
        return config

    presets = {"quick": ({"n": 2}, "small"), "fast": ({"w": 3.0}, "high w"), "broken": ({"n": 0}, "bad")}
    assert study_main("demo", schema, run_study, "out/x", presets, ["--quick", "--fast", "--resume"]) == \
        {"n": 2, "w": 3.0}
    assert seen["out"] == Path("out/x") and seen["resume"] is True
    with pytest.raises(SystemExit):
        study_main("demo", schema, run_study, "out/x", presets, ["--broken"])
    assert "n = 0" in capsys.readouterr().err
