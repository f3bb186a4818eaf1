"""One registry for the plug-ins found by name: backends, estimators and grouping searches.

A :class:`Registry` maps a name to a registered class. ``register(name, **attrs)`` is a
class decorator that sets ``cls.name = name`` and the given class attributes (e.g. a
search's ``kind`` and ``exact``); ``lookup(name)`` returns the class or raises an
:class:`~taskaffinity.errors.InputError` naming the config field and the known names.
Registering a second, different class under a taken name is an error; re-registering the
same class (same module and qualified name, e.g. after a module reload) replaces it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any, Generic, TypeVar

from taskaffinity.errors import InputError

__all__ = ["Registry"]

C = TypeVar("C", bound=type)


def _same(a: type, b: type) -> bool:
    return (a.__module__, a.__qualname__) == (b.__module__, b.__qualname__)


class Registry(Mapping[str, C], Generic[C]):
    """Name -> registered class for one ``kind`` of plug-in (``"backend"``, ...); ``field``
    is the config field that names one (used in error messages). Iterates in sorted order."""

    def __init__(self, kind: str, field: str) -> None:
        self.kind = kind
        self.field = field
        self._items: dict[str, C] = {}

    def register(self, name: str, **attrs: Any) -> Callable[[C], C]:
        """Class decorator: register ``cls`` under ``name``, setting ``name`` and ``attrs``."""

        def deco(cls: C) -> C:
            old = self._items.get(name)
            if old is not None and not _same(old, cls):
                raise ValueError(f"{self.kind} {name!r} is already registered ({old.__qualname__})")
            cls.name = name
            for key, value in attrs.items():
                setattr(cls, key, value)
            self._items[name] = cls
            return cls

        return deco

    def names(self, **where: Any) -> list[str]:
        """Registered names, sorted; only classes whose attributes equal ``where``."""
        return sorted(
            n for n, c in self._items.items() if all(getattr(c, k) == v for k, v in where.items())
        )

    def lookup(self, name: str) -> C:
        """The class registered as ``name``; :class:`InputError` (on ``field``) if none."""
        if name not in self._items:
            raise InputError(
                f"unknown {self.kind} {name!r}; choose one of {self.names()}", field=self.field
            )
        return self._items[name]

    def __getitem__(self, name: str) -> C:
        return self._items[name]

    def __iter__(self) -> Iterator[str]:
        return iter(sorted(self._items))

    def __len__(self) -> int:
        return len(self._items)
