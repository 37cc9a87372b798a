"""Property: a shipped study config with one key mutated (NaN, inf, 0, negative, huge, empty list, duplicate
item, wrong type, bool) is either accepted or rejected by validation with one-line problems that all name
that key (one line, except when the value breaks several independent rules, e.g. a huge q makes both the
field e0 and the sheets sigma0 non-linear); an accepted mutation of a cheap study (sheet_pair_poisson, a
one-frequency permittivity_continuum) runs to its summary."""

from __future__ import annotations

import json
import math
import re
import tomllib
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hydrobridge.cli import resolve
from hydrobridge.config import ConfigError

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = {p.stem: tomllib.loads(p.read_text()) for p in sorted((ROOT / "demos" / "configs").glob("*.toml"))}
#: cheap versions of the two continuum studies (seconds each)
CHEAP = {"sheet_pair_poisson": {"study": "sheet_pair_poisson", "n": 8, "degree": 1, "periods": 1,
                                "steps_per_period": 8},
         "permittivity_continuum": {"study": "permittivity_continuum", "omegas": [3.0]}}
KINDS = ("nan", "inf", "-inf", "zero", "negative", "huge", "empty list", "duplicate item", "wrong type", "bool")


def mutate(value, kind: str):
    """`value` (the key's current or default value) mutated by `kind`; list items are mutated in place of the
    first item."""
    if kind == "empty list":
        return []
    if kind == "bool":
        return True
    if isinstance(value, list):
        if kind == "duplicate item":
            return value + value[:1]
        return [mutate(value[0] if value else 0.0, kind)] + value[1:]
    if kind == "duplicate item":
        return [value, value]
    if kind == "wrong type":
        return 1 if isinstance(value, str) else "x"
    integer = isinstance(value, int) and not isinstance(value, bool)
    return {"nan": math.nan, "inf": math.inf, "-inf": -math.inf, "zero": 0 if integer else 0.0,
            "negative": -1 if integer else -1.0, "huge": 10**12 if integer else 1e12}[kind]


def mutated(raw: dict, key: str, kind: str) -> dict:
    module, _ = resolve(raw, "shipped")
    value = raw.get(key, module.SCHEMA[key].default)
    return {**raw, key: mutate(value, kind)}


def keys_of(raw: dict) -> list[str]:
    module, _ = resolve(raw, "shipped")
    return list(module.SCHEMA)


def outcome(raw: dict, key: str) -> dict | None:
    """The validated config, or None after asserting the rejection's lines each name key (module doc)."""
    try:
        return resolve(raw, "mutated")[1]
    except ConfigError as exc:
        assert exc.problems and len(set(exc.problems)) == len(exc.problems), exc.problems
        for line in exc.problems:
            assert re.search(rf"(^|[\s,(]){re.escape(key)}( =|\[|:)", line), exc.problems
            assert "\n" not in line
        return None


@st.composite
def mutations(draw, configs: dict):
    name = draw(st.sampled_from(sorted(configs)))
    raw = configs[name]
    key = draw(st.sampled_from(keys_of(raw)))
    return name, key, draw(st.sampled_from(KINDS))


@settings(max_examples=100, deadline=None, database=None)
@given(mutations(SHIPPED))
def test_one_bad_key_one_line(case):
    name, key, kind = case
    raw = {**SHIPPED[name], "out": "/tmp/hydrobridge_validation_out"}
    outcome(mutated(raw, key, kind), key)


def accepted_cheap_mutations() -> list[tuple[str, str, str]]:
    cases = []
    for name, raw in CHEAP.items():
        for key in keys_of(raw):
            for kind in KINDS:
                if key != "out" and outcome(mutated(raw, key, kind), key) is not None:
                    cases.append((name, key, kind))
    return cases


ACCEPTED = accepted_cheap_mutations()


def test_some_cheap_mutations_are_accepted():
    assert len(ACCEPTED) >= 5, ACCEPTED


@settings(max_examples=4, deadline=None, database=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.sampled_from(ACCEPTED))
def test_accepted_mutations_of_cheap_studies_run(tmp_path_factory, case):
    name, key, kind = case
    module, config = resolve(mutated(CHEAP[name], key, kind), "mutated")
    out = tmp_path_factory.mktemp("run")
    module.run_study(config, out)
    summary = json.loads((out / "summary.json").read_text())
    assert summary
