"""Suite registry: available(), load_suite() caching, errors, run-time registration."""

from __future__ import annotations

import warnings

import pytest

from taskaffinity.errors import InputError
from taskaffinity.suites import SUITES, available, load_suite, register
from taskaffinity.tasks import Example, Task, TaskSuite


def test_available_lists_builtin_suites() -> None:
    assert {"zh_classical", "en_text"} <= set(available())


def test_load_suite_is_cached() -> None:
    assert load_suite("zh_classical") is load_suite("zh_classical")


def test_former_names_warn_and_load_the_same_suite() -> None:
    with pytest.deprecated_call(match="'zh-classical' is deprecated; use 'zh_classical'"):
        assert SUITES.lookup("zh-classical") is SUITES["zh_classical"]
    with pytest.deprecated_call(match="'en-text' is deprecated; use 'en_text'"):
        assert SUITES.resolve("en-text") == "en_text"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # warns on its first call only
        old = load_suite("zh-classical")
    assert old is load_suite("zh_classical") and old.name == "zh_classical"
    assert "zh-classical" not in available()


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
