"""`hydrobridge validate` rejects, before any work and with one line naming the key, everything `run` would
die on or that makes the model meaningless; `hydrobridge run` on the same file exits 2 without creating
its output folder. The table CASES is the user-facing contract (docs: the studies' SCHEMA and RULES)."""

from __future__ import annotations

import math
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from conftest import mpiexec
from hydrobridge.cli import main

ROOT = Path(__file__).resolve().parents[1]
CONFIGS = ROOT / "demos" / "configs"

#: file problems (the `value` column of a case whose key is the configuration path)
DIRECTORY, NOT_UTF8, NOT_TOML, MISSING, OUT_IS_FILE = "<a folder>", "<non-UTF-8 bytes>", "<not TOML>", "<missing>", \
    "<an existing file>"

#: (study config, key, bad value or file problem, fragment of the one expected problem line)
CASES = [
    ("permittivity", "omegas", [], "omegas = []: expected a non-empty list"),
    ("permittivity", "omegas[2]", [1.0, 3.0, math.nan], "omegas[2] = nan: expected a finite number"),
    ("permittivity", "omegas[2]", [1.0, 3.0, 1.0], "omegas[2] = 1.0: expected unique items, repeats omegas[0]"),
    ("permittivity", "omegas[1]", [2.0, 2.0000001], "omegas[1] = 2.0000001: expected unique items, repeats omegas[0]"),
    ("permittivity", "omegas[1]", [1.0, -2.0], "omegas[1] = -2.0: expected > 0.0"),
    ("permittivity", "omegas[1]", [2.0, 1000.0], "omegas[1] = 1000.0: expected <= 2 pi / (16 dt) = 78.54"),
    ("permittivity", "omegas", [1.0, "x"], "omegas = [1.0, 'x']: expected a list of float"),
    ("permittivity", "closures", [], "closures = []: expected a non-empty list"),
    ("permittivity", "closures[1]", ["grad", "lorentz"], "closures[1] = 'lorentz': expected one of"),
    ("permittivity", "closures[1]", ["grad", "grad"], "closures[1] = 'grad': expected unique items"),
    ("permittivity", "dt", math.nan, "dt = nan: expected a finite number"),
    ("permittivity", "dt", 1e6, "expected dt <= 0.2 / w_max = 0.0113"),
    ("permittivity", "dt", "0.005", "dt = '0.005': expected float, got str"),
    ("permittivity", "e0", math.inf, "e0 = inf: expected a finite number"),
    ("permittivity", "e0", 100.0, "field energy mu E = 150 > kT"),
    ("permittivity", "density", 1e6, "packing fraction n pi s^2 / 4 = 7.854e+05"),
    ("permittivity", "blocks", 100000, "blocks of fluct_steps // blocks = 0 samples; expected more than max_lag"),
    ("permittivity", "max_lag", 50000, "blocks of fluct_steps // blocks = 4000 samples; expected more than max_lag"),
    ("permittivity", "blocks", True, "blocks = True: expected int, got bool"),
    ("permittivity", "fluct_steps", 40000.0, "fluct_steps = 40000.0: expected int, got float"),
    ("permittivity", "n_particles", -5, "n_particles = -5: expected >= 2"),
    ("permittivity", "fluct_replicas", 0, "fluct_replicas = 0: expected >= 1"),
    ("permittivity", "kt", 1.0, "kt: unknown key (did you mean 'kT'?)"),
    ("permittivity", "interactions", 1, "interactions = 1: expected bool, got int"),
    ("permittivity", "l", 2.0, "expected l < s = 1"),
    ("permittivity", "gamma_r", 1000.0, "gamma_r = 1000.0, interactions = True: expected dt <= 0.2 / w_max"),
    ("permittivity", "kT", -1.0, "kT = -1.0: expected > 0.0"),
    ("permittivity", "seed", -1, "seed = -1: expected >= 0"),
    ("permittivity", "q", {"a": 1}, "q = {'a': 1}: expected float, got dict"),
    ("dipolar_coupled", "mesh_cells", 6, "mesh_cells = 6: expected a multiple of 4"),
    ("dipolar_coupled", "pair_bins", 8, "pair_bins = 8: expected an odd number"),
    ("dipolar_coupled", "pair_bins", 13, "expected pair_bins <= mesh_cells / sqrt(2) = 11.3"),
    ("dipolar_coupled", "eos_densities", [0.6, 0.75], "expected densities other than density"),
    ("dipolar_coupled", "eos_densities[1]", [0.45, 2.0], "eos_densities[1] = 2.0: packing fraction 1.571"),
    ("dipolar_coupled", "uniform_omegas", [], "uniform_omegas = []: expected a non-empty list"),
    ("dipolar_coupled", "uniform_periods", 4, "expected uniform_periods >= blocks"),
    ("dipolar_coupled", "sheet_width", 5.0, "expected sheet_width <= L / 8 = 0.9682"),
    ("dipolar_coupled", "sigma0", 10.0, "field energy mu sigma0 / (2 eps0) = 7.5 > kT"),
    ("dipolar_coupled", "omega", 500.0, "omega = 500.0, dt = 0.005: expected omega <= 2 pi / (16 dt) = 78.54"),
    ("dipolar_coupled", "max_lag", 5000, "blocks of eq_steps // blocks = 4000 samples"),
    ("dipolar_coupled", "sample_every", 1000, "4 pressure samples in the shorter of eq_steps, eos_steps"),
    ("permittivity_continuum", "omegas", [], "omegas = []: expected a non-empty list"),
    ("permittivity_continuum", "omegas[1]", [1.0, 1e-9], "omegas[1] needs 7.85e+09 time steps per period"),
    ("permittivity_continuum", "closure", "lorentz", "closure = 'lorentz': expected one of ['debye', 'grad']"),
    ("permittivity_continuum", "tau", 0.0, "tau = 0.0: expected > 0.0"),
    ("permittivity_continuum", "density", math.nan, "density = nan: expected a finite number"),
    ("permittivity_continuum", "density", 1e9, "time steps per period; expected <= 20000"),
    ("sheet_pair_poisson", "n", 30, "n = 30: expected a multiple of 4"),
    ("sheet_pair_poisson", "n", 100000, "n = 100000: expected <= 512"),
    ("sheet_pair_poisson", "degree", 3, "degree = 3: expected one of [1, 2]"),
    ("sheet_pair_poisson", "orientation", "z", "orientation = 'z': expected one of ['x', 'y', '45']"),
    ("sheet_pair_poisson", "steps_per_period", 2, "steps_per_period = 2: expected >= 3"),
    ("sheet_pair_poisson", "study", "nope", "study = 'nope': expected one of"),
    ("sheet_pair_poisson", "study", ["x"], "study = ['x']: expected one of"),
    ("sheet_pair_poisson", "out", OUT_IS_FILE, "expected a folder, found an existing file"),
    ("sheet_pair_poisson", "config.toml", DIRECTORY, "a folder; expected a TOML configuration file"),
    ("sheet_pair_poisson", "config.toml", NOT_UTF8, "byte 0xff at line 2 is not UTF-8"),
    ("sheet_pair_poisson", "config.toml", NOT_TOML, "not valid TOML"),
    ("sheet_pair_poisson", "config.toml", MISSING, "no such configuration file"),
]


def toml_value(v) -> str:
    """TOML literal of a test value (nan and inf included)."""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float) and not math.isfinite(v):
        return ("-" if v < 0 else "") + ("nan" if math.isnan(v) else "inf")
    if isinstance(v, str):
        return '"' + v + '"'
    if isinstance(v, list):
        return "[" + ", ".join(toml_value(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{" + ", ".join(f"{k} = {toml_value(x)}" for k, x in v.items()) + "}"
    return repr(v)


def write_config(raw: dict, path: Path) -> Path:
    path.write_text("".join(f"{k} = {toml_value(v)}\n" for k, v in raw.items()))
    return path


def bad_config(tmp_path: Path, study: str, key: str, value) -> Path:
    """The shipped config of `study` with `key` set to `value` (or the file problem), out under tmp_path."""
    raw = tomllib.loads((CONFIGS / f"{study}.toml").read_text())
    raw["out"] = str(tmp_path / "out")
    path = tmp_path / "config.toml"
    if value == DIRECTORY:
        path.mkdir()
    elif value == NOT_UTF8:
        path.write_bytes(b'study = "sheet_pair_poisson"\n# caf\xff\n')
    elif value == NOT_TOML:
        path.write_text('study = "sheet_pair_poisson"\nn = \n')
    elif value == OUT_IS_FILE:
        (tmp_path / "out").write_text("a file")
        write_config(raw, path)
    elif value != MISSING:
        raw[key.split("[")[0]] = value
        write_config(raw, path)
    return path


def problem_lines(err: str) -> list[str]:
    return [line for line in err.splitlines() if line.startswith("  - ")]


@pytest.mark.parametrize("study,key,value,fragment", CASES, ids=[f"{c[0]}-{c[1]}-{i}" for i, c in enumerate(CASES)])
def test_validate_and_run_reject_before_any_work(tmp_path, capsys, study, key, value, fragment):
    path = bad_config(tmp_path, study, key, value)
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err
    lines = problem_lines(err)
    assert len(lines) == 1, err
    assert key in lines[0] and fragment in lines[0], err
    assert "Traceback" not in err
    existed = (tmp_path / "out").exists()
    assert main(["run", str(path)]) == 2
    assert capsys.readouterr().err == err
    assert (tmp_path / "out").exists() == existed        # nothing created (an existing file left alone)


def test_run_out_override_is_validated(tmp_path, capsys):
    """--out replaces the config's `out` and is checked like it: an existing file is refused, naming --out."""
    (tmp_path / "file").write_text("x")
    path = bad_config(tmp_path, "sheet_pair_poisson", "out", str(tmp_path / "ok"))
    assert main(["run", str(path), "--out", str(tmp_path / "file")]) == 2
    err = capsys.readouterr().err
    assert "--out = " in err and "expected a folder, found an existing file" in err
    assert (tmp_path / "file").read_text() == "x" and not (tmp_path / "ok").exists()


def test_every_problem_at_once(tmp_path, capsys):
    raw = tomllib.loads((CONFIGS / "dipolar_coupled.toml").read_text())
    raw.update(out=str(tmp_path / "out"), mesh_cells=6, dt=math.nan, closures=[], eos_densities=[0.45, 0.45])
    assert main(["validate", str(write_config(raw, tmp_path / "c.toml"))]) == 2
    lines = problem_lines(capsys.readouterr().err)
    assert [next(k for k in ("mesh_cells", "dt", "closures", "eos_densities[1]") if k in line) for line in lines] == \
        ["dt", "eos_densities[1]", "mesh_cells", "closures"]


def test_messages_printed_once_under_mpiexec(tmp_path):
    """Every rank validates and exits 2; rank 0 alone prints."""
    path = bad_config(tmp_path, "sheet_pair_poisson", "n", 30)
    p = subprocess.run([mpiexec(), "-n", "2", sys.executable, "-m", "hydrobridge.cli", "run", str(path)],
                       check=False, capture_output=True, text=True, timeout=300)
    assert p.returncode == 2
    assert len(problem_lines(p.stderr)) == 1 and p.stderr.count("hydrobridge:") == 1, p.stderr
    assert not (tmp_path / "out").exists()


def test_grad_closure_frequency_near_a_resonance_is_rejected(tmp_path, capsys):
    """The undamped Grad closure's eps has a pole at w0 = 2 and a zero at w_L = w0 sqrt(1 + chi_s)."""
    raw = {"study": "permittivity_continuum", "out": str(tmp_path / "out"), "closure": "grad", "omegas": [0.5, 2.01]}
    assert main(["validate", str(write_config(raw, tmp_path / "c.toml"))]) == 2
    (line,) = problem_lines(capsys.readouterr().err)
    assert "omegas[1] within 1% of a resonance of the undamped grad closure (w0, w_L) = (2, 2.449)" in line


@pytest.mark.parametrize("study", ["permittivity", "dipolar_coupled", "permittivity_continuum", "sheet_pair_poisson"])
def test_shipped_configs_and_presets_pass_every_rule(study):
    """Every shipped config of the study, and the study's command-line presets, are valid."""
    import importlib

    from hydrobridge.config import validate

    module = importlib.import_module(f"hydrobridge.demos.{study}")
    for path in CONFIGS.glob("*.toml"):
        raw = tomllib.loads(path.read_text())
        if raw.pop("study") == study:
            validate(raw, module.SCHEMA, str(path), module.RULES)
    for preset in ("QUICK", "IDEAL"):
        if hasattr(module, preset):
            validate(getattr(module, preset), module.SCHEMA, preset, module.RULES)
