"""Run the malformed-input battery (``tests/unit/_battery.py``) and print its table: per
kind of input, the cases, how many the CLI refused cleanly (exit status 2, no traceback,
nothing written: no ``study.sqlite``, no output folder) and how many messages name the
file, the line and the field, out of the cases that have one. Writes
benchmarks/results/validation_battery/NAME.md for ``--config
benchmarks/configs/validation_battery/NAME.yaml`` (``battery.md`` without a config).

    python benchmarks/validation_battery.py [--list] \
        [--config benchmarks/configs/validation_battery/battery.yaml]

``--list`` also prints every case with the first line of its message.
"""

from __future__ import annotations

import argparse
import platform
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results" / "validation_battery" / "battery.md"
sys.path.insert(0, str(ROOT / "tests" / "unit"))

from _battery import CASES, run_case, table  # noqa: E402
from _bench_config import parse_args  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--list", action="store_true", help="print every case's message")
    args, stem = parse_args(parser, "validation_battery")
    results = RESULTS if stem is None else stem.with_suffix(".md")
    start = time.perf_counter()
    outcomes = []
    with tempfile.TemporaryDirectory() as tmp:
        for i, case in enumerate(CASES):
            folder = Path(tmp) / str(i)
            outcome = run_case(case, folder)
            outcomes.append(outcome)
            if args.list or not outcome.ok:
                first = next((ln for ln in outcome.output.splitlines() if ln.strip()), "")
                mark = "ok  " if outcome.ok else "FAIL"
                print(f"{mark} [{case.area}] {case.name}: {first.replace(str(folder), '.')}")
                if not outcome.ok:
                    print(f"     {', '.join(outcome.problems)}")
    seconds = time.perf_counter() - start
    text = table(outcomes)
    in_process = sum(not c.subprocess for c in CASES)
    footer = (
        f"\n{len(CASES)} cases ({in_process} in-process through typer's CliRunner, "
        f"{len(CASES) - in_process} as subprocesses) in {seconds:.1f} s on "
        f"{platform.machine()}, Python {platform.python_version()}."
    )
    print(text + "\n" + footer)
    results.parent.mkdir(parents=True, exist_ok=True)
    results.write_text(
        "# Malformed-input battery\n\n`python benchmarks/validation_battery.py`\n\n"
        + text
        + "\n"
        + footer
        + "\n",
        encoding="utf-8",
    )
    if not all(o.ok for o in outcomes):
        sys.exit(1)


if __name__ == "__main__":
    main()
