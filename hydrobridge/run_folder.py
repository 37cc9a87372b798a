"""Output folders that know which run they hold, so that results of different configurations never mix.

``hydrobridge run`` writes ``<out>/hydrobridge-run.json`` before a study starts::

    {"study": "permittivity", "config": {...validated keys...}, "config_sha256": "...",
     "hydrobridge_version": "0.1.0", "status": "running" | "finished" | "interrupted" | "failed",
     "started": "2026-12-03T08:00:00+00:00", "finished": null}

and :func:`prepare` decides, from that record, what a new request may do with the folder:

* a fresh run needs a new or empty folder; a folder with files needs ``overwrite``, which empties it
  (only a folder holding a record: a folder of unknown files is never deleted);
* ``resume`` needs the record of the same study, configuration and package version; any difference is
  refused with the changed keys and their old and new values; a folder without a record starts fresh
  (said in one line);
* an ``out`` that is a file is refused.

The fingerprint leaves out the key ``out`` (where results go does not change them).
"""

from __future__ import annotations

import hashlib
import json
import shutil
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

__all__ = ["RECORD_NAME", "RunFolderError", "Decision", "fingerprint", "changes", "prepare", "mark"]

RECORD_NAME = "hydrobridge-run.json"


class RunFolderError(Exception):
    """The request does not fit the folder; the message is one line for the user."""


@dataclass(frozen=True)
class Decision:
    """resume: whether the study continues the folder's run; note: a line for the user ("" if none)."""

    resume: bool
    note: str = ""


def fingerprint(study: str, config: dict[str, Any], version: str) -> dict[str, Any]:
    """The identity of a run: study, configuration (JSON values, without `out`), its sha256, package version."""
    body = json.loads(json.dumps({k: v for k, v in config.items() if k != "out"}, sort_keys=True, default=str))
    digest = hashlib.sha256(json.dumps([study, body], sort_keys=True).encode()).hexdigest()
    return {"study": study, "config": body, "config_sha256": digest, "hydrobridge_version": version}


def changes(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """'key old -> new' for every differing study, configuration key and package version of two fingerprints."""
    diff = []
    if old.get("study") != new["study"]:
        diff.append(f"study {old.get('study')} -> {new['study']}")
    before, after = old.get("config", {}), new["config"]
    for key in [*after, *(k for k in before if k not in after)]:
        if before.get(key, "(unset)") != after.get(key, "(unset)"):
            diff.append(f"{key} {before.get(key, '(unset)')} -> {after.get(key, '(unset)')}")
    if old.get("hydrobridge_version") != new["hydrobridge_version"]:
        diff.append(f"hydrobridge {old.get('hydrobridge_version')} -> {new['hydrobridge_version']}")
    return diff


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _write(path: Path, record: dict[str, Any]) -> None:
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(record, indent=1))
    tmp.replace(path)


def prepare(out: Path, identity: dict[str, Any], resume: bool, overwrite: bool) -> Decision:
    """Check `out` against the request (see module doc), empty it if asked, and record the run as running.

    identity: a :func:`fingerprint`. Raises RunFolderError (nothing touched) when the request is refused."""
    if out.exists() and not out.is_dir():
        raise RunFolderError(f"--out {out} is a file; expected a folder (new, or of this run)")
    record_path = out / RECORD_NAME
    record = json.loads(record_path.read_text()) if record_path.is_file() else None
    files = sorted(p.name for p in out.iterdir()) if out.is_dir() else []
    note = ""
    if resume and record is not None:
        diff = changes(record, identity)
        if diff:
            raise RunFolderError(f"{out} holds a run of another configuration: {', '.join(diff)} "
                                 "(use a new --out, or --overwrite to discard it)")
        _write(record_path, {**record, "status": "running", "resumed": _now(), "finished": None})
        return Decision(resume=True)
    if files and record is None:
        raise RunFolderError(f"{out} holds files of no hydrobridge run ({', '.join(files[:3])}"
                             f"{', ...' if len(files) > 3 else ''}); use a new --out (it is never emptied)")
    if files and not overwrite:
        raise RunFolderError(f"{out} holds the results of another run; use a new --out, --resume to continue "
                             "it, or --overwrite to discard it")
    if resume:
        note = f"{out} holds no run to resume; starting fresh"
    for name in files:
        path = out / name
        shutil.rmtree(path) if path.is_dir() and not path.is_symlink() else path.unlink()
    out.mkdir(parents=True, exist_ok=True)
    _write(record_path, {**identity, "status": "running", "started": _now(), "finished": None})
    return Decision(resume=False, note=note)


def mark(out: Path, status: str) -> None:
    """Set the record's status ("finished", "interrupted", "failed"); "finished" also stamps the time."""
    record_path = out / RECORD_NAME
    record = json.loads(record_path.read_text())
    _write(record_path, {**record, "status": status, **({"finished": _now()} if status == "finished" else {})})
