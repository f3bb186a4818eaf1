"""A near-miss name gets "did you mean" (difflib): unknown config keys, tasks, metrics,
registered names (estimators, backends, ...) and model aliases (the offline aliases
listed), through the real CLI where a user meets them."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from taskaffinity.cli import app
from taskaffinity.errors import InputError, did_you_mean
from taskaffinity.models import MODEL_ALIASES, check_causal_lm
from taskaffinity.testing import write_toy_config


def test_did_you_mean() -> None:
    assert did_you_mean("dynsty", ["poet", "dynasty"]) == " (did you mean 'dynasty'?)"
    assert did_you_mean("SEEDS", ["seeds"]) == " (did you mean 'seeds'?)"
    assert did_you_mean("zzz", ["poet", "dynasty"]) == ""
    assert did_you_mean(3, ["poet"]) == "" and did_you_mean("x", []) == ""


def _run(tmp_path: Path, **extra: str) -> str:
    cfg = write_toy_config(tmp_path / "toy.yaml", **extra)
    res = CliRunner().invoke(app, ["run", str(cfg), "--out", str(tmp_path / "out")])
    assert res.exit_code == 2, res.output
    assert not (tmp_path / "out").exists()
    return res.output


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        ({"seeeds": "[0]"}, "field 'seeeds': unknown field (did you mean 'seeds'?)"),
        (
            {"executor": "{kind: local, wokers: 2}"},
            "field 'executor.wokers': unknown field (did you mean 'workers'?)",
        ),
        (
            {"backend": "{name: scratch, d_modle: 64}"},
            "field 'backend.d_modle': unknown backend option (did you mean 'd_model'?)",
        ),
        ({"plan": "{singles: true, pair: true}"}, "unknown field (did you mean 'pairs'?)"),
        (
            {"plan": "{singles: true, pairs: false, groups: [[more_a, has_cc]]}"},
            "unknown task 'has_cc' (did you mean 'has_c'?)",
        ),
        (
            {"backend": "{name: 'taskaffinity.testing:ToyBackend'}", "suite": "zh_clasical"},
            "unknown suite 'zh_clasical' (did you mean 'zh_classical'?)",
        ),
    ],
)
def test_config_near_misses(tmp_path: Path, extra: dict[str, str], expected: str) -> None:
    assert expected in _run(tmp_path, **extra)


def test_unknown_metric(tmp_path: Path) -> None:
    (tmp_path / "d.csv").write_text("text,label\nab,x\nbc,y\n", encoding="utf-8")
    cfg = tmp_path / "m.yaml"
    cfg.write_text(
        "name: m\ntasks:\n  - name: a\n    kind: classification\n    metric: acuracy\n"
        "    data: {path: d.csv, split: {train: 0.8, dev: 0.1, test: 0.1}}\n"
        "backend: {name: scratch}\n",
        encoding="utf-8",
    )
    res = CliRunner().invoke(app, ["run", str(cfg), "--out", str(tmp_path / "out")])
    assert res.exit_code == 2
    assert "unknown metric 'acuracy' (did you mean 'accuracy'?)" in res.output


def test_unknown_estimator_fails_before_opening_anything(tmp_path: Path) -> None:
    for argv in (["estimate", str(tmp_path), "--method", "tagg"],
                 ["compare", str(tmp_path), "--methods", "tag,gradient_cosin"]):  # fmt: skip
        res = CliRunner().invoke(app, argv)
        assert res.exit_code == 2 and "Traceback" not in res.output
        assert "(did you mean 'tag'?)" in res.output or "'gradient_cosine'?" in res.output
        assert "choose one of" in res.output


def test_unknown_backend(tmp_path: Path) -> None:
    out = _run(tmp_path, backend="{name: scrach}")
    assert "unknown backend 'scrach' (did you mean 'scratch'?)" in out


def test_model_aliases_listed() -> None:
    near = next(iter(MODEL_ALIASES))[:-1] + "x"  # one letter off an alias
    with pytest.raises(InputError) as err:
        check_causal_lm(near, None)
    assert err.value.field == "model" and "did you mean" in err.value.message
    assert all(alias in err.value.message for alias in MODEL_ALIASES)
    with pytest.raises(InputError) as err:  # a missing folder also lists the aliases
        check_causal_lm("./no/such/model", None)
    assert "offline model aliases" in err.value.message
