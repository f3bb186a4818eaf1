"""Built-in task suites shipped with the package (``zh_classical``, ``en_text``,
``en_many``).

``load_suite(name) -> TaskSuite`` (cached) and ``available() -> list[str]``; see
:mod:`taskaffinity.suites._catalog` for how to register another suite.
"""

from taskaffinity.suites._catalog import SUITES, available, load_suite, register

__all__ = ["SUITES", "available", "load_suite", "register"]
