"""Built-in suite ``en_text``: six English classification tasks (see ``suite.yaml``,
``NOTICE``; rebuilt by :mod:`taskaffinity.suites.en_text.build`).

The setting of the PVI task-grouping study (Li, Miller, Bethard and Savova): a pretrained
encoder (MiniLM, ``encoder`` backend) with one head per task. Tasks: ``polarity``,
``subjectivity`` (category sentiment), ``party`` (discourse), ``spam`` (document),
``supersense`` and ``wn_pos`` (lexical); 1200/500/1500 examples (train/dev/test) each,
class-balanced.
"""

from __future__ import annotations

from pathlib import Path

from taskaffinity.tasks import TaskSuite, load_suite_file

__all__ = ["SUITE_NAME", "load"]

SUITE_NAME = "en_text"
HERE = Path(__file__).resolve().parent


def load() -> TaskSuite:
    """The ``en_text`` suite from the shipped ``data/*.jsonl.gz`` (see ``suite.yaml``)."""
    return load_suite_file(HERE / "suite.yaml")
