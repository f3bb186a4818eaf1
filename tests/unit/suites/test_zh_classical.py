"""The shipped zh_classical suite: tasks, kinds, sizes, lengths, leak-free splits (the
generation tasks' own checks: ``test_zh_generation``)."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from taskaffinity.suites import load_suite
from taskaffinity.suites.zh_classical import SUITE_FILE
from taskaffinity.suites.zh_classical.build import (
    Candidate,
    Quota,
    assemble,
    chunk,
    clean,
    clip,
    counts,
    fill,
    punct_tags,
)

KINDS = {
    "punctuation": "tagging",
    "tonal": "tagging",
    "poet": "classification",
    "dynasty": "classification",
    "ci_tune": "classification",
    "shijing": "classification",
}


# (train, dev, test) of data version 2; train sizes as in version 1.
SIZES = {
    "punctuation": (2400, 500, 1500),
    "tonal": (2400, 500, 1500),
    "poet": (2400, 500, 1500),
    "dynasty": (2400, 500, 1500),
    "ci_tune": (2400, 500, 1500),
    "shijing": (1044, 79, 193),
}
NOTICE = SUITE_FILE.with_name("NOTICE")


@pytest.fixture(scope="module")
def suite():
    return load_suite("zh_classical")


def _inputs(task, split):
    return ["".join(e.tokens) if task.kind == "tagging" else e.text for e in task.split(split)]


def test_six_tasks_with_kinds_metrics_and_sizes(suite) -> None:
    assert suite.name == "zh_classical" and len(suite.tasks) >= 6
    for name, kind in KINDS.items():
        task = suite.task(name)
        assert task.kind == kind
        assert task.metric == ("tag_f1" if kind == "tagging" else "macro_f1")
        assert task.category in {"basic", "knowledge"}
        assert "{text}" in task.instruction and task.description
        assert (len(task.train), len(task.dev), len(task.test)) == SIZES[name], task
        assert len(task.labels) >= 2


def _short_tasks() -> set[str]:
    """The tasks NOTICE names on its 'Below 500 dev / 1,500 test examples:' line."""
    m = re.search(
        r"^Below 500 dev / 1,500 test examples: (.*)\.$", NOTICE.read_text(encoding="utf-8"), re.M
    )
    assert m, "NOTICE must say which tasks have fewer than 500 dev / 1,500 test examples"
    return {n.strip() for n in m.group(1).split(",")}


def test_held_out_sizes_at_least_500_dev_1500_test_except_named(suite) -> None:
    short = _short_tasks()
    assert short == {"shijing"}  # the source has only 305 poems
    notice = NOTICE.read_text(encoding="utf-8")
    for task in suite.tasks:
        if task.name in short:
            assert f"{task.name}: " in notice, task.name  # NOTICE says why, with numbers
            assert len(task.dev) + len(task.test) > 0.15 * len(task.train)
        else:
            assert len(task.dev) >= 500 and len(task.test) >= 1500, task


def test_train_balanced_and_held_out_as_balanced_as_the_source_allows(suite) -> None:
    for name in ("poet", "dynasty", "ci_tune"):
        task = suite.task(name)
        train = Counter(e.label for e in task.train)
        assert set(train) == set(task.labels) and len(set(train.values())) == 1, name
        for split in (task.dev, task.test):
            n = Counter(e.label for e in split)
            assert set(n) == set(task.labels), name
            if name != "ci_tune":
                assert max(n.values()) - min(n.values()) <= 1, name
    test = Counter(e.label for e in suite.task("ci_tune").test)
    assert min(test.values()) == test["念奴娇"] == 99 and max(test.values()) <= 238
    shijing = suite.task("shijing")
    for split in (shijing.dev, shijing.test):  # stratified by section
        share = Counter(e.label for e in split)["颂"] / len(split)
        assert 0.03 < share < 0.15


def test_shipped_files_small() -> None:
    files = sorted(SUITE_FILE.with_name("data").glob("*.jsonl.gz"))
    assert len(files) == 27 and sum(f.stat().st_size for f in files) < 2_500_000


def test_inputs_short_and_tagging_aligned(suite) -> None:
    for task in suite.tasks:
        for split in ("train", "dev", "test"):
            assert max(map(len, _inputs(task, split))) <= 64
            if task.kind == "tagging":
                assert all(len(e.tokens) == len(e.tags) for e in task.split(split))


def test_no_input_shared_across_splits_or_tasks(suite) -> None:
    train = set().union(*(_inputs(t, "train") for t in suite.tasks))
    for task in suite.tasks:
        own = set(_inputs(task, "train"))
        for split in ("dev", "test"):
            held = set(_inputs(task, split))
            assert not held & own, (task.name, split)
            assert not held & train, (task.name, split)


# Frequent traditional-only characters (their simplified forms differ); none may remain.
TRADITIONAL = set(
    "們這個為國說時來無與書長門見風雲東車馬鳥魚龍學萬聲樂後裡邊遠開聞問間陽陰飛歸兒愛憶應從將當對還發處頭過樓亂難鄉滿淚"
)


def test_simplified_script(suite) -> None:
    for task in suite.tasks:
        for split in ("train", "dev", "test"):
            found = TRADITIONAL & set("".join(_inputs(task, split)))
            if task.kind == "generation":  # the targets too
                found |= TRADITIONAL & set("".join(e.label for e in task.split(split)))
            assert not found, (task.name, split, found)


def test_build_helpers() -> None:
    assert fill({"a": 10, "b": 3, "c": 100}, 60, {"a": 1, "b": 1, "c": 1}) == {
        "a": 10,
        "b": 3,
        "c": 47,
    }
    assert fill({"a": 100, "b": 100}, 5, {"a": 4, "b": 1}) == {"a": 4, "b": 1}
    c = counts({"x": 600, "y": 250}, Quota(400, 100, 300))  # y short: train stays balanced
    assert c == {
        "x": {"train": 200, "dev": 88, "test": 262},
        "y": {"train": 200, "dev": 12, "test": 38},
    }
    c = counts({"x": 80, "y": 20}, Quota(None, 5, 15, weights="proportional"))
    assert c == {"x": {"train": 64, "dev": 4, "test": 12}, "y": {"train": 16, "dev": 1, "test": 3}}
    cands = [Candidate(f"g{i // 2}", {"text": f"t{i}"}, "ab"[i // 20]) for i in range(40)]
    cands.append(Candidate("g99", {"text": "t0"}, "a"))  # duplicate text: dropped
    used: set[str] = {"g19"}  # a group of an earlier task: never reused
    out = assemble(cands, Quota(20, 4, 8), task="toy", seed=0, used=used)
    assert [len(out[s]) for s in ("train", "dev", "test")] == [20, 4, 8]
    texts = [r["text"] for s in out.values() for r in s]
    assert len(set(texts)) == len(texts) and not {"t38", "t39"} & set(texts)
    assert sum(f"g{g}" in used for g in range(19)) == 16  # 32 texts = 16 whole groups
    for g in range(19):  # a group goes whole: its texts are used with it, or neither is
        assert ({f"t{2 * g}", f"t{2 * g + 1}"} <= used) == (f"g{g}" in used), g
    split = {r["text"]: s for s, recs in out.items() for r in recs}
    assert all(split.get(f"t{2 * g}") == split.get(f"t{2 * g + 1}") for g in range(20))
    assert out == assemble(cands, Quota(20, 4, 8), task="toy", seed=0, used={"g19"})
    with pytest.raises(ValueError, match="spans strata"):
        assemble(
            [Candidate("g", {"text": "x"}, "a"), Candidate("g", {"text": "y"}, "b")],
            Quota(1, 0, 0),
            task="toy",
            seed=0,
            used=set(),
        )
    pairs = punct_tags("子曰：“学而时习之，不亦说乎？”（注）")
    assert [t for _, t in pairs] == ["O", "：", "O", "O", "O", "O", "，", "O", "O", "O", "？", "O"]
    assert clean("山寺。（见《某书》）") == "山寺。"
    pieces = chunk(punct_tags("天地玄黄。" * 30))
    assert all(len(p) <= 64 for p in pieces) and sum(map(len, pieces)) == 120
    assert clip("一二三四。" * 20) == "一二三四。" * 12
