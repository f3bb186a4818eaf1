"""The replay backend: a tiny table made here served as runs, a study on it, its refusals."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from taskaffinity.backends import ReplayBackend, get_backend
from taskaffinity.config import config_from_dict
from taskaffinity.errors import InputError
from taskaffinity.study import open_study, run_study

LONG = """group,task,score,seed
a,a,0.50,0
b,b,0.60,0
c,c,0.70,0
a+b,a,0.55,0
a+b,b,0.58,0
a+b+c,a,0.52,0
a+b+c,b,0.61,0
a+b+c,c,0.69,0
a,a,0.52,1
b,b,0.62,1
c,c,0.71,1
a+b,a,0.57,1
a+b,b,0.59,1
a+b+c,a,0.53,1
a+b+c,b,0.60,1
a+b+c,c,0.70,1
"""


@pytest.fixture
def long_table(tmp_path: Path) -> Path:
    path = tmp_path / "t.csv"
    path.write_text(LONG)
    return path


@pytest.fixture
def mtgnet(tmp_path: Path) -> tuple[Path, Path]:
    members = tmp_path / "x.csv"
    gains = tmp_path / "y.csv"
    members.write_text("1 0 0\n0 1 0\n0 0 1\n1 1 0\n1 1 1\n")
    gains.write_text("0 0 0\n0 0 0\n0 0 0\n0.1 -0.2 0\n0.3 0.05 -0.4\n")
    return members, gains


def _backend(path: Path, **more: object) -> ReplayBackend:
    return get_backend("replay", {"format": "long", "table": str(path), **more})


def test_serves_each_seeds_value(long_table: Path) -> None:
    backend = _backend(long_table)
    suite = backend.task_suite()
    assert suite.names == ("a", "b", "c")
    assert {t.metric for t in suite.tasks} == {"table_gain"}
    r0 = backend.run(backend.spec(["b", "a"], 0, suite), suite)
    r1 = backend.run(backend.spec(["a", "b"], 1, suite), suite)
    assert r0.scores == {"a": 0.55, "b": 0.58}
    assert r1.scores == {"a": 0.57, "b": 0.59}
    assert r0.metrics["a"]["dev_table_gain"] == 0.55
    assert r0.key != r1.key
    assert backend.candidates(suite) == (("a",), ("b",), ("c",), ("a", "b"), ("a", "b", "c"))


def test_mtgnet_names_and_pickle(mtgnet: tuple[Path, Path]) -> None:
    members, gains = mtgnet
    backend = get_backend(
        "replay", {"format": "mtgnet", "table": str(gains), "members": str(members)}
    )
    suite = backend.task_suite()
    assert suite.names == ("t0", "t1", "t2")
    again = pickle.loads(pickle.dumps(backend))
    spec = again.spec(["t0", "t1", "t2"], 0, suite)
    assert again.run(spec, suite).scores == {"t0": 0.3, "t1": 0.05, "t2": -0.4}
    named = get_backend(
        "replay",
        {
            "format": "mtgnet",
            "table": str(gains),
            "members": str(members),
            "names": ["x", "y", "z"],
        },
    )
    assert named.task_suite().names == ("x", "y", "z")


def test_refuses_a_combination_not_in_the_table(long_table: Path) -> None:
    backend = _backend(long_table)
    suite = backend.task_suite()
    with pytest.raises(InputError, match=r"a\+c is not in the replayed table"):
        backend.spec(["a", "c"], 0, suite)
    with pytest.raises(InputError, match="seed 7 is not in the replayed table"):
        backend.spec(["a"], 7, suite)


def test_a_bad_file_names_file_line_and_field(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("group,task,score\na,a,0.5\nb,b,zero\n")
    with pytest.raises(InputError) as err:
        _backend(path).task_suite()
    assert str(err.value.file) == str(path) and err.value.line == 3 and err.value.field == "score"
    with pytest.raises(InputError, match="file not found") as err:
        _backend(tmp_path / "none.csv").check_resources()
    assert err.value.field == "table"


@pytest.mark.parametrize(
    ("options", "field"),
    [
        ({"format": "mtgnet", "table": "y.csv"}, "members"),
        ({"format": "json", "table": "y.csv"}, "format"),
        ({"format": "long", "tabel": "y.csv"}, "tabel"),
        ({"format": "standley", "table": "y.txt", "direction": "lower"}, "direction"),
        ({"format": "long", "table": "y.csv", "names": ["a", "a"]}, "names"),
    ],
)
def test_bad_options(options: dict[str, object], field: str) -> None:
    with pytest.raises(InputError) as err:
        get_backend("replay", options)
    assert err.value.field == field


def _config(tmp_path: Path, **plan: object) -> object:
    data = {
        "name": "replayed",
        "backend": {"name": "replay", "format": "long", "table": "t.csv"},
        "plan": {"singles": True, "pairs": False, "all": True, **plan},
        "seeds": [0, 1],
    }
    return config_from_dict(data, file=tmp_path / "study.yaml")


def test_a_study_of_the_tables_columns(tmp_path: Path, long_table: Path) -> None:
    config = _config(tmp_path, groups=[["a", "b"]])
    assert config.load_suite().names == ("a", "b", "c")
    summary = run_study(config, tmp_path / "out", progress=False)
    assert summary.ok and summary.total == 10 and summary.trained == 10
    again = run_study(tmp_path / "out" / "config.yaml", tmp_path / "out", progress=False)
    assert again.trained == 0 and again.skipped == 10
    study = open_study(tmp_path / "out")
    table = study.score_table()
    assert table.score(("a", "b"), "a") == pytest.approx(0.56)


def test_a_study_refuses_a_plan_outside_the_table(tmp_path: Path, long_table: Path) -> None:
    config = _config(tmp_path, pairs=True)  # b+c and a+c are not in the table
    with pytest.raises(InputError, match="is not in the replayed table") as err:
        run_study(config, tmp_path / "out", progress=False)
    assert err.value.field == "plan" and str(err.value.file).endswith("study.yaml")
    assert not (tmp_path / "out").exists()
