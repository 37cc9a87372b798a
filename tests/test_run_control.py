"""Run control of `hydrobridge run`: output folders that know their run (resume of another configuration refused,
stale results never mixed), failures that end every MPI rank, signals that stop resumably, progress lines."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace

import pytest

from hydrobridge.cli import main
from hydrobridge.progress import StepProgress, set_reporting, stage
from hydrobridge.run_control import Interrupted, stop_on_signals
from hydrobridge.run_folder import RECORD_NAME, RunFolderError, fingerprint, mark, prepare
from hydrobridge.tasks import run_tasks

ROOT = Path(__file__).resolve().parents[1]
MAIN_JOB = {"kT": 1.0, "fluct_steps": 40000, "omegas": [1.0, 3.0], "out": "out/demo"}
SHEETS = 'study = "sheet_pair_poisson"\nn = 8\ndegree = 1\nperiods = 1\nsteps_per_period = 8\n'
# two MD tasks per rank, tiny: the task farm's failure and interruption paths under mpiexec
TINY_PERMITTIVITY = """study = "permittivity"
n_particles = 16
equil_steps = 100
fluct_steps = 400
fluct_replicas = 2
ac_steps = 400
omegas = [12.0]
max_lag = 20
blocks = 2
closures = ["debye_ideal"]
"""


def identity(**changes):
    return fingerprint("permittivity", {**MAIN_JOB, **changes}, "1.0")


def test_resume_of_another_configuration_names_every_changed_key(tmp_path):
    out = tmp_path / "demo"
    assert prepare(out, identity(), resume=False, overwrite=False).resume is False
    (out / "tasks.jsonl").write_text("results of kT = 1\n")
    with pytest.raises(RunFolderError) as refused:
        prepare(out, identity(kT=2.0, fluct_steps=4000), resume=True, overwrite=False)
    assert str(refused.value) == (f"{out} holds a run of another configuration: fluct_steps 40000 -> 4000, "
                                  "kT 1.0 -> 2.0 (use a new --out, or --overwrite to discard it)")
    with pytest.raises(RunFolderError, match="hydrobridge 1.0 -> 2.0"):
        prepare(out, fingerprint("permittivity", MAIN_JOB, "2.0"), resume=True, overwrite=False)
    # where the results go is no part of the run's identity
    assert prepare(out, identity(out="elsewhere"), resume=True, overwrite=False).resume is True
    assert (out / "tasks.jsonl").exists()


def test_a_folder_with_results_needs_overwrite_which_empties_it(tmp_path):
    out = tmp_path / "demo"
    prepare(out, identity(), resume=False, overwrite=False)
    (out / "summary.json").write_text("{}")
    (out / "md" / "tasks").mkdir(parents=True)
    mark(out, "finished")
    with pytest.raises(RunFolderError, match="holds the results of another run"):
        prepare(out, identity(kT=2.0), resume=False, overwrite=False)
    assert prepare(out, identity(kT=2.0), resume=False, overwrite=True).resume is False
    assert sorted(p.name for p in out.iterdir()) == [RECORD_NAME]
    record = json.loads((out / RECORD_NAME).read_text())
    assert record["config"]["kT"] == 2.0 and record["status"] == "running"


def test_folders_of_unknown_files_and_files_are_never_touched(tmp_path):
    mine = tmp_path / "thesis"
    mine.mkdir()
    (mine / "chapter1.tex").write_text("precious")
    for resume, overwrite in ((False, True), (True, False)):
        with pytest.raises(RunFolderError, match="files of no hydrobridge run"):
            prepare(mine, identity(), resume=resume, overwrite=overwrite)
    assert (mine / "chapter1.tex").read_text() == "precious"
    (tmp_path / "afile").write_text("x")
    with pytest.raises(RunFolderError, match="is a file"):
        prepare(tmp_path / "afile", identity(), resume=False, overwrite=True)


def test_nothing_to_resume_starts_fresh_and_says_so(tmp_path):
    decision = prepare(tmp_path / "new", identity(), resume=True, overwrite=False)
    assert decision.resume is False and decision.note == f"{tmp_path / 'new'} holds no run to resume; starting fresh"


def test_cli_refuses_with_one_line_and_exit_2(tmp_path, capsys):
    cfg = tmp_path / "sheets.toml"
    cfg.write_text(SHEETS)
    out = tmp_path / "sheets"
    assert main(["run", str(cfg), "--out", str(out), "--resume", "--quiet"]) == 0
    assert capsys.readouterr().err.splitlines()[0] == f"hydrobridge: {out} holds no run to resume; starting fresh"
    assert json.loads((out / RECORD_NAME).read_text())["status"] == "finished"
    assert main(["run", str(cfg), "--out", str(out)]) == 2
    assert "holds the results of another run" in capsys.readouterr().err
    cfg.write_text(SHEETS.replace("n = 8", "n = 12"))
    assert main(["run", str(cfg), "--out", str(out), "--resume"]) == 2
    err = capsys.readouterr().err
    assert err == (f"hydrobridge: {out} holds a run of another configuration: n 8 -> 12 "
                   "(use a new --out, or --overwrite to discard it)\n")
    (out / "stale.png").write_text("old plot")
    assert main(["run", str(cfg), "--out", str(out), "--overwrite", "--quiet"]) == 0
    assert not (out / "stale.png").exists() and (out / "summary.json").exists()
    assert json.loads((out / RECORD_NAME).read_text())["config"]["n"] == 12


def test_progress_lines_are_tagged_timed_and_silenced_by_quiet(capsys, monkeypatch):
    clock = iter([0.0, 5.0, 12.0, 13.0, 25.0, 0.0, 30.0])
    monkeypatch.setattr("hydrobridge.progress.time", SimpleNamespace(perf_counter=lambda: next(clock)))
    set_reporting(True)                                # (an in-process `run --quiet` switched it off)
    report = StepProgress("md step", 1000)
    with stage("permittivity/md fluct/0"):
        for done in (100, 400, 500, 1000):           # at t = 5, 12, 13, 25 s: a line at 12 s and at 25 s
            report(done)
    assert capsys.readouterr().err.splitlines() == [
        "[rank 0] permittivity/md fluct/0: md step 400/1000 (33.3/s, 18 s left)",
        "[rank 0] permittivity/md fluct/0: md step 1000/1000 (40/s, 0 s left)"]
    set_reporting(False)
    try:
        StepProgress("md step", 10)(5)                # 30 s later: silent all the same
    finally:
        set_reporting(True)
    assert capsys.readouterr().err == ""


def test_a_signal_stops_the_task_farm_keeping_finished_tasks(tmp_path):
    ran = []

    def task(key):
        def fn():
            ran.append(key)
            if key == "b" and ran.count("b") == 1:
                os.kill(os.getpid(), signal.SIGTERM)      # the handler raises here, in the main thread
            return key.upper()
        return fn

    tasks = [(k, task(k)) for k in "abc"]
    with pytest.raises(Interrupted) as stopped, stop_on_signals():
        run_tasks(tasks, tmp_path, label="demo")
    assert stopped.value.signum == signal.SIGTERM and ran == ["a", "b"]
    assert run_tasks(tasks, tmp_path, resume=True, label="demo") == {"a": "A", "b": "B", "c": "C"}
    assert ran == ["a", "b", "b", "c"]


def hydrobridge(args, env=None, mpi=0):
    launcher = [str(Path(sys.executable).with_name("mpiexec")), "-n", str(mpi)] if mpi else []
    return subprocess.Popen([*launcher, sys.executable, "-m", "hydrobridge.cli", *args], cwd=ROOT,
                            env={**os.environ, "NUMBA_NUM_THREADS": "1", **(env or {})},
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_sigterm_stops_cleanly_and_resume_completes_the_same_run(tmp_path):
    cfg = tmp_path / "sheets.toml"
    cfg.write_text(SHEETS.replace("n = 8", "n = 16").replace("periods = 1", "periods = 8")
                   .replace("steps_per_period = 8", "steps_per_period = 64"))
    out = tmp_path / "stopped"
    victim = hydrobridge(["run", str(cfg), "--out", str(out)])
    deadline = time.time() + 120
    while time.time() < deadline and not (out / "fields.bp").exists():
        time.sleep(0.05)
    victim.send_signal(signal.SIGTERM)                   # in the time loop, which writes fields.bp
    t0 = time.time()
    assert victim.wait(30) == 128 + signal.SIGTERM
    stopped_in = time.time() - t0
    err = victim.stderr.read()
    assert "PETSC ERROR" not in err and "Traceback" not in err
    assert err.splitlines()[-1] == "hydrobridge: interrupted (SIGTERM); resume with --resume"
    assert stopped_in < 10
    assert json.loads((out / RECORD_NAME).read_text())["status"] == "interrupted"
    assert not (out / "summary.json").exists()
    resumed = hydrobridge(["run", str(cfg), "--out", str(out), "--resume"])
    assert resumed.wait(300) == 0, resumed.stderr.read()
    reference = hydrobridge(["run", str(cfg), "--out", str(tmp_path / "reference")])
    assert reference.wait(300) == 0, reference.stderr.read()
    a, b = (json.loads((d / "summary.json").read_text()) for d in (out, tmp_path / "reference"))
    a.pop("provenance"), b.pop("provenance")            # command line, folder, timestamps, wall times
    assert a == b


def test_mpi_out_that_is_a_file_ends_both_ranks(tmp_path):
    cfg = tmp_path / "sheets.toml"
    cfg.write_text(SHEETS)
    (tmp_path / "afile").write_text("x")
    t0 = time.time()
    job = hydrobridge(["run", str(cfg), "--out", str(tmp_path / "afile")], mpi=2)
    assert job.wait(120) == 2
    assert time.time() - t0 < 10                        # start-up included: no rank waits for another
    problems = [line for line in job.stderr.read().splitlines() if line.startswith("  - ")]
    assert problems == [f"  - --out = '{tmp_path / 'afile'}': expected a folder, found an existing file"]
    assert (tmp_path / "afile").read_text() == "x"


def test_mpi_failure_on_one_rank_ends_every_rank_with_a_log(tmp_path):
    cfg = tmp_path / "eps.toml"
    cfg.write_text(TINY_PERMITTIVITY)
    out = tmp_path / "failed"
    # test hook of hydrobridge.tasks: task 1 of the farm (rank 1 of 2) fails, rank 0 computes on
    job = hydrobridge(["run", str(cfg), "--out", str(out)], env={"HYDROBRIDGE_TEST_FAIL_TASK": "fluct/1"}, mpi=2)
    log = out / "error-rank1.log"
    deadline = time.time() + 300
    while time.time() < deadline and job.poll() is None and not log.exists():
        time.sleep(0.02)
    failed_at = time.time()
    code = job.wait(60)
    exit_after = time.time() - failed_at
    err = job.stderr.read()
    assert code != 0 and exit_after < 10, err
    assert "injected failure" in log.read_text()
    assert (f"hydrobridge: rank 1 failed in permittivity/md fluct/1: RuntimeError: HYDROBRIDGE_TEST_FAIL_TASK = "
            f"'fluct/1': injected failure (traceback in {log})") in err.splitlines()
    assert not (out / "summary.json").exists()


def test_mpi_sigterm_stops_every_rank_cleanly(tmp_path):
    cfg = tmp_path / "eps.toml"
    cfg.write_text(TINY_PERMITTIVITY.replace("fluct_steps = 400", "fluct_steps = 100000"))
    out = tmp_path / "stopped"
    job = hydrobridge(["run", str(cfg), "--out", str(out)], mpi=2)
    deadline = time.time() + 300
    while time.time() < deadline and not (out / "md" / "tasks" / "rank1.jsonl").exists():
        time.sleep(0.05)
    time.sleep(1.0)
    job.send_signal(signal.SIGTERM)                      # mpiexec forwards it to both ranks
    t0 = time.time()
    assert job.wait(30) == 128 + signal.SIGTERM
    assert time.time() - t0 < 10
    err = job.stderr.read()
    assert "PETSC ERROR" not in err and "Traceback" not in err
    assert "hydrobridge: interrupted (SIGTERM); resume with --resume" in err.splitlines()
    assert json.loads((out / RECORD_NAME).read_text())["status"] == "interrupted"
