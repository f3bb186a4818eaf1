"""Writes this folder's study (three small JSONL tasks, tiny scratch backend, one seed) and
trains it into ``out/``: run from this folder, ``python make.py``. The stored ``out/``
was made by taskaffinity at commit f3b2366, whose run keys hashed the suite's name (the
study's name for a config's own tasks), the order of its tasks and every task's metric."""

import json
import random
from pathlib import Path

from taskaffinity.study import run_study

HERE = Path(__file__).parent
RULES = {
    "first": lambda s: "yes" if s[0] in "abcd" else "no",
    "count": lambda s: "more" if s.count("a") > s.count("b") else "less",
    "last": lambda s: "yes" if s[-1] in "aceg" else "no",
}
for name, rule in RULES.items():
    rng = random.Random(name)
    for split, n in (("train", 40), ("dev", 16), ("test", 16)):
        rows = []
        for _ in range(n):
            text = "".join(rng.choice("abcdefgh") for _ in range(rng.randint(6, 10)))
            rows.append({"text": f"{split[0]}{text}", "label": rule(text)})
        (HERE / f"{name}.{split}.jsonl").write_text(
            "".join(json.dumps(r) + "\n" for r in rows), "utf-8"
        )
if __name__ == "__main__":
    summary = run_study(HERE / "study.yaml", HERE / "out", progress=False)
    print(summary)
