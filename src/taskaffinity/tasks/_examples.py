"""Turn records into Examples through a task's ``fields`` mapping, and split by ratios."""

from __future__ import annotations

import contextlib
import json
import math
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


def _seq(value: Any, *, chars: bool) -> list[str]:
    """A token/tag sequence: a list (or array), a JSON list string, or a plain string
    (tokens: one per character; tags: split on whitespace)."""
    if hasattr(value, "tolist"):
        value = value.tolist()
    if isinstance(value, str) and value.startswith("["):
        with contextlib.suppress(json.JSONDecodeError):
            value = json.loads(value)
    if isinstance(value, str):
        return list(value) if chars else value.split()
    if isinstance(value, list | tuple):
        return [str(v) for v in value]
    raise TypeError(type(value).__name__)


def to_example(rec: Record, kind: str, fields: dict[str, str]) -> Example:
    """One Example; InputError naming file, line and field when a value is missing or bad."""
    if kind == "tagging":
        try:
            tokens = _seq(_get(rec, fields, "tokens"), chars=True)
            tags = _seq(_get(rec, fields, "tags"), chars=False)
        except TypeError as err:
            raise InputError(
                f"expected a string or a list, got {err}",
                file=rec.file,
                line=rec.line,
                field=fields["tokens"],
            ) from None
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
    text = str(_get(rec, fields, "text"))
    if not text.strip():
        raise InputError("empty text", file=rec.file, line=rec.line, field=fields["text"])
    label = str(_get(rec, fields, "label"))
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
