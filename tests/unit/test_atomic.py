"""Whole-file writes: concurrent writers of one path never rename each other's file away."""

from __future__ import annotations

import threading
from pathlib import Path

from taskaffinity._atomic import write_atomic


def test_concurrent_writers_of_one_path_all_succeed(tmp_path: Path) -> None:
    target = tmp_path / "config.yaml"
    errors: list[BaseException] = []

    def write(text: str) -> None:
        try:
            for _ in range(200):
                write_atomic(target, text)
        except BaseException as err:
            errors.append(err)

    threads = [threading.Thread(target=write, args=(f"writer {i}\n",)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert target.read_text() in {f"writer {i}\n" for i in range(4)}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["config.yaml"]  # no leftovers


def test_bytes_and_text(tmp_path: Path) -> None:
    assert write_atomic(tmp_path / "a.bin", b"\x00\x01").read_bytes() == b"\x00\x01"
    assert write_atomic(tmp_path / "b.txt", "é").read_text(encoding="utf-8") == "é"
