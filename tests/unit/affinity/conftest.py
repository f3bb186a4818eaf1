"""Fixtures of the estimator tests: a tiny synthetic suite and a tiny scratch backend."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from taskaffinity.testing import TINY_SCRATCH, synthetic_suite


@pytest.fixture(scope="session")
def suite():
    return synthetic_suite()


@pytest.fixture(scope="session")
def backend():
    from taskaffinity.backends import get_backend

    return get_backend("scratch", dict(TINY_SCRATCH))
