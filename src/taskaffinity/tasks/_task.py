"""Task and TaskSuite: labelled examples with their splits, kind, category and metric."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Literal

from taskaffinity.errors import InputError

__all__ = ["KINDS", "Example", "Task", "TaskKind", "TaskSuite"]

TaskKind = Literal["classification", "tagging", "generation"]
KINDS: tuple[str, ...] = ("classification", "tagging", "generation")


@dataclass(frozen=True)
class Example:
    """One labelled example.

    classification: ``text`` -> ``label``; tagging: ``tokens`` -> ``tags`` (same length);
    generation: ``text`` -> ``label`` (the target text).
    """

    text: str = ""
    label: str = ""
    tokens: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()


@dataclass(frozen=True, eq=False)
class Task:
    """A task with its three splits.

    ``labels`` is the label set (classification) or tag set (tagging), sorted, taken from
    train. ``metric`` names the main metric (see :mod:`taskaffinity.metrics`).
    ``instruction`` is a template with ``{text}`` used by instruction-tuning backends.
    """

    name: str
    kind: TaskKind
    category: str
    metric: str
    train: tuple[Example, ...]
    dev: tuple[Example, ...]
    test: tuple[Example, ...]
    labels: tuple[str, ...] = ()
    instruction: str = ""
    description: str = ""

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise InputError(f"unknown kind {self.kind!r}; choose one of {KINDS}", field="kind")
        if not self.labels and self.kind != "generation":
            seen: set[str] = set()
            for ex in self.train:
                if self.kind == "tagging":
                    seen.update(ex.tags)
                else:
                    seen.add(ex.label)
            object.__setattr__(self, "labels", tuple(sorted(seen)))

    def split(self, name: str) -> tuple[Example, ...]:
        if name not in ("train", "dev", "test"):
            raise KeyError(f"unknown split {name!r}")
        return getattr(self, name)

    @cached_property
    def fingerprint(self) -> str:
        """Hash of the task's definition and data (12 hex digits): name, kind, metric,
        label set and every example of every split (not its category, instruction or
        description)."""
        h = hashlib.sha256()
        h.update(json.dumps([self.name, self.kind, self.metric, list(self.labels)]).encode())
        for split in (self.train, self.dev, self.test):
            for ex in split:
                h.update(json.dumps([ex.text, ex.label, ex.tokens, ex.tags]).encode())
            h.update(b"|")
        return h.hexdigest()[:12]

    def __repr__(self) -> str:
        return (
            f"Task({self.name}, {self.kind}, category={self.category}, metric={self.metric}, "
            f"train/dev/test={len(self.train)}/{len(self.dev)}/{len(self.test)}, "
            f"labels={len(self.labels)})"
        )


@dataclass(frozen=True, eq=False)
class TaskSuite:
    """An ordered collection of uniquely named tasks."""

    name: str
    tasks: tuple[Task, ...] = field(default_factory=tuple)

    def __post_init__(self) -> None:
        names = [t.name for t in self.tasks]
        dup = sorted({n for n in names if names.count(n) > 1})
        if dup:
            raise InputError(f"duplicate task names {dup}", field="name")

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(t.name for t in self.tasks)

    def task(self, name: str) -> Task:
        for t in self.tasks:
            if t.name == name:
                return t
        raise InputError(f"unknown task {name!r}; the suite has {list(self.names)}", field="tasks")

    def subset(self, names: Iterable[str]) -> TaskSuite:
        return TaskSuite(self.name, tuple(self.task(n) for n in names))

    def check(self, names: Sequence[str]) -> None:
        """Raise InputError naming the first unknown task in ``names``."""
        for n in names:
            self.task(n)

    @property
    def categories(self) -> dict[str, str]:
        return {t.name: t.category for t in self.tasks}

    @property
    def fingerprint(self) -> str:
        """Hash of the suite: its name and its tasks' fingerprints in order (12 hex
        digits)."""
        h = hashlib.sha256(self.name.encode())
        for t in self.tasks:
            h.update(t.fingerprint.encode())
        return h.hexdigest()[:12]

    def tasks_fingerprint(self, names: Iterable[str]) -> str:
        """Hash of the tasks ``names`` (in any order, each once), their definitions and
        data: what a run on them reads of the suite, whatever the suite's name, its order
        and its other tasks (12 hex digits)."""
        h = hashlib.sha256()
        for name in sorted(set(names)):
            h.update(json.dumps([name, self.task(name).fingerprint]).encode())
        return h.hexdigest()[:12]

    def __repr__(self) -> str:
        return f"TaskSuite({self.name}, tasks={list(self.names)})"
