"""Study configurations as TOML text: the shipped files and each study's defaults with a preset applied.

The shipped configurations are package data of ``hydrobridge.demos`` (``configs/NAME.toml``), so they
are reachable from an installed wheel. A preset is an upper-case dict attribute of a study module whose
keys are all keys of its ``SCHEMA`` (``QUICK`` in ``hydrobridge.demos.permittivity`` is the preset
``quick``); :func:`study_template` writes the schema defaults with the preset's values in their place,
one ``key = value  # help`` line per key, which is exactly the configuration that
``python -m hydrobridge.demos.STUDY --quick`` runs.
"""

from __future__ import annotations

import json
import numbers
from importlib import resources
from types import ModuleType
from typing import Any

from hydrobridge.config import validate

__all__ = ["shipped_configs", "shipped_config_text", "presets", "study_template", "toml_value"]


def shipped_configs() -> list[str]:
    """Names (file stems) of the configurations shipped in ``hydrobridge/demos/configs/``, sorted."""
    folder = resources.files("hydrobridge.demos").joinpath("configs")
    return sorted(f.name.removesuffix(".toml") for f in folder.iterdir() if f.name.endswith(".toml"))


def shipped_config_text(name: str) -> str:
    """The text of the shipped configuration ``configs/NAME.toml``; ValueError names the shipped ones."""
    if name not in shipped_configs():
        raise ValueError(f"configuration {name!r}: expected one of the shipped configurations {shipped_configs()}")
    return resources.files("hydrobridge.demos").joinpath("configs", f"{name}.toml").read_text()


def presets(module: ModuleType) -> dict[str, dict[str, Any]]:
    """A study module's presets: lower-cased name -> overrides, from its upper-case dict attributes whose
    keys are all schema keys (the schema itself excluded)."""
    schema = module.SCHEMA
    return {name.lower(): value for name, value in vars(module).items()
            if name.isupper() and name != "SCHEMA" and isinstance(value, dict) and value
            and all(isinstance(k, str) and k in schema for k in value)}


def toml_value(key: str, value: Any) -> str:
    """A configuration value as TOML: bool, integer, float, string or a list of those; TypeError names the key."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, numbers.Integral):
        return str(int(value))
    if isinstance(value, numbers.Real):
        return repr(float(value))  # shortest round-trip form; inf and nan are TOML too
    if isinstance(value, str):
        # a TOML basic string: JSON escapes quote, backslash and U+0000-U+001F as TOML does; TOML also escapes DEL
        return json.dumps(value, ensure_ascii=False).replace("\x7f", "\\u007f")
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(toml_value(key, v) for v in value) + "]"
    raise TypeError(f"{key} = {value!r}: expected bool, int, float, str or a list of those for TOML")


def study_template(study: str, module: ModuleType, preset: str | None = None) -> str:
    """TOML text of the study's configuration: its schema defaults, with the overrides of ``preset`` (a name
    from :func:`presets`) in their place, validated like a TOML file. ValueError names the available
    presets; ConfigError lists what is wrong with the preset or which keys have no default."""
    overrides: dict[str, Any] = {}
    if preset is not None:
        available = presets(module)
        if preset not in available:
            raise ValueError(f"preset {preset!r}: study {study!r} has "
                             + (f"the presets {sorted(available)}" if available else "no presets"))
        overrides = available[preset]
    config = validate(overrides, module.SCHEMA, f"study {study!r}" + (f", preset {preset!r}" if preset else ""))
    origin = f"defaults with the preset {preset!r}" if preset else "defaults"
    lines = [f"# Study {study!r}: its {origin} (written by `hydrobridge template`).",
             f"study = {json.dumps(study)}"]
    for key, value in config.items():
        help_text = module.SCHEMA[key].help
        note = (f"  # {help_text}" if help_text else "") + (f" (preset {preset})" if key in overrides else "")
        lines.append(f"{key} = {toml_value(key, value)}{note}")
    return "\n".join(lines) + "\n"
