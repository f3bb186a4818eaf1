"""One registry for every plug-in found by name: backends, estimators, grouping searches,
metrics and suites.

A :class:`Registry` maps a snake_case name to an entry: a class (backends, estimators,
searches) or any other value (a metric, a suite loader).

* ``register(name, **attrs)`` is a class decorator that sets ``cls.name = name`` and the
  given class attributes (e.g. a search's ``kind`` and ``exact``);
* ``add(name, value)`` registers any value as it is;
* ``alias(old, new)`` keeps a former name working: ``lookup(old)`` returns the entry of
  ``new`` and emits a :class:`DeprecationWarning` ("suite 'zh-classical' is deprecated;
  use 'zh_classical'"); aliases are not names (``names()``, iteration and ``in`` show only
  the current ones);
* ``lookup(name)`` returns the entry or raises an :class:`~taskaffinity.errors.InputError`
  naming the config field and the known names.

Registering a second, different entry under a taken name (or a deprecated one) is an
error; re-registering the same class (same module and qualified name, e.g. after a module
reload) replaces it, and ``add(..., replace=True)`` replaces any entry. Names are
snake_case: lower-case letters and digits, words joined by single underscores.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable, Iterator, Mapping
from types import MappingProxyType
from typing import Any, Generic, TypeVar

from taskaffinity.errors import InputError, did_you_mean

__all__ = ["Registry"]

V = TypeVar("V")
C = TypeVar("C", bound=type)

_SNAKE = re.compile(r"[a-z][a-z0-9]*(?:_[a-z0-9]+)*")
_MISSING = object()


def _same(a: object, b: object) -> bool:
    """Whether ``b`` may replace ``a`` without ``replace=True``: the same object, or the
    same class or function reloaded (same module and qualified name)."""
    if a is b:
        return True
    key = ("__module__", "__qualname__")
    if all(hasattr(a, k) and hasattr(b, k) for k in key):
        return (a.__module__, a.__qualname__) == (b.__module__, b.__qualname__)
    return False


class Registry(Mapping[str, V], Generic[V]):
    """Name -> registered entry for one ``kind`` of plug-in (``"backend"``, ``"suite"``,
    ...); ``field`` is the config field that names one (used in error messages). As a
    mapping it holds the current names only and iterates in sorted order."""

    def __init__(self, kind: str, field: str) -> None:
        self.kind = kind
        self.field = field
        self._items: dict[str, V] = {}
        self._aliases: dict[str, str] = {}

    def _check_name(self, name: str) -> None:
        if name in self._aliases:
            raise ValueError(
                f"{self.kind} {name!r} is a deprecated name of {self._aliases[name]!r}"
            )
        if not isinstance(name, str) or not _SNAKE.fullmatch(name):
            raise ValueError(
                f"{self.kind} name {name!r} is not snake_case (lower-case letters and digits, "
                "words joined by single underscores)"
            )

    def register(self, name: str, **attrs: Any) -> Callable[[C], C]:
        """Class decorator: register ``cls`` under ``name``, setting ``name`` and ``attrs``
        as class attributes. Raises ``ValueError`` when ``name`` is not snake_case or is
        taken by another class."""
        self._check_name(name)

        def deco(cls: C) -> C:
            old = self._items.get(name)
            if old is not None and not _same(old, cls):
                label = getattr(old, "__qualname__", repr(old))
                raise ValueError(f"{self.kind} {name!r} is already registered ({label})")
            cls.name = name
            for key, value in attrs.items():
                setattr(cls, key, value)
            self._items[name] = cls
            return cls

        return deco

    def add(self, name: str, value: V, *, replace: bool = False) -> V:
        """Register ``value`` (any object, kept as it is) under ``name`` and return it.
        A taken name is replaced when ``replace`` is true (it keeps its place in
        :meth:`in_registration_order`), else raises ``ValueError`` unless ``value`` is the
        entry already there (or the same class or function reloaded)."""
        self._check_name(name)
        old = self._items.get(name, _MISSING)
        if old is not _MISSING and not replace and not _same(old, value):
            raise ValueError(f"{self.kind} {name!r} is already registered")
        self._items[name] = value
        return value

    def alias(self, old: str, new: str) -> None:
        """Accept the former name ``old`` for the registered ``new``: :meth:`lookup` and
        :meth:`resolve` of ``old`` warn (``DeprecationWarning``) and give ``new``'s entry."""
        if new not in self._items:
            raise ValueError(f"cannot alias {old!r} to unregistered {self.kind} {new!r}")
        if old in self._items:
            raise ValueError(f"{self.kind} {old!r} is registered; it cannot be an alias")
        self._aliases[old] = new

    @property
    def aliases(self) -> Mapping[str, str]:
        """Deprecated name -> current name (read-only)."""
        return MappingProxyType(self._aliases)

    def _resolve(self, name: str, stacklevel: int) -> str:
        if name in self._items:
            return name
        if name in self._aliases:
            new = self._aliases[name]
            warnings.warn(
                f"{self.kind} {name!r} is deprecated; use {new!r}",
                DeprecationWarning,
                stacklevel=stacklevel + 1,
            )
            return new
        raise InputError(
            f"unknown {self.kind} {name!r}{did_you_mean(name, self.names())}; choose one of "
            f"{self.names()}",
            field=self.field,
        )

    def resolve(self, name: str) -> str:
        """The current name of ``name``: itself, or (with a ``DeprecationWarning``) the name
        a deprecated alias stands for; :class:`InputError` (on ``field``) if neither."""
        return self._resolve(name, stacklevel=2)

    def lookup(self, name: str) -> V:
        """The entry registered as ``name`` (or as the name the deprecated alias ``name``
        stands for, with a ``DeprecationWarning``); :class:`InputError` (on ``field``) if
        none."""
        return self._items[self._resolve(name, stacklevel=2)]

    def pop(self, name: str, *default: Any) -> Any:
        """Unregister ``name`` (and its aliases) and return its entry; ``default`` when
        ``name`` is not registered (``KeyError`` without one)."""
        if name not in self._items and default:
            return default[0]
        value = self._items.pop(name)
        self._aliases = {o: n for o, n in self._aliases.items() if n != name}
        return value

    def names(self, **where: Any) -> list[str]:
        """Registered names, sorted; only entries whose attributes equal ``where``."""
        return sorted(
            n
            for n, c in self._items.items()
            if all(getattr(c, k, _MISSING) == v for k, v in where.items())
        )

    def in_registration_order(self) -> list[V]:
        """The entries in the order they were first registered."""
        return list(self._items.values())

    def __getitem__(self, name: str) -> V:
        return self._items[name]

    def __iter__(self) -> Iterator[str]:
        return iter(sorted(self._items))

    def __len__(self) -> int:
        return len(self._items)

    def __repr__(self) -> str:
        return f"Registry({self.kind!r}, {self.names()})"
