"""Sphinx configuration: the Markdown pages (MyST) and the API reference (autodoc), built by `make docs`.

The docstrings are plain text with ASCII equations (``*``, ``|``, indented blocks), not reStructuredText:
each one is shown verbatim as a literal block, so the build (warnings are errors) never depends on their
formatting, while signatures still come from autodoc.
"""

from importlib import metadata

project = "hydrobridge"
release = metadata.version("hydrobridge")
extensions = ["sphinx.ext.autodoc", "myst_parser"]
source_suffix = {".md": "markdown"}
exclude_patterns = ["_build"]
myst_heading_anchors = 3  # links to section headings of the Markdown pages
autodoc_default_options = {"members": True}
autodoc_member_order = "bysource"
html_theme = "alabaster"


def literal_docstring(app, what: str, name: str, obj, options, lines: list[str]) -> None:
    """Show a docstring verbatim: a literal block holding its plain text."""
    if any(line.strip() for line in lines):
        lines[:] = ["::", ""] + [f"    {line}" for line in lines] + [""]


def setup(app) -> None:
    app.connect("autodoc-process-docstring", literal_docstring)
