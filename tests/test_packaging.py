"""The distribution: one top-level package `hydrobridge` holding every repository subpackage and the shipped
configurations; `hydrobridge template` writes configurations that validate; a wheel installed in a fresh
virtual environment runs the quick main job from any folder."""

import importlib
import json
import math
import os
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hydrobridge.cli import STUDIES, main, resolve
from hydrobridge.templates import presets, shipped_configs, toml_value

ROOT = Path(__file__).resolve().parents[1]
#: package in the installed namespace -> its repository folder
PACKAGE_DIRS = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["package-dir"]
SUBPACKAGES = ("continuum", "closures", "particles", "particles.dipolar", "particles.hard_rods",
               "particles.kinetic", "meshes", "demos")
TOP_LEVEL_NAMES = ("continuum", "closures", "particles", "meshes", "demos")


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """The wheel built like a release: sdist first, the wheel from the unpacked sdist."""
    out = tmp_path_factory.mktemp("dist")
    proc = subprocess.run([sys.executable, "-m", "build", "--no-isolation", "--outdir", str(out), str(ROOT)],
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    (whl,) = out.glob("hydrobridge-*.whl")
    return whl


def test_wheel_holds_one_top_level_package_with_every_subpackage_and_the_configs(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    dist_info = wheel.name.split("-py3")[0] + ".dist-info"
    assert {n.split("/")[0] for n in names} == {"hydrobridge", dist_info}
    modules = {f"{package.replace('.', '/')}/{path.relative_to(ROOT / folder).as_posix()}"
               for package, folder in PACKAGE_DIRS.items() for path in (ROOT / folder).rglob("*.py")}
    assert modules - names == set(), "repository modules missing from the wheel"
    for sub in SUBPACKAGES:
        assert f"hydrobridge/{sub.replace('.', '/')}/__init__.py" in names
    configs = {f"hydrobridge/demos/configs/{p.name}" for p in (ROOT / "demos" / "configs").glob("*.toml")}
    assert configs and configs <= names
    entry_points = zipfile.ZipFile(wheel).read(f"{dist_info}/entry_points.txt").decode()
    assert "hydrobridge = hydrobridge.cli:main" in entry_points


def test_the_package_tree_imports_without_top_level_names(tmp_path):
    """Import every module of every subpackage from an unrelated folder: none of the repository folder names
    becomes a top-level module, and none is importable as one."""
    script = f"""
import importlib, importlib.util, json, pkgutil, sys
import hydrobridge
for sub in {SUBPACKAGES!r}:
    package = importlib.import_module("hydrobridge." + sub)
    for info in pkgutil.iter_modules(package.__path__, package.__name__ + "."):
        importlib.import_module(info.name)
names = {TOP_LEVEL_NAMES!r}
print(json.dumps({{"loaded": sorted(set(names) & set(sys.modules)),
                  "importable": [n for n in names if importlib.util.find_spec(n) is not None],
                  "modules": sum(m.startswith("hydrobridge.") for m in sys.modules)}}))
"""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    proc = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, env=env, capture_output=True, text=True,
                          timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    result = json.loads(proc.stdout.splitlines()[-1])
    assert result["loaded"] == [] and result["importable"] == []
    assert result["modules"] > 40


@pytest.mark.parametrize("name", shipped_configs())
def test_template_writes_each_shipped_configuration_and_it_validates(name, tmp_path, capsys):
    target = tmp_path / f"{name}.toml"
    assert main(["template", name, "-o", str(target)]) == 0
    assert target.read_text() == (ROOT / "demos" / "configs" / f"{name}.toml").read_text()
    resolve(tomllib.loads(target.read_text()), str(target))
    assert main(["template", name, "-o", str(target)]) == 2, "an existing file must not be overwritten"
    assert "exists" in capsys.readouterr().err


@pytest.mark.parametrize("study, preset", [(s, p) for s, m in STUDIES.items()
                                           for p in presets(importlib.import_module(m))])
def test_template_with_a_preset_is_what_the_study_module_runs_with_that_flag(study, preset, tmp_path,
                                                                             monkeypatch):
    """`template STUDY --preset P` gives the configuration that `python -m hydrobridge.demos.STUDY --P` runs."""
    assert main(["template", study, "--preset", preset, "-o", str(tmp_path / "c.toml")]) == 0
    raw = tomllib.loads((tmp_path / "c.toml").read_text())
    module, config = resolve(raw, "template")
    ran = {}
    monkeypatch.setattr(module, "run_study", lambda config, out, resume: ran.update(config))
    module.main([f"--{preset}"])
    assert raw["study"] == study and config == ran


def test_template_names_what_exists_on_a_bad_request(capsys):
    assert main(["template", "permittivity", "--preset", "nope"]) == 2
    assert "['ideal', 'quick']" in capsys.readouterr().err
    assert main(["template", "permittivity_continuum", "--preset", "quick"]) == 2
    assert "no presets" in capsys.readouterr().err
    assert main(["template", "nope"]) == 2
    assert "permittivity_large" in capsys.readouterr().err


scalars = st.one_of(st.booleans(), st.integers(-2**63, 2**63 - 1), st.floats(allow_nan=False), st.text())


@given(st.one_of(scalars, st.lists(st.one_of(st.booleans(), st.integers(-2**63, 2**63 - 1))),
                 st.lists(st.floats(allow_nan=False)), st.lists(st.text())))
def test_toml_value_round_trips(value):
    back = tomllib.loads(f"k = {toml_value('k', value)}")["k"]
    assert back == value and type(back) is type(value)


def test_toml_value_writes_nan_and_rejects_what_toml_cannot_hold():
    assert math.isnan(tomllib.loads(f"k = {toml_value('k', math.nan)}")["k"])
    with pytest.raises(TypeError, match="closures = None"):
        toml_value("closures", None)


@pytest.mark.slow
def test_the_wheel_in_a_fresh_venv_runs_the_quick_main_job_from_any_folder(wheel, tmp_path):
    """pip install the wheel (dependencies from the index) into a new venv outside the repository; from an
    unrelated folder: `hydrobridge template permittivity --preset quick` then `mpiexec -n 2 hydrobridge run`."""
    venv = tmp_path / "venv"
    bin_dir = venv / "bin"
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env.update(PATH=f"{bin_dir}{os.pathsep}{env.get('PATH', '')}", NUMBA_NUM_THREADS="1")

    def run(*cmd, cwd=tmp_path):
        proc = subprocess.run([str(c) for c in cmd], cwd=cwd, env=env, capture_output=True, text=True, timeout=3600)
        assert proc.returncode == 0, f"{cmd} failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
        return proc.stdout

    run(sys.executable, "-m", "venv", venv)
    run(bin_dir / "python", "-m", "pip", "install", "--quiet", wheel)
    optional = run(bin_dir / "python", "-c", "import importlib.util as u; print([m for m in ('gmsh', 'meshio') "
                   "if u.find_spec(m)])")
    assert optional.strip() == "[]", "the base install must not need the [mesh] extra"
    work = tmp_path / "elsewhere"
    work.mkdir()
    run(bin_dir / "hydrobridge", "template", "permittivity", "--preset", "quick", "-o", "eps.toml", cwd=work)
    run(bin_dir / "mpiexec", "-n", "2", bin_dir / "hydrobridge", "run", "eps.toml", "--out", "out", cwd=work)
    summary = json.loads((work / "out" / "summary.json").read_text())
    for key in ("study", "config", "frequencies", "md_ac", "md_fluctuation", "continuum", "best_closure"):
        assert key in summary
    assert summary["config"]["n_particles"] == 36 and summary["frequencies"] == [2.0, 5.0, 12.0]
    assert (work / "out" / "eps.png").stat().st_size > 0
