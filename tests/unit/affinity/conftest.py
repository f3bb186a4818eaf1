"""Fixtures of the estimator tests: a tiny synthetic suite and a tiny scratch backend."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from _synthetic import TINY_BACKEND, tiny_suite


@pytest.fixture(scope="session")
def suite():
    return tiny_suite()


@pytest.fixture(scope="session")
def backend():
    from taskaffinity.backends import get_backend

    return get_backend("scratch", TINY_BACKEND)
