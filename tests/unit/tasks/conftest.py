"""Fixture: train/dev/test/all JSONL files of a small classification task."""

from __future__ import annotations

from pathlib import Path

import pytest
from _taskdata import CLS, write_jsonl


@pytest.fixture
def cls_files(tmp_path: Path) -> Path:
    write_jsonl(tmp_path / "train.jsonl", CLS[:30])
    write_jsonl(tmp_path / "dev.jsonl", CLS[30:35])
    write_jsonl(tmp_path / "test.jsonl", CLS[35:])
    write_jsonl(tmp_path / "all.jsonl", CLS)
    return tmp_path
