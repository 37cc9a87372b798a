"""The API reference (docs/api/*.md, built by `make docs`) names every public module of the package once."""

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
#: package in the installed namespace -> its repository folder
PACKAGE_DIRS = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["package-dir"]


def public_modules() -> set[str]:
    """Every package and every module whose name does not start with an underscore."""
    names = set()
    for package, folder in PACKAGE_DIRS.items():
        for path in (ROOT / folder).rglob("*.py"):
            parts = path.relative_to(ROOT / folder).with_suffix("").parts
            if parts[-1] == "__init__":
                parts = parts[:-1]
            if not any(p.startswith("_") for p in parts):
                names.add(".".join((package, *parts)))
    return names


def test_every_public_module_is_documented_once():
    documented = [m for page in sorted((ROOT / "docs" / "api").glob("*.md"))
                  for m in re.findall(r"^\.\. automodule:: (\S+)$", page.read_text(), flags=re.M)]
    assert len(documented) == len(set(documented)), "a module is documented twice"
    assert set(documented) == public_modules() - {"hydrobridge.particles"}
