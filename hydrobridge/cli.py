"""`hydrobridge` command line: run a study described by a TOML file.

    hydrobridge run CONFIG.toml [--out DIR] [--resume | --overwrite] [--quiet]
    hydrobridge validate CONFIG.toml
    hydrobridge studies
    hydrobridge template NAME [--preset PRESET] [-o FILE]

A configuration names its study (`study = "permittivity_continuum"`) and gives that study's keys;
it is validated completely before anything starts. Output goes to `out` (key or --out), a new or empty
folder (--overwrite empties the folder of an earlier run first). The folder records the run's study,
configuration and package version (hydrobridge.run_folder); with --resume a killed or interrupted run of the
same configuration continues from its last checkpoint, and one of another configuration is refused.
Works under `mpiexec -n N`: a failure on any rank ends every rank (exit 1, the traceback in
out/error-rank<r>.log); SIGTERM/SIGINT stop the run resumably (exit 128 + signal number). Long loops
report progress to stderr every 10 s (--quiet: not).

`template` writes a configuration to start from, in any folder: a shipped one (`template permittivity`
is the main job's file) or a study's defaults with one of its presets applied:

    hydrobridge template permittivity --preset quick -o eps.toml
    mpiexec -n 2 hydrobridge run eps.toml --out out
"""

from __future__ import annotations

import argparse
import importlib
import sys
import time
from pathlib import Path

from hydrobridge import __version__
from hydrobridge.config import ConfigError, check_out_option, load_config, validate
from hydrobridge.progress import set_reporting
from hydrobridge.run_control import Interrupted, disable_petsc_signal_handler, end_job, report_failure, stop_on_signals
from hydrobridge.run_folder import RunFolderError, fingerprint, mark, prepare
from hydrobridge.templates import presets, shipped_config_text, shipped_configs, study_template

__all__ = ["STUDIES", "main", "resolve", "run", "template_text"]

#: study name -> module exposing SCHEMA (dict of Option) and run_study(config, out, resume) -> dict
STUDIES = {
    "permittivity": "hydrobridge.demos.permittivity",
    "sheet_pair_poisson": "hydrobridge.demos.sheet_pair_poisson",
    "permittivity_continuum": "hydrobridge.demos.permittivity_continuum",
    "dipolar_coupled": "hydrobridge.demos.dipolar_coupled",
}


def resolve(raw: dict, source: str, out: Path | None = None):
    """(module, validated config) for a raw TOML dict; ConfigError lists every problem of the study's SCHEMA
    and RULES, and of `out` (the --out folder) if given."""
    study = raw.get("study")
    if not isinstance(study, str) or study not in STUDIES:
        raise ConfigError([f"study = {study!r}: expected one of {sorted(STUDIES)}"], source)
    module = importlib.import_module(STUDIES[study])
    body = {k: v for k, v in raw.items() if k != "study"}
    config = validate(body, module.SCHEMA, source, module.RULES)
    if out is not None:
        check_out_option(out, source)
    return module, config


def template_text(name: str, preset: str | None) -> str:
    """The shipped configuration NAME (without preset), or study NAME's defaults with ``preset`` applied."""
    if preset is None and name in shipped_configs():
        return shipped_config_text(name)
    if name not in STUDIES:
        shipped = "" if preset else f" or a shipped configuration {shipped_configs()}"
        raise ValueError(f"{name!r}: expected a study {sorted(STUDIES)}{shipped}")
    return study_template(name, importlib.import_module(STUDIES[name]), preset)


def write_template(name: str, preset: str | None, output: Path | None) -> int:
    """`hydrobridge template`: the text on standard output, or in a new file ``output``; 2 on a bad request."""
    try:
        text = template_text(name, preset)
    except (ValueError, ConfigError) as exc:
        print(f"hydrobridge template: {exc}", file=sys.stderr)
        return 2
    if output is None:
        sys.stdout.write(text)
        return 0
    if output.exists():
        print(f"hydrobridge template: {output} exists; remove it or choose another -o", file=sys.stderr)
        return 2
    output.write_text(text)
    print(f"wrote {output}; run it with: mpiexec -n 2 hydrobridge run {output} --out DIR", file=sys.stderr)
    return 0


def run(study: str, module, config: dict, out: Path, resume: bool = False, overwrite: bool = False) -> int:
    """`hydrobridge run` after validation: 0 done, 1 failed, 2 refused (the folder), 128 + signum interrupted.

    Rank 0 checks the folder (hydrobridge.run_folder.prepare) and every rank follows its verdict; a failure
    or signal on any rank ends every rank (hydrobridge.run_control)."""
    from mpi4py import MPI

    comm = MPI.COMM_WORLD
    verdict = None
    if comm.rank == 0:
        try:
            verdict = prepare(out, fingerprint(study, config, __version__), resume, overwrite)
        except (RunFolderError, OSError, ValueError) as exc:    # ValueError: an unreadable record
            verdict = f"hydrobridge: {exc}"
    verdict = comm.bcast(verdict)
    if isinstance(verdict, str):
        if comm.rank == 0:
            print(verdict, file=sys.stderr, flush=True)
        return 2
    if verdict.note and comm.rank == 0:
        print(f"hydrobridge: {verdict.note}", file=sys.stderr, flush=True)
    try:
        with stop_on_signals():
            module.run_study(config, out, resume=verdict.resume)
    except Interrupted as exc:
        if comm.rank == 0:
            mark(out, "interrupted")
        else:                # every rank got the signal: rank 0 reports and ends the job, unless it is stuck
            time.sleep(2.0)
        print(f"hydrobridge: interrupted ({exc.name}); resume with --resume", file=sys.stderr, flush=True)
        return end_job(128 + exc.signum, comm)
    except Exception as exc:
        report_failure(exc, out, comm.rank, study)
        if comm.rank == 0:
            mark(out, "failed")
        return end_job(1, comm)
    if comm.rank == 0:
        mark(out, "finished")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="hydrobridge", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p_run = sub.add_parser("run", help="run a study")
    p_run.add_argument("config", type=Path)
    p_run.add_argument("--out", type=Path, default=None, help="output folder (overrides the config's `out`)")
    again = p_run.add_mutually_exclusive_group()
    again.add_argument("--resume", action="store_true",
                       help="continue a killed or interrupted run of the same configuration from its checkpoints")
    again.add_argument("--overwrite", action="store_true", help="empty the output folder of an earlier run first")
    p_run.add_argument("--quiet", action="store_true", help="no progress lines")
    p_val = sub.add_parser("validate", help="check a configuration without running it")
    p_val.add_argument("config", type=Path)
    sub.add_parser("studies", help="list the studies, their presets and keys, and the shipped configurations")
    p_tpl = sub.add_parser("template", help="write a shipped configuration, or a study's defaults with a preset")
    p_tpl.add_argument("name", help="a study or a shipped configuration (see `hydrobridge studies`)")
    p_tpl.add_argument("--preset", default=None, help="write the study's defaults with this preset applied")
    p_tpl.add_argument("-o", "--output", type=Path, default=None,
                       help="file to write (default: standard output); an existing file is not overwritten")
    args = parser.parse_args(argv)
    disable_petsc_signal_handler()       # before a study module initialises PETSc (see hydrobridge.run_control)

    if args.command == "studies":
        for name, mod in STUDIES.items():
            module = importlib.import_module(mod)
            print(f"{name} (presets: {', '.join(presets(module)) or 'none'}):")
            for key, opt in module.SCHEMA.items():
                print(f"    {key:<22} {opt.type.__name__:<6} {opt.help}")
        print(f"shipped configurations (`hydrobridge template NAME`): {', '.join(shipped_configs())}")
        return 0
    if args.command == "template":
        return write_template(args.name, args.preset, args.output)
    from mpi4py import MPI

    rank = MPI.COMM_WORLD.rank            # every rank validates (cheap); rank 0 alone prints
    try:
        raw = load_config(args.config)
        module, config = resolve(raw, str(args.config), getattr(args, "out", None))
    except ConfigError as exc:
        if rank == 0:
            print(f"hydrobridge: {exc}", file=sys.stderr)
        return 2
    if args.command == "validate":
        if rank == 0:
            print(f"{args.config}: valid {module.__name__} configuration")
        return 0
    out = args.out or Path(config.get("out", "out/" + Path(args.config).stem))
    set_reporting(not args.quiet)
    return run(raw["study"], module, config, out, args.resume, args.overwrite)


if __name__ == "__main__":
    sys.exit(main())
