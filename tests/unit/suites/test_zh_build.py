"""Rebuilding zh_classical from the upstream package reproduces the shipped files exactly.

Needs the unpacked npm package (``npm pack chinese-poetry@2.0.1``) at
``$TASKAFFINITY_ZH_SOURCE`` or ``<repo>/.build_cache/chinese-poetry/package``, and zhconv.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]
SOURCE = Path(
    os.environ.get("TASKAFFINITY_ZH_SOURCE", REPO / ".build_cache/chinese-poetry/package")
)


@pytest.mark.slow
def test_rebuild_is_byte_identical(tmp_path: Path) -> None:
    pytest.importorskip("zhconv")
    if not (SOURCE / "dist").is_dir():
        pytest.skip(f"upstream chinese-poetry package not at {SOURCE}")
    from taskaffinity.suites.zh_classical.build import DATA, build

    sizes = build(SOURCE, tmp_path)
    assert set(sizes) == {"punctuation", "tonal", "poet", "dynasty", "ci_tune", "shijing"}
    for shipped in sorted(DATA.glob("*.jsonl.gz")):
        assert (tmp_path / shipped.name).read_bytes() == shipped.read_bytes(), shipped.name
