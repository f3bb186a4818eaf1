"""Built-in task suites by name: :data:`SUITES`, a :class:`taskaffinity._registry.Registry`
of loaders, each a ``"module:function"`` string or a zero-argument callable returning a
:class:`~taskaffinity.tasks.TaskSuite`.

A string loader's module is imported only when the suite is first loaded, so listing
suites is free. To add a suite, put its package under ``suites/<name>/`` (``suite.yaml``,
``data/``, ``NOTICE``, ``build.py``) and add one line below, e.g.
``SUITES.add("en_text", "taskaffinity.suites.en_text:load")``; or call :func:`register` at
run time. The registered name is the lookup name only: the loaded suite's own
``TaskSuite.name`` (``name:`` in its ``suite.yaml``; no part of any run key) is unchanged,
e.g. ``load_suite("zh_classical").name == "zh-classical"``.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from functools import lru_cache
from typing import TYPE_CHECKING

from taskaffinity._registry import Registry
from taskaffinity.errors import InputError, did_you_mean

if TYPE_CHECKING:
    from taskaffinity.tasks import TaskSuite

__all__ = ["SUITES", "available", "load_suite", "register"]

SUITES: Registry[str | Callable[[], TaskSuite]] = Registry("suite", field="suite")
SUITES.add("zh_classical", "taskaffinity.suites.zh_classical:load")
SUITES.add("en_text", "taskaffinity.suites.en_text:load")
SUITES.add("en_many", "taskaffinity.suites.en_many:load")
# Former names, accepted with a DeprecationWarning.
SUITES.alias("zh-classical", "zh_classical")
SUITES.alias("en-text", "en_text")


def register(name: str, loader: str | Callable[[], TaskSuite]) -> None:
    """Add or replace suite ``name`` (a ``"module:function"`` string or a callable)."""
    SUITES.add(name, loader, replace=True)
    load_suite.cache_clear()


def available() -> list[str]:
    """Names of the registered suites, sorted."""
    return SUITES.names()


@lru_cache(maxsize=8)
def load_suite(name: str) -> TaskSuite:
    """The built-in suite ``name`` (cached: later calls return the same object; a deprecated
    name warns and gives the same object as the current one)."""
    if name not in SUITES and name not in SUITES.aliases:
        raise InputError(
            f"unknown suite {name!r}{did_you_mean(name, available())}; available: {available()}",
            field="suite",
        )
    current = SUITES.resolve(name)
    if current != name:
        return load_suite(current)
    loader = SUITES[name]
    if isinstance(loader, str):
        module, _, func = loader.partition(":")
        loader = getattr(importlib.import_module(module), func)
    return loader()
