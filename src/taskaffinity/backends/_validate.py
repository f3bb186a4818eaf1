"""Input checks a backend runs before any training: task kinds, splits and label sets.

Every problem raises :class:`~taskaffinity.errors.InputError` naming the task, split,
example (1-based ``line``) and field, so a bad suite fails before a run starts.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from taskaffinity.errors import InputError

__all__ = ["validated_tasks"]


def validated_tasks(
    names: Sequence[str],
    suite: Any,
    backend: str,
    kinds: tuple[str, ...] = ("classification", "tagging"),
) -> list[Any]:
    """The tasks ``names`` of ``suite`` (sorted by name), checked for backend ``backend``
    (which trains tasks of ``kinds``)."""
    if not names:
        raise InputError("no tasks to train", field="tasks")
    suite.check(names)
    tasks = [suite.task(n) for n in sorted(names)]
    for t in tasks:
        if t.kind not in kinds:
            raise InputError(
                f"task {t.name!r} is a {t.kind} task; backend {backend!r} trains "
                f"{' and '.join(kinds)} tasks",
                field="kind",
            )
        for split in ("train", "dev", "test"):
            if not t.split(split):
                raise InputError(f"task {t.name!r} has an empty {split} split", field=split)
        if t.kind == "generation":
            continue  # free-text targets: no label set to check
        if len(t.labels) < 2:
            raise InputError(f"task {t.name!r} needs >= 2 labels", field="labels")
        known = set(t.labels)
        for split in ("train", "dev", "test"):
            for i, ex in enumerate(t.split(split)):
                bad = set(ex.tags) - known if t.kind == "tagging" else {ex.label} - known
                if bad or (t.kind == "tagging" and len(ex.tags) != len(ex.tokens)):
                    why = (
                        f"labels {sorted(bad)} not in the label set"
                        if bad
                        else (f"{len(ex.tokens)} tokens but {len(ex.tags)} tags")
                    )
                    raise InputError(
                        f"task {t.name!r} {split} example {i}: {why}",
                        line=i + 1,
                        field="tags" if t.kind == "tagging" else "label",
                    )
    return tasks
