"""Study configuration: TOML files validated against each study's schema and rules before anything runs.

A schema maps each key to an :class:`Option` (type, default, allowed range or choices, list rules, help);
a study's cross-key rules are a list of :class:`Rule` next to its schema. The validator reports every
problem at once, one line each naming the key (``omegas[2]`` for a list item), its value and what was
expected: unknown keys (with the closest known key), wrong types (bool is not a number, a float is not
an int), non-finite floats (NaN and inf are never accepted), values out of range, empty or duplicated
lists, missing required keys, and then the rules whose keys all passed. The configuration file itself
must be a regular, UTF-8, valid TOML file, and the output folder creatable and writable.
"""

from __future__ import annotations

import argparse
import difflib
import math
import os
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["Option", "Rule", "ConfigError", "validate", "load_config", "output_folder_problem", "check_out_option",
           "OUTPUT_FOLDER",
           "study_main"]

_MISSING = object()


@dataclass(frozen=True)
class Option:
    """One key: type int, float, str, bool or list; minimum/maximum (inclusive unless open_minimum);
    choices; for lists the item type, non_empty and unique (floats compared to 6 significant digits, the
    precision of the task names); multiple_of for ints. The range and rules are appended to help."""

    type: type
    default: Any = _MISSING
    help: str = ""
    minimum: float | None = None
    maximum: float | None = None
    open_minimum: bool = False
    choices: tuple | None = None
    item: type | None = None
    non_empty: bool = False
    unique: bool = False
    multiple_of: int | None = None

    def __post_init__(self) -> None:
        if self.constraint():
            object.__setattr__(self, "help", f"{self.help} [{self.constraint()}]")

    def constraint(self) -> str:
        """The value's rules in words, e.g. 'non-empty, unique, each finite > 0'."""
        value = []
        if self.choices is not None:
            value.append(f"one of {list(self.choices)}")
        if float in (self.type, self.item):
            value.append("finite")
        if self.minimum is not None:
            value.append(f"{'>' if self.open_minimum else '>='} {self.minimum:g}")
        if self.maximum is not None:
            value.append(f"<= {self.maximum:g}")
        if self.multiple_of is not None:
            value.append(f"multiple of {self.multiple_of}")
        if self.type is not list:
            return ", ".join(value)
        whole = ["non-empty"] * self.non_empty + ["unique"] * self.unique
        return ", ".join(whole + ([f"each {', '.join(value)}"] if value else []))


@dataclass(frozen=True)
class Rule:
    """A cross-key rule of a study: check(config) is True when the keys are consistent. Checked, in order,
    only when every key passed its own Option and no earlier failed rule had it as its first key (so that
    one bad value gives one line); a failure is the line 'k1 = v1, k2 = v2: ' + message, where message is a
    string or a function of the configuration (to state derived bounds)."""

    keys: tuple[str, ...]
    check: Callable[[dict], bool]
    message: str | Callable[[dict], str]

    def problem(self, config: dict) -> str | None:
        if self.check(config):
            return None
        text = self.message(config) if callable(self.message) else self.message
        return ", ".join(f"{k} = {config[k]!r}" for k in self.keys) + f": {text}"


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


def _check_value(key: str, v: Any, opt: Option) -> list[str]:
    """One line for a scalar value (or list item) breaking its Option, naming every expectation it breaks."""
    if isinstance(v, float) and not math.isfinite(v):
        return [f"{key} = {v!r}: expected a finite number"]
    expected = []
    if opt.choices is not None and v not in opt.choices:
        expected.append(f"one of {list(opt.choices)}")
    if opt.minimum is not None and (v < opt.minimum or (opt.open_minimum and v == opt.minimum)):
        expected.append(f"{'>' if opt.open_minimum else '>='} {opt.minimum}")
    if opt.maximum is not None and v > opt.maximum:
        expected.append(f"<= {opt.maximum}")
    if opt.multiple_of is not None and v % opt.multiple_of:
        expected.append(f"a multiple of {opt.multiple_of}")
    return [f"{key} = {v!r}: expected {' and '.join(expected)}"] if expected else []


def _same(x: Any) -> Any:
    return f"{x:.6g}" if isinstance(x, float) else x


def _check_list(key: str, v: list, opt: Option) -> list[str]:
    if opt.non_empty and not v:
        return [f"{key} = []: expected a non-empty list"]
    bad = [x for x in v if opt.item is not None and not _type_ok(x, opt.item)]
    if bad:
        return [f"{key} = {v!r}: expected a list of {opt.item.__name__}, got items {bad!r}"]
    out, first = [], {}
    for i, x in enumerate(v):
        out += _check_value(f"{key}[{i}]", x, opt)
        if opt.unique and not (isinstance(x, float) and not math.isfinite(x)):
            if _same(x) in first:
                j = first[_same(x)]
                out.append(f"{key}[{i}] = {x!r}: expected unique items, repeats {key}[{j}] = {v[j]!r}")
            first.setdefault(_same(x), i)
    return out


def validate(raw: dict, schema: dict[str, Option], source: str = "config", rules: tuple[Rule, ...] | list = ()) -> dict:
    """Return the configuration with defaults filled in; raise ConfigError listing every problem (module doc)."""
    problems: list[str] = []
    for key in raw:
        if key not in schema:
            lower = {k.lower(): k for k in schema}
            close = difflib.get_close_matches(key.lower(), list(lower), n=1)
            hint = f" (did you mean {lower[close[0]]!r}?)" if close else ""
            problems.append(f"{key}: unknown key{hint}; known keys: {sorted(schema)}")
    config, bad = {}, set()
    for key, opt in schema.items():
        if key not in raw:
            if opt.default is _MISSING:
                problems.append(f"{key}: required key is missing ({opt.help})")
                bad.add(key)
            else:
                config[key] = opt.default
            continue
        v = raw[key]
        if not _type_ok(v, opt.type):
            problems.append(f"{key} = {v!r}: expected {opt.type.__name__}, got {type(v).__name__}")
            bad.add(key)
            continue
        found = _check_list(key, v, opt) if opt.type is list else _check_value(key, v, opt)
        if found:
            problems += found
            bad.add(key)
        config[key] = float(v) if opt.type is float else v
    for rule in rules:
        if not any(k in bad or k not in config for k in rule.keys):
            problem = rule.problem(config)
            if problem is not None:
                problems.append(problem)
                bad.add(rule.keys[0])
    if problems:
        raise ConfigError(problems, source)
    return config


def output_folder_problem(path: str | Path) -> str | None:
    """Why `path` cannot be an output folder (an existing file, or under a file or a read-only folder),
    or None if it exists as a writable folder or can be created; nothing is created here."""
    path = Path(path)
    if path.exists():
        if not path.is_dir():
            return "expected a folder, found an existing file"
        return None if os.access(path, os.W_OK | os.X_OK) else "expected a writable folder (no write permission)"
    parent = path.absolute().parent
    while not parent.exists():
        parent = parent.parent
    if not parent.is_dir():
        return f"expected a creatable folder, but {parent} is a file"
    if not os.access(parent, os.W_OK | os.X_OK):
        return f"expected a creatable folder, but {parent} is not writable"
    return None


def check_out_option(out: str | Path, source: str = "command line") -> None:
    """ConfigError naming --out if the folder given on the command line cannot be the output folder (it
    replaces the configuration's `out`, which stays as written in the configuration)."""
    problem = output_folder_problem(out)
    if problem is not None:
        raise ConfigError([f"--out = {str(out)!r}: {problem}"], source)


#: the rule every study with an `out` key lists: the output folder exists as a writable folder or can be created
OUTPUT_FOLDER = Rule(("out",), lambda c: output_folder_problem(c["out"]) is None,
                     lambda c: output_folder_problem(c["out"]))


def load_config(path: str | Path) -> dict:
    """Read a TOML study file (a top-level `study` name plus that study's keys); ConfigError if the path is
    not a regular file, not UTF-8 or not valid TOML."""
    path = Path(path)
    if not path.exists():
        raise ConfigError([f"{path}: no such configuration file"], str(path))
    if not path.is_file():
        kind = "a folder" if path.is_dir() else "not a regular file"
        raise ConfigError([f"{path}: {kind}; expected a TOML configuration file"], str(path))
    data = path.read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        problem = f"{path}: byte {data[exc.start]:#04x} at line {line} is not UTF-8; expected a UTF-8 text file"
        raise ConfigError([problem], str(path)) from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError([f"{path}: not valid TOML: {exc}"], str(path)) from None


def study_main(description: str, schema: dict[str, Option], run_study: Callable[[dict, Path, bool], dict],
               default_out: str, presets: dict[str, tuple[dict, str]], argv: list[str] | None = None,
               rules: tuple[Rule, ...] | list = ()) -> dict:
    """Command line of a study module (``python -m hydrobridge.demos.X``): --out, --resume and one flag per preset
    (name -> (config overrides, help)); the overrides of the flags given are merged in order and validated
    like a TOML file (and --out like the `out` key), then ``run_study(config, out, resume)`` runs."""
    p = argparse.ArgumentParser(description=description)
    p.add_argument("--out", type=Path, default=Path(default_out))
    for name, (_, help_text) in presets.items():
        p.add_argument(f"--{name}", action="store_true", help=help_text)
    p.add_argument("--resume", action="store_true", help="continue a killed run")
    a = p.parse_args(argv)
    raw = {k: v for name, (overrides, _) in presets.items() if getattr(a, name) for k, v in overrides.items()}
    try:
        config = validate(raw, schema, "command line", rules)
        check_out_option(a.out)
    except ConfigError as exc:
        p.error(str(exc))
    return run_study(config, a.out, a.resume)
