"""Fixtures of the study tests: a toy study config written to a temporary folder."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent


@pytest.fixture
def toy_env(monkeypatch):
    """Make ``_toy_backend`` importable here and in subprocesses / spawned workers."""
    monkeypatch.syspath_prepend(str(HERE))
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(HERE), *sys.path]))
    return HERE
