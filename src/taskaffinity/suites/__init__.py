"""Built-in task suites shipped with the package (``zh-classical``, ``en-text``).

``load_suite(name) -> TaskSuite`` (cached) and ``available() -> list[str]``; see
:mod:`taskaffinity.suites._registry` for how to register another suite.
"""

from taskaffinity.suites._registry import SUITES, available, load_suite, register

__all__ = ["SUITES", "available", "load_suite", "register"]
