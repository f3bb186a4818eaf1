"""Task and TaskSuite: labelled examples with their splits, kind, category and metric."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Literal

from taskaffinity.errors import InputError, did_you_mean

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


class _FrozenMapping(Mapping[str, Any]):
    """A read-only mapping (picklable, unlike ``types.MappingProxyType``)."""

    def __init__(self, data: Mapping[str, Any]) -> None:
        self._data = dict(data)

    def __getitem__(self, key: str) -> Any:
        return self._data[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __repr__(self) -> str:
        return repr(self._data)


def _frozen(value: Any) -> Any:
    """``value`` with every mapping made read-only and every list a tuple, recursively."""
    if isinstance(value, Mapping):
        return _FrozenMapping({k: _frozen(v) for k, v in value.items()})
    if isinstance(value, list | tuple):
        return tuple(_frozen(v) for v in value)
    return value


def _plain(value: Any) -> Any:
    """``value`` as JSON-ready plain dicts and lists."""
    if isinstance(value, Mapping):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    return value


@dataclass(frozen=True, eq=False)
class Task:
    """A task with its three splits.

    ``labels`` is the label set (classification) or tag set (tagging), sorted, taken from
    train. ``metric`` names the main metric (see :mod:`taskaffinity.metrics`).
    ``instruction`` is a template with ``{text}`` used by instruction-tuning backends.
    ``metric_options`` maps a metric name to its options (read-only mappings, e.g.
    ``{"bertscore_f1": {"model": "gemma3-270m", "num_layers": 9}}``), passed by
    :func:`taskaffinity.metrics.evaluate` to the metrics that take options.
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
    metric_options: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "metric_options", _frozen(self.metric_options))
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
        label set, metric options when there are any, and every example of every split
        (not its category, instruction or description)."""
        h = hashlib.sha256()
        h.update(json.dumps([self.name, self.kind, self.metric, list(self.labels)]).encode())
        if self.metric_options:
            h.update(json.dumps(_plain(self.metric_options), sort_keys=True).encode())
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
        raise InputError(
            f"unknown task {name!r}{did_you_mean(name, self.names)}; the suite has "
            f"{list(self.names)}",
            field="tasks",
        )

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
