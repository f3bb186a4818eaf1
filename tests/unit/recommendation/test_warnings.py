"""Each warning on a study built to trigger it (and none on a healthy one), in the
function, the report above the heatmap, and the gain-rate row of a zero single score."""

from __future__ import annotations

import pytest
from _table_backend import run_table_study

from taskaffinity.analysis import analyze
from taskaffinity.recommendation import count_test_examples, result_warnings, study_warnings
from taskaffinity.report import write_study_report


def _kinds(study):
    return [(w.kind, w.task) for w in study_warnings(study)]


def test_training_changed_nothing(tmp_path):
    def same(group, task, seed, split):
        return {"more_a": 0.8, "has_c": 0.85, "first": 0.7}[task]

    st = run_table_study(tmp_path, same)
    assert ("unchanged", None) in _kinds(st)
    page = write_study_report(st, tmp_path / "report").read_text()
    assert page.index('data-kind="unchanged"') < page.index('id="gain-rates"')


def test_single_at_or_below_its_baseline(tmp_path):
    st = run_table_study(tmp_path, lambda g, t, s, sp: 0.05 if t == "first" else 0.95)
    base = st.baselines()["first"]
    assert base > 0.05
    assert ("below_baseline", "first") in _kinds(st)
    assert ("below_baseline", "more_a") not in _kinds(st)


def test_zero_single_is_said_in_words(tmp_path):
    def zero(group, task, seed, split):
        if task == "has_c":
            return 0.0 if len(group) == 1 else 0.3
        return 0.9

    st = run_table_study(tmp_path, zero)
    assert ("zero_single", "has_c") in _kinds(st)
    write_study_report(st, tmp_path / "report")
    page = (tmp_path / "report" / "report.html").read_text()
    assert "undefined: single score is 0" in page
    md = (tmp_path / "report" / "tables.md").read_text()
    assert "undefined: single score is 0" in md


def test_fewer_test_examples_than_the_effects_need(tmp_path):
    """The toy tasks have 20 test examples: effects of 0.01 cannot be resolved; effects of
    0.4 can."""

    def small(group, task, seed, split):  # effects of about 0.01 whose sign seeds disagree on
        return 0.7 + (0.01 * (1, -1, 2)[seed] if len(group) > 1 else 0.0)

    st = run_table_study(tmp_path, small)
    assert count_test_examples(st) == {"more_a": 20, "has_c": 20, "first": 20}
    few = [w for w in study_warnings(st) if w.kind == "few_test_examples"]
    assert {w.task for w in few} == {"more_a", "has_c", "first"}
    assert "20 test examples" in few[0].message

    def large(group, task, seed, split):
        return 0.5 + (0.4 if len(group) > 1 else 0.0) + 0.001 * seed

    st2 = run_table_study(tmp_path / "large", large)
    assert not [w for w in study_warnings(st2) if w.kind == "few_test_examples"]

    def settled(group, task, seed, split):  # small but the same in every seed: settled
        return 0.7 + (0.01 if len(group) > 1 else 0.0) + 0.001 * seed

    st3 = run_table_study(tmp_path / "settled", settled)
    assert not [w for w in study_warnings(st3) if w.kind == "few_test_examples"]


def test_a_healthy_study_has_no_warning(tmp_path):
    def healthy(group, task, seed, split):  # above the baselines, effects 20 examples resolve
        return 0.95 - (0.4 if len(group) > 1 else 0.0) + 0.002 * seed

    st = run_table_study(tmp_path / "h", healthy)
    a = analyze(st.score_table(), baselines=st.baselines(), seeds=st.seeds)
    assert result_warnings(a, test_sizes={t: 100_000 for t in a.tasks}) == ()
    page = write_study_report(st, tmp_path / "report").read_text()
    assert 'id="warnings"' not in page


@pytest.mark.parametrize("kind", ["unchanged", "below_baseline", "zero_single"])
def test_warnings_need_no_study(kind):
    """:func:`result_warnings` works on an analysis alone (e.g. ``analyze`` of a CSV)."""
    import numpy as np

    from taskaffinity.analysis import score_table_from_matrix

    m = {
        "unchanged": [[0.5, 0.5], [0.6, 0.6]],
        "below_baseline": [[0.1, 0.2], [0.9, 0.9]],
        "zero_single": [[0.0, 0.2], [0.9, 0.95]],
    }[kind]
    a = analyze(score_table_from_matrix(("x", "y"), np.array(m)), baselines={"x": 0.3, "y": 0.3})
    assert kind in {w.kind for w in result_warnings(a)}


def test_run_prints_the_warnings_at_its_end(tmp_path, capsys):
    """What ``taskaffinity run`` does after training: the report, then each warning on the
    console (stderr), here the study-wide one of pairs equal to their single run."""
    from taskaffinity.cli._study import _refresh_report

    def same(group, task, seed, split):
        return {"more_a": 0.8, "has_c": 0.85, "first": 0.7}[task]

    st = run_table_study(tmp_path, same)
    _refresh_report(st.path, changed=True)
    out = capsys.readouterr()
    assert "report:" in out.out and (st.path / "report.html").is_file()
    assert "warning: Every pair scored exactly its single run" in out.err
