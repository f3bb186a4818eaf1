"""Every fenced code block of README.md and docs/ runs here, or is marked as not run.

Run with Sybil, one test per Markdown file, its blocks in order, in a fresh folder that
holds the repository's ``examples/`` (so relative paths in the docs resolve, and a file one
block writes is there for the next, as for a reader running them one after the other; a
page's Python blocks share one namespace):

* ``python``: executed;
* ``bash``: executed by ``bash -euo pipefail`` with this interpreter's ``bin/`` first on
  ``PATH`` (the ``taskaffinity`` command);
* ``yaml``: a study config (or a section of one, completed with ``name`` and ``suite``)
  read by :func:`taskaffinity.config.config_from_dict`, which validates every field;
* any other language, or a block whose command is slow or needs what a test machine lacks
  (a GPU, a cluster, a finished study): preceded by ``<!-- skip: next "why" -->``; an
  unmarked block in another language fails.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import unittest
from collections.abc import Iterable
from pathlib import Path

import pytest
import yaml

pytest.importorskip("sybil", reason="the docs extra is not installed: pip install -e '.[docs]'")

from sybil import Document, Example, Region, Sybil
from sybil.parsers.markdown import PythonCodeBlockParser, SkipParser
from sybil.parsers.markdown.lexers import FencedCodeBlockLexer

ROOT = Path(__file__).resolve().parents[2]
DOCS = sorted([ROOT / "README.md", *(ROOT / "docs").rglob("*.md")])
RUN = {"python", "bash", "yaml"}
FENCE = re.compile(r"^\s*(```+|~~~+)(\S*)")


def _run_bash(example: Example) -> None:
    """Run the block in the page's folder (files it writes are there for later blocks)."""
    path = f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"
    env = {**os.environ, "PATH": path, "COLUMNS": "100"}
    proc = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", str(example.parsed)],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    if proc.returncode != 0:
        raise AssertionError(
            f"{example.path}:{example.line}: exit {proc.returncode}\n{proc.stdout}\n{proc.stderr}"
        )


def _run_yaml(example: Example) -> None:
    from taskaffinity.config import config_from_dict

    data = yaml.safe_load(str(example.parsed))
    if not isinstance(data, dict):
        raise AssertionError(f"{example.path}:{example.line}: not a YAML mapping")
    if "tasks" not in data and "tasks_from" not in data:
        data.setdefault("suite", "zh_classical")
    data.setdefault("name", "docs-example")
    config_from_dict(data)  # relative paths from the page's folder, which holds examples/


def _unmarked(example: Example) -> None:
    raise AssertionError(
        f"{example.path}:{example.line}: a ```{example.region.lexemes['arguments']} block is "
        'not run; mark it with <!-- skip: next "why" --> or use python, bash or yaml'
    )


class _Blocks:
    """Regions for the fenced blocks that are not Python: bash, yaml, or unmarked others."""

    def __init__(self) -> None:
        self.lexer = FencedCodeBlockLexer(
            language=r".+", mapping={"language": "arguments", "source": "source"}
        )

    def __call__(self, document: Document) -> Iterable[Region]:
        for region in self.lexer(document):
            language = region.lexemes["arguments"]
            if language == "python":
                continue
            region.parsed = region.lexemes["source"]
            region.evaluator = {"bash": _run_bash, "yaml": _run_yaml}.get(language, _unmarked)
            yield region


SYBIL = Sybil(parsers=[SkipParser(), PythonCodeBlockParser(), _Blocks()], path=str(ROOT))


def _name(path: Path) -> str:
    return str(path.relative_to(ROOT))


@pytest.mark.parametrize("path", DOCS, ids=_name)
def test_code_blocks(path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Run each block of one page in order; skipped blocks must say why."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "examples").symlink_to(ROOT / "examples")
    document = SYBIL.parse(path)
    for example in document.examples():
        try:
            example.evaluate()
        except unittest.SkipTest as skip:
            assert str(skip).strip(), f"{path}:{example.line}: a skip must give its reason"


@pytest.mark.parametrize("path", DOCS, ids=_name)
def test_every_block_names_its_language(path: Path) -> None:
    """A fence without a language would escape the runner above."""
    bare, inside = [], False
    for no, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        match = FENCE.match(line)
        if not match:
            continue
        if not inside and not match[2]:
            bare.append(no)
        inside = not inside
    assert bare == [], f"{_name(path)}: fenced blocks without a language at lines {bare}"


def test_the_pages_are_found() -> None:
    assert ROOT / "README.md" in DOCS
    assert len(DOCS) > 20
