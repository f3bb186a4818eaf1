"""The shipped zh-classical suite: tasks, kinds, sizes, lengths, leak-free splits."""

from __future__ import annotations

import pytest

from taskaffinity.suites import load_suite
from taskaffinity.suites.zh_classical._assemble import split_of
from taskaffinity.suites.zh_classical._text import chunk, clean, clip, punct_tags

KINDS = {
    "punctuation": "tagging",
    "tonal": "tagging",
    "poet": "classification",
    "dynasty": "classification",
    "ci_tune": "classification",
    "shijing": "classification",
}


@pytest.fixture(scope="module")
def suite():
    return load_suite("zh_classical")


def _inputs(task, split):
    return ["".join(e.tokens) if task.kind == "tagging" else e.text for e in task.split(split)]


def test_six_tasks_with_kinds_metrics_and_sizes(suite) -> None:
    assert suite.name == "zh-classical" and len(suite.tasks) >= 6
    for name, kind in KINDS.items():
        task = suite.task(name)
        assert task.kind == kind
        assert task.metric == ("tag_f1" if kind == "tagging" else "macro_f1")
        assert task.category in {"basic", "knowledge"}
        assert "{text}" in task.instruction and task.description
        assert 1000 <= len(task.train) <= 3000, task
        assert 100 <= len(task.dev) <= 400 and 100 <= len(task.test) <= 400, task
        assert len(task.labels) >= 2


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
            assert not found, (task.name, split, found)


def test_build_helpers() -> None:
    assert split_of("poem:1", 0) == split_of("poem:1", 0)
    shares = [split_of(f"g{i}", 0) for i in range(2000)]
    assert 0.75 < shares.count("train") / 2000 < 0.85
    pairs = punct_tags("子曰：“学而时习之，不亦说乎？”（注）")
    assert [t for _, t in pairs] == ["O", "：", "O", "O", "O", "O", "，", "O", "O", "O", "？", "O"]
    assert clean("山寺。（见《某书》）") == "山寺。"
    pieces = chunk(punct_tags("天地玄黄。" * 30))
    assert all(len(p) <= 64 for p in pieces) and sum(map(len, pieces)) == 120
    assert clip("一二三四。" * 20) == "一二三四。" * 12
