"""Metrics against hand-computed values."""

from __future__ import annotations

import pytest

from taskaffinity.errors import InputError
from taskaffinity.metrics import METRICS, baseline, evaluate, higher_is_better
from taskaffinity.tasks import Example, Task


def _cls_task(metric: str = "accuracy") -> Task:
    train = tuple(Example(text=t, label=lab) for t, lab in [("a", "x"), ("b", "x"), ("c", "y")])
    test = tuple(Example(text=t, label=lab) for t, lab in [("a", "x"), ("b", "y"), ("c", "z")])
    return Task("c", "classification", "basic", metric, train, test, test, labels=("x", "y", "z"))


def _tag_task(metric: str = "tag_f1", tags=(("O", "，", "O", "。"),)) -> Task:
    ex = tuple(Example(tokens=tuple("abcd"), tags=t) for t in tags)
    return Task("t", "tagging", "basic", metric, ex, ex, ex)


def test_classification_hand_computed() -> None:
    gold = ["x", "x", "y", "z"]
    pred = ["x", "y", "y", "y"]
    out = evaluate(_cls_task(), gold, pred)
    assert out["accuracy"] == pytest.approx(0.5)
    # F1: x = 2*1*0.5/1.5 = 2/3; y = 2*(1/3)*1/(4/3) = 0.5; z = 0
    assert out["macro_f1"] == pytest.approx((2 / 3 + 0.5 + 0) / 3)


def test_tag_f1_ignores_empty_tag() -> None:
    gold = [["O", "，", "O", "。"], ["O", "O", "，", "O"]]
    pred = [["O", "，", "，", "O"], ["O", "O", "，", "O"]]
    out = evaluate(_tag_task(), gold, pred)
    # non-O gold: 3 (，,。,，); predicted non-O: 3 (，,，,，); correct: 2
    assert out["tag_precision"] == pytest.approx(2 / 3)
    assert out["tag_recall"] == pytest.approx(2 / 3)
    assert out["tag_f1"] == pytest.approx(2 / 3)
    assert out["token_accuracy"] == pytest.approx(6 / 8)
    assert "span_f1" not in out


def test_span_f1_seqeval() -> None:
    task = _tag_task("span_f1", tags=(("B-PER", "I-PER", "O", "B-LOC"),))
    gold = [["B-PER", "I-PER", "O", "B-LOC"]]
    pred = [["B-PER", "O", "O", "B-LOC"]]
    out = evaluate(task, gold, pred)
    # gold spans: PER(0-1), LOC(3); predicted: PER(0), LOC(3) -> 1 correct of 2 and 2
    assert out["span_f1"] == pytest.approx(0.5)
    assert out["tag_f1"] == pytest.approx(0.8)  # P = 2/2, R = 2/3 (I-PER missed)


def test_baseline_majority() -> None:
    assert baseline(_cls_task()) == pytest.approx(1 / 3)  # predicts "x" on x, y, z
    assert baseline(_tag_task()) == 0.0  # majority "O" never predicts a mark
    assert baseline(_tag_task("tag_f1", tags=(("P", "P", "O", "P"),))) == pytest.approx(
        2 * 0.75 / 1.75
    )


def test_direction_and_errors() -> None:
    for name in METRICS:
        assert higher_is_better(name) == (name != "table_loss")  # a replayed table's losses
    assert higher_is_better("dev_tag_precision")
    with pytest.raises(InputError):
        higher_is_better("bleu_nope")
    with pytest.raises(InputError, match="metric"):
        evaluate(_cls_task("nope"), ["x"], ["x"])
    with pytest.raises(InputError, match="tagging"):
        evaluate(_cls_task("tag_f1"), ["x"], ["x"])
    with pytest.raises(ValueError):
        evaluate(_tag_task(), [["O", "O"]], [["O"]])


def _gen_task(metric: str = "bleu4", options=None) -> Task:
    ex = (Example(text="问", label="答"),)
    return Task("g", "generation", "basic", metric, ex, ex, ex, metric_options=options or {})


def test_bleu4_is_the_mean_of_sacrebleu_sentence_bleu() -> None:
    gold = ["春风又绿江南岸", "明月何时照我还", "the cat sat on the mat"]
    pred = ["春风又到江南岸", "明月何时照我还", "the cat is on the mat"]
    # sacrebleu.sentence_bleu(p, [g], tokenize="zh", smooth_method="exp").score, by hand:
    # pair 1: 7 characters each, one differs: matches 6/7, 4/6, 2/5, 0/4; the 4-gram
    # precision is smoothed to 1/(2*4) ("exp"): exp(mean(log)) * 100, brevity penalty 1
    p1 = (6 / 7 * 4 / 6 * 2 / 5 * (1 / 8)) ** 0.25
    # pair 3: 6 words each, "sat" -> "is": matches 5/6, 3/5, 1/4, 0/3 -> 1/(2*3)
    p3 = (5 / 6 * 3 / 5 * 1 / 4 * (1 / (2 * 3))) ** 0.25
    out = evaluate(_gen_task(), gold, pred)
    assert out["bleu4"] == pytest.approx((p1 + 1.0 + p3) / 3, abs=1e-9)
    import sacrebleu

    per = [
        sacrebleu.sentence_bleu(p, [g], tokenize="zh", smooth_method="exp").score / 100
        for g, p in zip(gold, pred, strict=True)
    ]
    assert per == pytest.approx([p1, 1.0, p3], abs=1e-9)
    assert out["bleu4"] != pytest.approx(out["bleu"], abs=1e-3)  # corpus BLEU differs
    assert {"bleu", "chrf", "bleu4"} <= set(out)
    assert METRICS["bleu4"].example_scores(gold, pred)["bleu4"].tolist() == pytest.approx(per)
    assert evaluate(_gen_task(), [], [])["bleu4"] == 0.0


def test_metric_without_options_rejects_them() -> None:
    task = _gen_task("bleu4", {"bleu4": {"tokenize": "13a"}})
    with pytest.raises(InputError, match="takes no options") as err:
        evaluate(task, ["a"], ["a"])
    assert err.value.field == "metric_options.bleu4"


def test_judge_failures_are_lower_is_better() -> None:
    assert higher_is_better("judge") and higher_is_better("bertscore_recall")
    assert not higher_is_better("judge_failures") and not higher_is_better("dev_judge_failures")
