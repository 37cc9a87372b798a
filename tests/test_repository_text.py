"""The repository stands alone: no references outside it, and every docs/theory.md citation resolves.

Citation format (docstrings, comments, markdown): ``docs/theory.md §N`` for a section and ``docs/theory.md (N.M)``
for an equation label, several as ``docs/theory.md (N.M), (N.K)`` or a range ``docs/theory.md (N.M)-(N.K)``.
"""

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
THEORY = ROOT / "docs" / "theory.md"

# Built from pieces so that this file does not match its own patterns.
FORBIDDEN = {
    "a path outside the repository": re.compile(r"\.\./" + "shared"),
    "a numbered seed document": re.compile("seed" + " [0-9]"),
    "an issue number": re.compile("issue" + " [0-9]"),
    "the old theory file": re.compile(re.escape("THEORY" + ".md")),
}
CITATION = re.compile(r"theory\.md((?:(?:\s*,\s*|\s*-\s*|\s+)(?:§\d+|\(\d+\.\d+\)))+)")
LABEL = re.compile(r"\((\d+\.\d+)\)")
SECTION = re.compile(r"§(\d+)")
LABEL_AT_END = re.compile(r"^    .*\((\d+)\.(\d+)\)\s*$")
HEADING = re.compile(r"^## §(\d+) ")


def tracked_text_files() -> dict[str, list[str]]:
    """Lines of every text file git tracks, keyed by its path relative to the repository root."""
    names = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout
    files = {}
    for name in names.decode().split("\0"):
        path = ROOT / name
        if not name or not path.is_file():
            continue
        data = path.read_bytes()
        if b"\0" in data:
            continue
        try:
            files[name] = data.decode("utf-8").splitlines()
        except UnicodeDecodeError:
            continue
    return files


def theory_labels() -> tuple[set[str], set[str]]:
    """Labels (N.M) defined in docs/theory.md (a label closes its equation's indented line) and its sections §N."""
    labels, sections, current = [], set(), None
    for line in THEORY.read_text().splitlines():
        heading = HEADING.match(line)
        if heading:
            current = heading.group(1)
            sections.add(current)
        label = LABEL_AT_END.search(line)
        if label and current is not None:
            assert label.group(1) == current, f"docs/theory.md: {line.strip()!r} has a label outside §{current}"
            labels.append(f"{label.group(1)}.{label.group(2)}")
    duplicates = {x for x in labels if labels.count(x) > 1}
    assert not duplicates, f"docs/theory.md defines labels twice: {sorted(duplicates)}"
    return set(labels), sections


def test_no_references_outside_the_repository():
    problems = [f"{name}:{i}: {what}: {line.strip()}"
                for name, lines in tracked_text_files().items()
                for i, line in enumerate(lines, 1)
                for what, pattern in FORBIDDEN.items() if pattern.search(line)]
    assert not problems, "\n".join(problems)


def test_theory_has_sections_0_to_6_with_labels_numbered_in_order():
    labels, sections = theory_labels()
    assert sections == {str(n) for n in range(7)}
    for n in range(7):
        numbers = sorted(int(x.split(".")[1]) for x in labels if x.split(".")[0] == str(n))
        assert numbers == list(range(1, len(numbers) + 1)), f"§{n} labels are not 1..{len(numbers)}: {numbers}"


def test_every_cited_theory_label_exists():
    labels, sections = theory_labels()
    problems = []
    for name, lines in tracked_text_files().items():
        if name == "docs/theory.md":
            continue
        for i, line in enumerate(lines, 1):
            for citation in CITATION.finditer(line):
                tail = citation.group(1)
                missing = [f"({x})" for x in LABEL.findall(tail) if x not in labels]
                missing += [f"§{x}" for x in SECTION.findall(tail) if x not in sections]
                if missing:
                    problems.append(f"{name}:{i}: {', '.join(missing)} not in docs/theory.md: {line.strip()}")
    assert not problems, "\n".join(problems)


def test_citation_pattern_reads_the_documented_formats():
    cases = {"docs/theory.md (3.4)": ["3.4"], "docs/theory.md (5.16)-(5.18), (5.19).": ["5.16", "5.18", "5.19"],
             "docs/theory.md §3 (3.11)": ["3.11"], "docs/theory.md §2-§4": []}
    for text, expected in cases.items():
        assert LABEL.findall(CITATION.search(text).group(1)) == expected
    assert SECTION.findall(CITATION.search("docs/theory.md §2-§4").group(1)) == ["2", "4"]
