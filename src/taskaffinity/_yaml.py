"""YAML files of user input (study configs, suite files): the data, the line of every
field, and no key given twice.

``load_yaml(path)`` returns ``(data, lines)``: the parsed document (safe loader) and
``{dotted field path: 1-based line}`` (``backend.epochs``, ``tasks[0].data.train``).
A key repeated in one mapping (``seeds: [0]`` then ``seeds: [5]``: YAML would keep the
last silently) is an :class:`~taskaffinity.errors.InputError` naming the file, the line of
the repetition and the field; so is text that is not UTF-8 or not YAML.
``line_of(lines, field)`` is the line of a field or of its closest enclosing one.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from taskaffinity._text import read_text
from taskaffinity.errors import InputError

__all__ = ["line_of", "load_yaml", "parse_yaml"]

_MERGE = "tag:yaml.org,2002:merge"


def _walk(node: yaml.Node, prefix: str, out: dict[str, int], file: Any, seen: set[int]) -> None:
    """Fill ``out`` with field path -> line; raise on a key repeated in one mapping."""
    if id(node) in seen:  # an alias of a node already walked
        return
    seen.add(id(node))
    if prefix:
        out.setdefault(prefix, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        first: dict[tuple[str, str], int] = {}
        for key, value in node.value:
            if key.tag == _MERGE or not isinstance(key, yaml.ScalarNode):
                continue
            path = f"{prefix}.{key.value}" if prefix else str(key.value)
            line = key.start_mark.line + 1
            ident = (key.tag, key.value)
            if ident in first:
                raise InputError(
                    f"key {key.value!r} given twice (first on line {first[ident]}); "
                    "YAML would silently keep the last one",
                    file=file,
                    line=line,
                    field=path,
                )
            first[ident] = line
            out[path] = line
            _walk(value, path, out, file, seen)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _walk(item, f"{prefix}[{i}]", out, file, seen)


def parse_yaml(text: str, file: str | Path | None = None) -> tuple[Any, dict[str, int]]:
    """``(data, lines)`` of the YAML ``text`` (see the module docstring); ``file`` names
    it in errors."""
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        lines: dict[str, int] = {}
        if node is None:
            return None, lines
        _walk(node, "", lines, file, set())
        return loader.construct_document(node), lines
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None) or getattr(err, "context_mark", None)
        line = mark.line + 1 if mark is not None else None
        problem = getattr(err, "problem", None) or str(err).splitlines()[0]
        raise InputError(f"not valid YAML: {problem}", file=file, line=line) from None
    finally:
        loader.dispose()


def load_yaml(path: str | Path) -> tuple[Any, dict[str, int]]:
    """``(data, lines)`` of the YAML file ``path``; InputError (file, line, field) for a
    missing file, text that is not UTF-8 or not YAML, or a key given twice."""
    path = Path(path)
    return parse_yaml(read_text(path), path)


def line_of(lines: dict[str, int], name: str) -> int | None:
    """Line of the field ``name`` or of its closest enclosing field (None if unknown)."""
    while name:
        if name in lines:
            return lines[name]
        cut = max(name.rfind("."), name.rfind("["))
        name = name[:cut] if cut > 0 else ""
    return None
