"""Suite registry: available(), load_suite() caching, errors, run-time registration."""

from __future__ import annotations

import pytest

from taskaffinity.errors import InputError
from taskaffinity.suites import SUITES, available, load_suite, register
from taskaffinity.tasks import Example, Task, TaskSuite


def test_available_lists_builtin_suites() -> None:
    assert {"zh-classical", "en-text"} <= set(available())


def test_load_suite_is_cached() -> None:
    assert load_suite("zh-classical") is load_suite("zh-classical")


def test_unknown_suite() -> None:
    with pytest.raises(InputError, match="unknown suite 'nope'") as info:
        load_suite("nope")
    assert info.value.field == "suite"


def test_register_callable() -> None:
    ex = (Example(text="a", label="x"),)
    suite = TaskSuite("toy", (Task("t", "classification", "c", "accuracy", ex, ex, ex),))
    try:
        register("toy", lambda: suite)
        assert load_suite("toy") is suite and "toy" in available()
    finally:
        SUITES.pop("toy", None)
        load_suite.cache_clear()
