"""Built-in suite ``en-text``: six English classification tasks (see ``suite.yaml``,
``NOTICE``; rebuilt by :mod:`taskaffinity.suites.en_text.build`).

The setting of the PVI task-grouping study (Li, Miller, Bethard and Savova): a pretrained
encoder (MiniLM, ``encoder`` backend) with one head per task.
"""

from __future__ import annotations

from taskaffinity.suites.en_text._load import SUITE_NAME, load

__all__ = ["SUITE_NAME", "load"]
