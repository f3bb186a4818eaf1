"""Registry of built-in task suites: name -> ``"module:function"`` of a loader.

A loader is a zero-argument callable returning a :class:`~taskaffinity.tasks.TaskSuite`;
its module is imported only when the suite is first loaded, so listing suites is free.
To add a suite, put its package under ``suites/<name>/`` (``suite.yaml``, ``data/``,
``NOTICE``, ``build.py``) and add one line to :data:`SUITES`, e.g.
``"en-text": "taskaffinity.suites.en_text:load"``; or call :func:`register` at run time.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from functools import lru_cache

from taskaffinity.errors import InputError
from taskaffinity.tasks import TaskSuite

__all__ = ["SUITES", "available", "load_suite", "register"]

SUITES: dict[str, str | Callable[[], TaskSuite]] = {
    "zh-classical": "taskaffinity.suites.zh_classical:load",
    "en-text": "taskaffinity.suites.en_text:load",
}


def register(name: str, loader: str | Callable[[], TaskSuite]) -> None:
    """Add or replace suite ``name`` (a ``"module:function"`` string or a callable)."""
    SUITES[name] = loader
    load_suite.cache_clear()


def available() -> list[str]:
    """Names of the registered suites, sorted."""
    return sorted(SUITES)


@lru_cache(maxsize=8)
def load_suite(name: str) -> TaskSuite:
    """The built-in suite ``name`` (cached: later calls return the same object)."""
    if name not in SUITES:
        raise InputError(f"unknown suite {name!r}; available: {available()}", field="suite")
    loader = SUITES[name]
    if isinstance(loader, str):
        module, _, func = loader.partition(":")
        loader = getattr(importlib.import_module(module), func)
    return loader()
