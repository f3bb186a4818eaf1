"""The store watched: a store deleted or replaced while a study runs stops the driver with a
non-zero exit; a corrupt store, a file that is not SQLite and a full disk are one-line
errors naming the file, and nothing already stored is lost; a read-only study can be read
(``status``, ``report`` to another folder, ``open_study`` + ``analyze``) without a write."""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import stat
import subprocess
import sys
import textwrap

import pytest
from _procs import ENV, kill_group, run_cli, start_cli, until

from taskaffinity.config import load_config
from taskaffinity.study import ResultStore, open_study, run_study
from taskaffinity.testing import write_toy_config

SLOW = "{name: 'taskaffinity.testing:ToyBackend', sleep: 0.3}"  # sleep is not part of a run's key


def complete_count(db) -> int:
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5) as con:
            return con.execute("SELECT COUNT(*) FROM runs WHERE status='complete'").fetchone()[0]
    except sqlite3.Error:
        return 0


def digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def one_line_error(res: subprocess.CompletedProcess | tuple, path) -> str:
    """The error of a failed command: one line on stderr (its last), naming ``path``; the
    lines before it are the run's progress log."""
    lines = [x for x in res.stderr.splitlines() if x.strip()]
    errors = [x for x in lines if x.startswith("error")]
    assert len(errors) == 1 and lines[-1] == errors[0], res.stderr
    assert "Traceback" not in res.stderr
    assert str(path) in errors[0], errors[0]
    return errors[0]


@pytest.fixture(scope="module")
def finished(tmp_path_factory):
    """A finished 7-run study (seed 0) and its config."""
    root = tmp_path_factory.mktemp("finished")
    cfg = write_toy_config(root / "toy.yaml", seeds="[0]")
    assert run_study(load_config(cfg), root / "out", progress=False).ok
    return cfg, root / "out"


def copy_study(finished, dest):
    cfg, out = finished
    shutil.copytree(out, dest)
    return cfg, dest


@pytest.mark.parametrize("how", ["deleted", "replaced"])
def test_store_gone_mid_study_stops_the_driver(tmp_path, how):
    cfg = write_toy_config(tmp_path / "toy.yaml", backend=SLOW)  # 14 runs
    out = tmp_path / "out"
    db = out / "study.sqlite"
    proc = start_cli("run", str(cfg), "--out", str(out), "--quiet")
    try:
        assert until(lambda: complete_count(db) >= 2, 30, step=0.05), "no run finished"
        if how == "deleted":
            for suffix in ("", "-wal", "-shm"):
                (out / f"study.sqlite{suffix}").unlink(missing_ok=True)
        else:
            shutil.copy(db, tmp_path / "copy.sqlite")
            os.replace(tmp_path / "copy.sqlite", db)
        stdout, stderr = proc.communicate(timeout=30)
    finally:
        kill_group(proc)
    assert proc.returncode != 0
    assert "runs complete" not in stdout
    line = one_line_error(subprocess.CompletedProcess([], proc.returncode, stdout, stderr), db)
    assert how in line


def test_not_an_sqlite_file_is_one_line_error_and_left_as_it_was(tmp_path, finished):
    cfg, out = copy_study(finished, tmp_path / "out")
    db = out / "study.sqlite"
    for suffix in ("-wal", "-shm"):
        (out / f"study.sqlite{suffix}").unlink(missing_ok=True)
    db.write_text("task,score\nmore_a,0.5\n" * 50)
    before = digest(db)
    for args in (
        ("status", str(out)),
        ("status", str(out), "--json"),
        ("report", str(out), "--out", str(tmp_path / "rep")),
        ("run", str(cfg), "--out", str(out), "--quiet"),
    ):
        res = run_cli(*args)
        assert res.returncode == 2, (args, res.stdout, res.stderr)
        assert "not an SQLite database" in one_line_error(res, db)
    assert digest(db) == before
    assert sorted(p.name for p in out.iterdir()) == ["config.yaml", "study.sqlite", "tasks.json.gz"]


def test_corrupt_store_is_one_line_error_and_left_as_it_was(tmp_path, finished):
    cfg, out = copy_study(finished, tmp_path / "out")
    db = out / "study.sqlite"
    with db.open("r+b") as fh:  # the schema page survives, the tables' pages do not
        fh.seek(4096)
        fh.write(b"\xa5" * (db.stat().st_size - 4096))
    before = digest(db)
    for args in (
        ("status", str(out), "--json"),
        ("report", str(out), "--out", str(tmp_path / "rep")),
        ("run", str(cfg), "--out", str(out), "--quiet"),
    ):
        res = run_cli(*args)
        assert res.returncode == 2, (args, res.stdout, res.stderr)
        assert "corrupt" in one_line_error(res, db)
    assert digest(db) == before


FULL = textwrap.dedent(
    """
    import sqlite3

    _connect = sqlite3.connect

    def connect(*args, **kwargs):  # as if the disk had room for two more pages
        db = _connect(*args, **kwargs)
        pages = db.execute("PRAGMA page_count").fetchone()[0]
        db.execute(f"PRAGMA max_page_count = {pages + 2}")
        return db

    sqlite3.connect = connect
    from taskaffinity.cli import main
    main()
    """
)


def test_full_disk_is_one_line_error_and_keeps_what_was_stored(tmp_path, finished):
    _, out = copy_study(finished, tmp_path / "out")
    db = out / "study.sqlite"
    before = {r.key: r for r in open_study(out).results}
    more = write_toy_config(tmp_path / "more.yaml", seeds="[0, 1, 2, 3]")  # 21 more runs
    res = subprocess.run(
        [sys.executable, "-c", FULL, "run", str(more), "--out", str(out), "--quiet"],
        env=ENV,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert res.returncode == 2, (res.stdout, res.stderr)
    assert "disk is full" in one_line_error(res, db)
    with sqlite3.connect(db) as con:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    with ResultStore(db) as store:
        after = {r.key: r for r in store.results()}
        stored = {r["key"] for r in store.rows(plan_only=False) if r["status"] == "complete"}
    assert all(after[k] == r for k, r in before.items())
    assert len(stored) > len(before)  # runs finished before the disk filled are kept too
    summary = run_study(load_config(more), out, progress=False)  # with room again: resumes
    assert summary.ok and summary.skipped == len(stored) and summary.total == 28


def read_only(path) -> None:
    for p in [path, *path.rglob("*")]:
        mode = p.stat().st_mode
        p.chmod(mode & ~(stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))


def as_reader() -> tuple[str, ...]:
    """A prefix that runs a command without the right to write into read-only folders:
    root ignores file modes, so root runs it in a user namespace of its own."""
    if os.geteuid() != 0:
        return ()
    if shutil.which("unshare") is None:
        pytest.skip("running as root without unshare: a read-only folder cannot be made")
    return ("unshare", "--user")


ANALYZE = "from taskaffinity.analysis import analyze; from taskaffinity.study import open_study; s = open_study(r'{out}'); a = analyze(s.score_table(), seeds=s.seeds); print(a.total, 'pairs')"  # noqa: E501


def test_read_only_study_can_be_read(tmp_path, finished):
    cfg, out = copy_study(finished, tmp_path / "out")
    read_only(out)
    prefix = as_reader()
    try:
        probe = subprocess.run([*prefix, "touch", str(out / "probe")], capture_output=True)
        if probe.returncode == 0:
            pytest.skip("this system lets the test write into a read-only folder")
        files = {p.name: (p.stat().st_mtime_ns, digest(p)) for p in out.iterdir()}
        res = run_cli("status", str(out), prefix=prefix)
        assert res.returncode == 0 and "7/7 complete" in res.stdout, res.stderr
        res = run_cli("status", str(out), "--json", "--errors", prefix=prefix)
        assert res.returncode == 0, res.stderr
        res = run_cli("report", str(out), "--out", str(tmp_path / "rep"), prefix=prefix)
        assert res.returncode == 0 and (tmp_path / "rep" / "report.html").is_file(), res.stderr
        res = subprocess.run(
            [*prefix, sys.executable, "-c", ANALYZE.format(out=out)],
            env=ENV,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert res.returncode == 0 and "6 pairs" in res.stdout, res.stderr
        res = run_cli("run", str(cfg), "--out", str(out), "--quiet", prefix=prefix)
        assert res.returncode == 2
        assert "read-only" in one_line_error(res, out)
        assert {p.name: (p.stat().st_mtime_ns, digest(p)) for p in out.iterdir()} == files
    finally:
        for p in [out, *out.rglob("*")]:
            p.chmod(p.stat().st_mode | stat.S_IWUSR)


def test_reading_a_study_writes_nothing(tmp_path, finished):
    _, out = copy_study(finished, tmp_path / "out")
    files = {p.name: (p.stat().st_mtime_ns, digest(p)) for p in out.iterdir()}
    assert run_cli("status", str(out), "--errors").returncode == 0
    open_study(out).score_table()
    assert {p.name: (p.stat().st_mtime_ns, digest(p)) for p in out.iterdir()} == files
