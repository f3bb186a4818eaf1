"""Tiny classification rows and a JSONL writer shared by the loader tests."""

from __future__ import annotations

import json
from pathlib import Path

CLS = [{"text": f"文本{i}", "label": "甲" if i % 2 else "乙"} for i in range(40)]


def write_jsonl(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")
    return path
