"""Read the shipped ``en-text`` data (``data/<task>.<split>.jsonl.gz``) into a TaskSuite."""

from __future__ import annotations

import gzip
import json
from functools import lru_cache
from pathlib import Path

from taskaffinity.errors import InputError
from taskaffinity.tasks import Example, Task, TaskSuite

__all__ = ["SUITE_NAME", "load"]

SUITE_NAME = "en-text"
HERE = Path(__file__).resolve().parent


def _read(path: Path, fields: dict[str, str]) -> tuple[Example, ...]:
    if not path.is_file():
        raise InputError(
            "missing data file; rebuild with `python -m taskaffinity.suites.en_text.build`",
            file=path,
        )
    out = []
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            try:
                rec = json.loads(line)
                out.append(Example(text=rec[fields["text"]], label=rec[fields["label"]]))
            except (json.JSONDecodeError, KeyError) as err:
                raise InputError(f"bad record: {err}", file=path, line=n) from err
    return tuple(out)


@lru_cache(maxsize=1)
def load() -> TaskSuite:
    """The ``en-text`` suite: 6 classification tasks, 1200/150/150 examples each."""
    import yaml

    spec = yaml.safe_load((HERE / "suite.yaml").read_text(encoding="utf-8"))
    tasks = []
    for t in spec["tasks"]:
        splits = {s: _read(HERE / t["data"][s], t["fields"]) for s in ("train", "dev", "test")}
        tasks.append(
            Task(
                name=t["name"],
                kind=t["kind"],
                category=t["category"],
                metric=t["metric"],
                instruction=t.get("instruction", ""),
                description=t.get("description", ""),
                **splits,
            )
        )
    return TaskSuite(spec["name"], tuple(tasks))
