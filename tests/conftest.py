"""Shared test fixtures."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
#: folder of published measurements (Standley et al. 2020's ``standley2020/``, MTG-Net's
#: ``mtgnet2022/``), kept outside the repository; ``make test`` sets it when it has one
FIXTURES_ENV = "TASKAFFINITY_FIXTURES"


@pytest.fixture(scope="session")
def published() -> Path:
    """Folder of published measurements named by ``$TASKAFFINITY_FIXTURES``; skips without."""
    folder = Path(os.environ.get(FIXTURES_ENV) or "")
    if not os.environ.get(FIXTURES_ENV) or not folder.is_dir():
        pytest.skip(f"{FIXTURES_ENV} names no folder of published measurements")
    return folder
