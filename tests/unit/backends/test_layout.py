"""The backends' house: one folder per backend (``_config.py``, ``_model.py`` with its model
as module-level classes, ``_backend.py``), the shared training in ``training/``, and no
import cycle between the files of ``taskaffinity.backends`` (imports inside functions and
under ``TYPE_CHECKING`` counted)."""

from __future__ import annotations

import ast
from pathlib import Path

import networkx as nx
import pytest

BACKENDS = Path(__file__).resolve().parents[3] / "src" / "taskaffinity" / "backends"
PREFIX = "taskaffinity.backends"


def _module(path: Path) -> str:
    parts = path.relative_to(BACKENDS).with_suffix("").parts
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join((PREFIX, *parts))


def _file_of(module: str) -> str | None:
    """The module ``module`` names, when it is a file of the backends (a package: its
    ``__init__``)."""
    if module != PREFIX and not module.startswith(PREFIX + "."):
        return None
    rel = Path(*module.split(".")[2:]) if module != PREFIX else Path()
    if (BACKENDS / rel).with_suffix(".py").is_file():
        return module
    if (BACKENDS / rel / "__init__.py").is_file():
        return module
    return None


def _edges(path: Path) -> set[str]:
    here = _module(path)
    package = here if path.name == "__init__.py" else here.rpartition(".")[0]
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([node.module] if node.module else []))
            # "from pkg import mod" imports the file pkg/mod.py; "from mod import name" mod
            names = [
                f"{base}.{a.name}" if _file_of(f"{base}.{a.name}") else base for a in node.names
            ]
        else:
            continue
        out.update(f for f in map(_file_of, names) if f is not None and f != here)
    return out


def test_no_import_cycle_between_the_files_of_backends() -> None:
    graph = nx.DiGraph()
    for path in BACKENDS.rglob("*.py"):
        graph.add_node(_module(path))
        for target in _edges(path):
            graph.add_edge(_module(path), target)
    # (measured on the layout before training/ existed, this found the cycle
    # _capabilities -> heads -> heads._loop -> _capabilities)
    cycles = list(nx.simple_cycles(graph))
    assert cycles == [], f"import cycles between files of the backends: {cycles}"


@pytest.mark.parametrize("backend", ["scratch", "encoder", "lora"])
def test_one_folder_per_backend(backend: str) -> None:
    folder = BACKENDS / backend
    for name in ("__init__.py", "_config.py", "_model.py", "_backend.py"):
        assert (folder / name).is_file(), f"{backend}/{name} missing"


def test_no_class_is_defined_inside_a_function() -> None:
    nested = []
    for path in BACKENDS.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                nested += [
                    f"{path.relative_to(BACKENDS)}:{inner.lineno} {inner.name}"
                    for inner in ast.walk(node)
                    if isinstance(inner, ast.ClassDef)
                ]
    assert nested == []


def test_the_shared_training_lives_in_training() -> None:
    names = {p.stem for p in (BACKENDS / "training").glob("*.py")}
    assert {"_loop", "_sampling", "_selection", "_averaging", "_memory"} <= names
    assert not list((BACKENDS / "heads").glob("_loop.py"))
