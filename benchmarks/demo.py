"""Benchmark the demo: wall time of ``taskaffinity demo`` (fresh store), runs per minute,
and the wall time of a second call that reuses the store. Writes
benchmarks/results/demo/NAME.md for ``--config benchmarks/configs/demo/NAME.yaml``
(benchmarks/results/demo/demo.md without a config).

    python benchmarks/demo.py [--config benchmarks/configs/demo/demo.yaml] [--workers N]
        [--out DIR]

A benchmark, not a test: it trains the whole demo study (44 runs: 22 per seed, two seeds).
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _bench_config import RESULTS as RESULTS_DIR
from _bench_config import parse_args

RESULTS = RESULTS_DIR / "demo" / "demo.md"


def timed(cmd: list[str]) -> tuple[float, str]:
    start = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}")
    return wall, proc.stdout


def run_costs(out: Path) -> list[tuple[str, int, float, int]]:
    """(kind, runs, mean wall seconds, mean steps) per kind of run: single, pair, all."""
    from taskaffinity.study import open_study

    study = open_study(out)
    n_tasks = len(study.suite.names)
    kinds: dict[str, list] = {"single": [], "pair": [], "all": []}
    for r in study.complete:
        size = len(r.tasks)
        kind = "single" if size == 1 else "pair" if size == 2 else "all" if size == n_tasks else ""
        if kind:
            kinds[kind].append(r.cost)
    return [
        (k, len(c), sum(x.seconds for x in c) / len(c), sum(x.steps for x in c) // len(c))
        for k, c in kinds.items()
        if c
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=None, help="override the demo's workers")
    parser.add_argument("--out", type=Path, default=None, help="keep the study here")
    args, stem = parse_args(parser, "demo")
    results = RESULTS if stem is None else stem.with_suffix(".md")
    out = args.out or Path(tempfile.mkdtemp(prefix="taskaffinity-demo-")) / "demo"
    if out.exists():
        shutil.rmtree(out)
    cmd = [sys.executable, "-c", "from taskaffinity.cli import main; main()", "demo"]
    cmd += ["--out", str(out), "--quiet"]
    if args.workers:
        cmd += ["--workers", str(args.workers)]
    load = os.getloadavg()[0]
    first, log = timed(cmd)
    second, _ = timed(cmd)

    from taskaffinity.study import study_status

    status = study_status(out)
    rate = status.complete / (first / 60)
    rows = "\n".join(f"| {k} | {n} | {s:.1f} | {st} |" for k, n, s, st in run_costs(out))
    shown = " ".join(["taskaffinity", *cmd[3:]]).replace(str(out), "DIR")
    text = f"""# Demo benchmark

`python benchmarks/demo.py{f" --workers {args.workers}" if args.workers else ""}` runs
`{shown}` twice in a fresh folder.

| measure | value |
|---|---|
| runs | {status.complete}/{status.total} complete, {status.failed} failed |
| first call (trains everything, writes the report) | {first:.0f} s ({first / 60:.1f} min) |
| runs per minute | {rate:.2f} |
| second call (store reused) | {second:.1f} s |
| machine | {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()} |
| load average (1 min) before the run | {load:.1f} |

Mean cost per run, by kind (wall seconds inside the worker, optimizer steps):

| kind | runs | seconds | steps |
|---|---|---|---|
{rows}

Last lines of the first call:

```
{chr(10).join(log.strip().splitlines()[-3:])}
```
"""
    results.parent.mkdir(parents=True, exist_ok=True)
    results.write_text(text)
    print(text)


if __name__ == "__main__":
    main()
