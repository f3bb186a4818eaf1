"""Turn records into Examples through a task's ``fields`` mapping, and split by ratios."""

from __future__ import annotations

import contextlib
import json
import math
import numbers
import random
from typing import Any

from taskaffinity.errors import InputError
from taskaffinity.tasks._readers import Record
from taskaffinity.tasks._task import Example

__all__ = ["DEFAULT_FIELDS", "ratio_split", "to_example"]

DEFAULT_FIELDS = {
    "classification": {"text": "text", "label": "label"},
    "generation": {"text": "text", "label": "label"},
    "tagging": {"tokens": "tokens", "tags": "tags"},
}


def _get(rec: Record, fields: dict[str, str], role: str) -> Any:
    name = fields[role]
    value = rec.data.get(name)
    if value is None or (isinstance(value, float) and math.isnan(value)):
        have = sorted(rec.data)[:8]
        raise InputError(
            f"missing {role} field (record has {have})", file=rec.file, line=rec.line, field=name
        )
    return value


def _what(value: Any) -> str:
    """How a value that is not a string reads in an error: ``a list``, ``a mapping``..."""
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list | tuple) or hasattr(value, "tolist"):
        return "a list"
    return f"{type(value).__name__} {value!r}"


def _text(rec: Record, fields: dict[str, str], role: str) -> str:
    """The string (or number, as text) of ``role``; a list or mapping is refused."""
    value = _get(rec, fields, role)
    if getattr(value, "ndim", None) == 0:  # a numpy scalar (Parquet, datasets)
        value = value.tolist()
    if isinstance(value, str):
        return value
    if isinstance(value, numbers.Number):
        return str(value)
    raise InputError(
        f"expected a string, got {_what(value)}", file=rec.file, line=rec.line, field=fields[role]
    )


def _seq(rec: Record, fields: dict[str, str], role: str, *, chars: bool) -> list[str]:
    """A token/tag sequence: a list (or array) of strings, a JSON list string, or a plain
    string (tokens: one per character; tags: split on whitespace)."""
    value = _get(rec, fields, role)
    if hasattr(value, "tolist"):
        value = value.tolist()
    if isinstance(value, str) and value.startswith("["):
        with contextlib.suppress(json.JSONDecodeError):
            value = json.loads(value)
    if isinstance(value, str):
        return list(value) if chars else value.split()
    where = {"file": rec.file, "line": rec.line, "field": fields[role]}
    if not isinstance(value, list | tuple):
        raise InputError(f"expected a string or a list of strings, got {_what(value)}", **where)
    for i, item in enumerate(value):
        if not isinstance(item, str) and not (
            isinstance(item, numbers.Number) and not isinstance(item, bool)
        ):
            raise InputError(f"item {i} is {_what(item)}; expected a list of strings", **where)
    return [str(v) for v in value]


def to_example(rec: Record, kind: str, fields: dict[str, str]) -> Example:
    """One Example; InputError naming file, line and field when a value is missing, empty,
    or not a string (a list or a mapping where a string is expected)."""
    if kind == "tagging":
        tokens = _seq(rec, fields, "tokens", chars=True)
        tags = _seq(rec, fields, "tags", chars=False)
        if not tokens:
            raise InputError("no tokens", file=rec.file, line=rec.line, field=fields["tokens"])
        if len(tokens) != len(tags):
            raise InputError(
                f"{len(tokens)} tokens but {len(tags)} tags",
                file=rec.file,
                line=rec.line,
                field=fields["tags"],
            )
        return Example(tokens=tuple(tokens), tags=tuple(tags))
    text = _text(rec, fields, "text")
    if not text.strip():
        raise InputError("empty text", file=rec.file, line=rec.line, field=fields["text"])
    label = _text(rec, fields, "label")
    if kind == "classification" and not label.strip():
        raise InputError("empty label", file=rec.file, line=rec.line, field=fields["label"])
    return Example(text=text, label=label)


def ratio_split(
    pairs: list[tuple[Record, Example]], ratios: dict[str, float], seed: int
) -> dict[str, list[tuple[Record, Example]]]:
    """Deduplicate inputs (first occurrence kept), shuffle with ``seed`` and cut by
    ``ratios`` (normalised). No input text appears in two splits."""
    seen: set = set()
    unique = []
    for rec, ex in pairs:
        key = ex.tokens or ex.text
        if key not in seen:
            seen.add(key)
            unique.append((rec, ex))
    random.Random(seed).shuffle(unique)
    total = sum(ratios.values())
    n = len(unique)
    n_dev = round(n * ratios["dev"] / total)
    n_test = round(n * ratios["test"] / total)
    n_train = n - n_dev - n_test
    return {
        "train": unique[:n_train],
        "dev": unique[n_train : n_train + n_dev],
        "test": unique[n_train + n_dev :],
    }
