"""Study configuration: TOML files validated against each study's schema before anything runs.

A schema maps each key to an :class:`Option` (type, default, allowed range or choices, help). The
validator reports every problem at once, one clear message each: unknown keys (with the closest
known key), wrong types, values out of range, missing required keys.
"""

from __future__ import annotations

import argparse
import difflib
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["Option", "ConfigError", "validate", "load_config", "study_main"]

_MISSING = object()


@dataclass(frozen=True)
class Option:
    """type: int, float, str, bool or list; minimum/maximum (inclusive unless open); choices; item for lists."""

    type: type
    default: Any = _MISSING
    help: str = ""
    minimum: float | None = None
    maximum: float | None = None
    open_minimum: bool = False
    choices: tuple | None = None
    item: type | None = None


class ConfigError(ValueError):
    """Raised with every problem of a configuration, one per line."""

    def __init__(self, problems: list[str], source: str = "config") -> None:
        self.problems = problems
        super().__init__(f"{source}: {len(problems)} problem(s)\n" + "\n".join(f"  - {p}" for p in problems))


def _type_ok(value: Any, t: type) -> bool:
    if t is float:
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if t is int:
        return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(value, t)


def _check_range(key: str, v: Any, opt: Option) -> list[str]:
    out = []
    if opt.choices is not None and v not in opt.choices:
        out.append(f"{key} = {v!r}: expected one of {list(opt.choices)}")
    if opt.minimum is not None and (v < opt.minimum or (opt.open_minimum and v == opt.minimum)):
        out.append(f"{key} = {v!r}: expected {'>' if opt.open_minimum else '>='} {opt.minimum}")
    if opt.maximum is not None and v > opt.maximum:
        out.append(f"{key} = {v!r}: expected <= {opt.maximum}")
    return out


def validate(raw: dict, schema: dict[str, Option], source: str = "config") -> dict:
    """Return the configuration with defaults filled in; raise ConfigError listing every problem."""
    problems: list[str] = []
    for key in raw:
        if key not in schema:
            close = difflib.get_close_matches(key, list(schema), n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            problems.append(f"{key}: unknown key{hint}; known keys: {sorted(schema)}")
    config = {}
    for key, opt in schema.items():
        if key not in raw:
            if opt.default is _MISSING:
                problems.append(f"{key}: required key is missing ({opt.help})")
            else:
                config[key] = opt.default
            continue
        v = raw[key]
        if not _type_ok(v, opt.type):
            problems.append(f"{key} = {v!r}: expected {opt.type.__name__}, got {type(v).__name__}")
            continue
        if opt.type is list:
            bad = [x for x in v if opt.item is not None and not _type_ok(x, opt.item)]
            if bad:
                problems.append(f"{key} = {v!r}: expected a list of {opt.item.__name__}, got items {bad!r}")
                continue
            for x in v:
                problems += _check_range(f"{key}[{v.index(x)}]", x, opt)
        else:
            problems += _check_range(key, v, opt)
        config[key] = float(v) if opt.type is float else v
    if problems:
        raise ConfigError(problems, source)
    return config


def load_config(path: str | Path) -> dict:
    """Read a TOML study file: a top-level `study` name plus that study's keys."""
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"{path}: no such configuration file")
    try:
        return tomllib.loads(path.read_text())
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError([f"not valid TOML: {exc}"], str(path)) from None


def study_main(description: str, schema: dict[str, Option], run_study: Callable[[dict, Path, bool], dict],
               default_out: str, presets: dict[str, tuple[dict, str]], argv: list[str] | None = None) -> dict:
    """Command line of a study module (``python -m hydrobridge.demos.X``): --out, --resume and one flag per preset
    (name -> (config overrides, help)); the overrides of the flags given are merged in order and validated
    like a TOML file, then ``run_study(config, out, resume)`` runs."""
    p = argparse.ArgumentParser(description=description)
    p.add_argument("--out", type=Path, default=Path(default_out))
    for name, (_, help_text) in presets.items():
        p.add_argument(f"--{name}", action="store_true", help=help_text)
    p.add_argument("--resume", action="store_true", help="continue a killed run")
    a = p.parse_args(argv)
    raw = {k: v for name, (overrides, _) in presets.items() if getattr(a, name) for k, v in overrides.items()}
    try:
        config = validate(raw, schema, "command line")
    except ConfigError as exc:
        p.error(str(exc))
    return run_study(config, a.out, a.resume)
