"""The package's shape: imports between subpackages run one way (no cycle, counting imports
inside functions and under ``TYPE_CHECKING``), and no code names the issue it came from."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import networkx as nx

ROOT = Path(__file__).resolve().parents[2]
PKG = ROOT / "src" / "taskaffinity"


def _unit(module: str) -> str | None:
    """The subpackage (``analysis``) or top-level module (``errors``) a dotted name is in."""
    parts = module.split(".")
    if parts[0] != "taskaffinity" or len(parts) < 2:
        return None
    return parts[1]


def _imports(path: Path) -> set[str]:
    here = ".".join(path.relative_to(PKG.parent).with_suffix("").parts)
    if path.name == "__init__.py":
        here = here.removesuffix(".__init__")
        base = here.split(".")
    else:
        base = here.split(".")[:-1]
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                anchor = base[: len(base) - node.level + 1]
                mod = ".".join(anchor + ([node.module] if node.module else []))
            else:
                mod = node.module or ""
            out.add(mod)
            out.update(f"{mod}.{alias.name}" for alias in node.names)
    return out


def _graph() -> nx.DiGraph:
    graph = nx.DiGraph()
    for path in PKG.rglob("*.py"):
        src = _unit(".".join(path.relative_to(PKG.parent).with_suffix("").parts))
        if src is None:
            continue
        graph.add_node(src)
        for mod in _imports(path):
            dst = _unit(mod)
            known = dst is not None and ((PKG / dst).exists() or (PKG / f"{dst}.py").exists())
            if known and dst != src:
                graph.add_edge(src, dst)
    return graph


def test_no_import_cycle_between_subpackages() -> None:
    cycles = list(nx.simple_cycles(_graph()))
    assert cycles == [], f"import cycles between subpackages: {cycles}"


def test_imports_run_one_way() -> None:
    """The layers of docs/design.md: nothing imports a layer above its own."""
    layers = [
        {"cli"},
        {"demo"},
        {"report", "evaluation", "testing"},
        {"recommendation"},
        {"affinity"},
        {"study"},
        {"prediction"},
        {"grouping"},
        {"analysis"},
        {"config"},
        {"backends"},
        {"tables"},
        {"suites"},
        {"tasks", "metrics"},
        {"models"},
        {"types", "errors", "_registry", "_fields", "_text", "_yaml", "_atomic"},
    ]
    rank = {name: i for i, layer in enumerate(layers) for name in layer}
    graph = _graph()
    unknown = sorted(set(graph.nodes) - set(rank) - {"__init__"})
    assert unknown == [], f"subpackages missing from the layer list: {unknown}"
    upward = [(a, b) for a, b in graph.edges if a in rank and b in rank and rank[b] < rank[a]]
    assert upward == [], f"imports of a higher layer: {sorted(upward)}"


def test_no_code_names_an_issue() -> None:
    pattern = re.compile(r"\bissue\s*#?\d+|\bissues?\s+\d+\b", re.IGNORECASE)
    hits = []
    for folder in ("src", "tests", "benchmarks"):
        for path in (ROOT / folder).rglob("*.py"):
            for no, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if pattern.search(line):
                    hits.append(f"{path.relative_to(ROOT)}:{no}: {line.strip()}")
    assert hits == []


def _module_names() -> dict[str, Path]:
    """Dotted name -> file of every module of the package (a package by its ``__init__``)."""
    out = {}
    for path in PKG.rglob("*.py"):
        name = ".".join(path.relative_to(PKG.parent).with_suffix("").parts)
        out[name.removesuffix(".__init__")] = path
    return out


def _imported_modules(path: Path, modules: dict[str, Path]) -> set[str]:
    """The package's modules that ``path`` imports (at the top, inside functions or under
    ``TYPE_CHECKING``): ``from pkg import name`` imports ``pkg.name`` when that is a
    module, else ``pkg``; ``import a.b.c`` imports the longest of ``a.b.c``, ``a.b`` that
    is a module. The parent packages Python runs first are not counted (every module
    would otherwise cycle with its package's ``__init__``)."""
    here = ".".join(path.relative_to(PKG.parent).with_suffix("").parts)
    base = here.removesuffix(".__init__").split(".")
    if path.name != "__init__.py":
        base = base[:-1]
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                parts = alias.name.split(".")
                while parts and ".".join(parts) not in modules:
                    parts.pop()
                if parts:
                    out.add(".".join(parts))
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                anchor = base[: len(base) - node.level + 1]
                mod = ".".join(anchor + ([node.module] if node.module else []))
            else:
                mod = node.module or ""
            for alias in node.names:
                if f"{mod}.{alias.name}" in modules:
                    out.add(f"{mod}.{alias.name}")
                elif mod in modules:
                    out.add(mod)
    return out


def _file_graph() -> nx.DiGraph:
    """Module -> module of the same subpackage it imports (see :func:`_imported_modules`)."""
    modules = _module_names()
    graph = nx.DiGraph()
    for name, path in modules.items():
        graph.add_node(name)
        for mod in _imported_modules(path, modules):
            if _unit(mod) == _unit(name) and mod != name:
                graph.add_edge(name, mod)
    return graph


def test_no_import_cycle_between_files_of_one_subpackage() -> None:
    graph = _file_graph()
    assert graph.has_edge("taskaffinity.study._study", "taskaffinity.study._context")
    cycles = sorted(sorted(c) for c in nx.simple_cycles(graph))
    assert cycles == [], f"import cycles between files of one subpackage: {cycles}"
