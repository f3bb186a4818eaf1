"""Built-in suite ``en_many``: 30 English classification tasks for many-task studies
(see ``suite.yaml``, ``NOTICE``; rebuilt by :mod:`taskaffinity.suites.en_many.build`).

A many-task benchmark in the way CelebA's 40 attributes are one: ``en_text``'s six tasks
(``polarity``, ``subjectivity``, ``party``, ``spam``, ``supersense``, ``wn_pos``) and 24
one-vs-rest WordNet supersense tasks (``noun_act`` ... ``verb_motion``), each a gloss ->
``yes``/``no``. All tasks 300/200/1500 examples (train/dev/test), class-balanced; made for
the ``encoder`` backend on frozen MiniLM features, where a run takes about a second.
"""

from __future__ import annotations

from pathlib import Path

from taskaffinity.tasks import TaskSuite, load_suite_file

__all__ = ["SUITE_NAME", "load"]

SUITE_NAME = "en_many"
HERE = Path(__file__).resolve().parent


def load() -> TaskSuite:
    """The ``en_many`` suite from the shipped ``data/*.jsonl.gz`` (see ``suite.yaml``)."""
    return load_suite_file(HERE / "suite.yaml")
