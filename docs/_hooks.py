"""MkDocs hooks: pages that include files of the repository, generated at build time.

``[[include PATH]]`` on a line of its own is replaced by the file ``PATH`` (relative to the
repository root) as it is; ``[[include PATH shift=N]]`` also moves its headings N levels
down, for a result file under a page's own heading. ``[[layers]]`` becomes the layer table
that ``tests/unit/test_layering.py`` enforces, read from that test's source, and
``[[packages]]`` the table of the package's subpackages and top-level modules with the
first sentence of each one's docstring. A missing file is an error, so
``mkdocs build --strict`` fails instead of leaving a hole.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
INCLUDE = re.compile(r"^\[\[include (?P<path>\S+)(?: shift=(?P<shift>\d))?\]\]$", re.MULTILINE)
LAYERS = re.compile(r"^\[\[layers\]\]$", re.MULTILINE)
PACKAGES = re.compile(r"^\[\[packages\]\]$", re.MULTILINE)
PKG = ROOT / "src" / "taskaffinity"
HEADING = re.compile(r"^(#{1,6}) ", re.MULTILINE)
FENCE = re.compile(r"^(```|~~~)")


def _shift_headings(text: str, shift: int) -> str:
    """Demote Markdown headings by ``shift`` levels, leaving fenced code alone."""
    out, fenced = [], False
    for line in text.splitlines():
        if FENCE.match(line):
            fenced = not fenced
        if not fenced and HEADING.match(line):
            hashes = len(line) - len(line.lstrip("#"))
            line = "#" * min(6, hashes + shift) + line[hashes:]
        out.append(line)
    return "\n".join(out)


def _include(match: re.Match[str]) -> str:
    path = ROOT / match["path"]
    if not path.is_file():
        raise FileNotFoundError(f"[[include {match['path']}]]: no such file in the repository")
    text = path.read_text(encoding="utf-8").strip()
    if match["shift"]:
        text = _shift_headings(text, int(match["shift"]))
    return f"{text}\n\n*Included from `{match['path']}` when the site is built.*\n"


def layers() -> list[list[str]]:
    """The ``layers`` list of ``test_imports_run_one_way``, top layer first."""
    source = (ROOT / "tests" / "unit" / "test_layering.py").read_text(encoding="utf-8")
    for node in ast.walk(ast.parse(source)):
        if (
            isinstance(node, ast.Assign)
            and any(isinstance(t, ast.Name) and t.id == "layers" for t in node.targets)
            and isinstance(node.value, ast.List)
        ):
            return [sorted(ast.literal_eval(elt)) for elt in node.value.elts]
    raise ValueError("tests/unit/test_layering.py: no `layers = [...]` list found")


def _layers_table(_: re.Match[str]) -> str:
    rows = ["| layer (top first) | subpackages and modules |", "|---|---|"]
    for i, names in enumerate(layers(), 1):
        rows.append(f"| {i} | {', '.join(f'`{n}`' for n in names)} |")
    return "\n".join(rows) + "\n\n*Generated from `tests/unit/test_layering.py`.*\n"


def _first_sentence(path: Path) -> str:
    doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""
    text = " ".join(doc.split("\n\n")[0].split())
    text = re.sub(r":\w+:`~?([^`]+)`", r"`\1`", text).replace("``", "`")
    match = re.match(r"(.+?\.)(\s+[A-Z]|$)", text)
    return (match[1] if match else text).rstrip(":;") or "(no docstring)"


def _packages_table(_: re.Match[str]) -> str:
    rows = [
        "| subpackage or module | what it holds (its docstring's first sentence) |",
        "|---|---|",
    ]
    for path in sorted(PKG.iterdir()):
        init = path / "__init__.py"
        if path.is_dir() and init.is_file():
            rows.append(f"| `{path.name}/` | {_first_sentence(init)} |")
        elif path.suffix == ".py" and path.name != "__init__.py":
            rows.append(f"| `{path.name}` | {_first_sentence(path)} |")
    return "\n".join(rows) + "\n\n*Generated from the package's docstrings.*\n"


def on_page_markdown(markdown: str, **_: object) -> str:
    """Expand ``[[include ...]]``, ``[[layers]]`` and ``[[packages]]`` lines."""
    markdown = INCLUDE.sub(_include, markdown)
    markdown = LAYERS.sub(_layers_table, markdown)
    return PACKAGES.sub(_packages_table, markdown)
