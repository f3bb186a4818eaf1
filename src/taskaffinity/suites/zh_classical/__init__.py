"""Built-in suite ``zh_classical``: six Classical Chinese tasks from chinese-poetry 2.0.1.

punctuation (句读, tagging), tonal (平仄, tagging), poet, dynasty, ci_tune, shijing
(classification); 2400/500/1500 examples (train/dev/test) per task, shijing 1044/79/193
(its source has only 305 poems). See ``suite.yaml`` for metrics, ``NOTICE`` for sources,
licences and sizes, :mod:`taskaffinity.suites.zh_classical.build` to rebuild ``data/``.
"""

from __future__ import annotations

from functools import lru_cache
from importlib.resources import files
from pathlib import Path

from taskaffinity.tasks import TaskSuite, load_suite_file

__all__ = ["SUITE_FILE", "load"]

SUITE_FILE = Path(str(files(__name__).joinpath("suite.yaml")))


@lru_cache(maxsize=1)
def load() -> TaskSuite:
    """The zh_classical TaskSuite, read from the package data (about 0.5 s, then cached)."""
    return load_suite_file(SUITE_FILE)
