"""Which PVI grouping rule picks better groupings: ``largest`` or ``paper``?

For each study folder given, reads the per-instance PVI values that ``compare`` (or
``benchmarks/estimators.py``) cached in ``DIR/estimates/pvi_instances.csv`` (no training),
proposes a grouping with :func:`taskaffinity.affinity.group_by_pvi` under each rule and
significance level, and scores each grouping on the study's measured truth: the mean
score table over its seeds, with every group larger than a pair predicted from the pairs
by HOA (:func:`taskaffinity.tables.hoa`, Standley et al. 2020). Value = the sum over tasks
of each task's score in its group (:func:`taskaffinity.grouping.evaluate_grouping`);
regret = the best partition's value (exhaustive, on the same HOA table) minus the grouping's.
Rank = the grouping's place among all partitions of the tasks (1 = best).

    python benchmarks/pvi_rules.py /tmp/bench-est/zh_classical /tmp/bench-est/en_text

Writes ``benchmarks/results/pvi_rules/NAME.md`` for ``--config
benchmarks/configs/pvi_rules/NAME.yaml`` (its ``studies`` list the folders), else ``--out``.
"""

from __future__ import annotations

import argparse
import csv
import dataclasses
import itertools
from collections import defaultdict
from pathlib import Path

import numpy as np
from _bench_config import RESULTS, parse_args

from taskaffinity.affinity import PVI_RULES, group_by_pvi
from taskaffinity.grouping import evaluate_grouping
from taskaffinity.study import StudyData, open_study
from taskaffinity.tables import hoa


def pvi_values(folder: Path) -> dict[str, np.ndarray]:
    """Task -> per-instance PVI (instance order) from the cached CSV."""
    rows: dict[str, list[tuple[int, float]]] = defaultdict(list)
    with (folder / "estimates" / "pvi_instances.csv").open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            rows[row["task"]].append((int(row["index"]), float(row["pvi"])))
    return {t: np.array([v for _, v in sorted(r)]) for t, r in rows.items()}


def partitions(items: list[str]):
    """Every partition of ``items`` (lists of lists)."""
    if not items:
        yield []
        return
    first, rest = items[0], items[1:]
    for part in partitions(rest):
        for i in range(len(part)):
            yield [*part[:i], [first, *part[i]], *part[i + 1 :]]
        yield [[first], *part]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("studies", nargs="*", type=Path)
    ap.add_argument("--alphas", default="0.01,0.05")
    ap.add_argument("--out", type=Path, default=RESULTS / "pvi_rules" / "pvi_rules.md")
    args, stem = parse_args(ap, "pvi_rules")
    if stem is not None:
        args.out = stem.with_suffix(".md")
    if not args.studies:
        ap.error("give the study folders (or a --config naming them)")
    lines = [
        "# PVI grouping rules on the measured truth",
        "",
        f"`python benchmarks/pvi_rules.py {' '.join(str(s) for s in args.studies)}`",
        "",
        "| study | seeds | alpha | rule | grouping | value | regret | rank / partitions |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for folder in args.studies:
        study = open_study(folder)
        values = pvi_values(folder)
        tasks = sorted(values)
        if study.config.suite is not None:  # the tasks PVI was estimated for, in suite order
            # (a config naming a whole suite, no suite_tasks, may load tasks never trained)
            kept = [t for t in study.suite.names if t in values]
            config = dataclasses.replace(study.config, suite_tasks=kept)
            study = StudyData(study.path, config, study.results)
        larger = [c for k in range(3, len(tasks) + 1) for c in itertools.combinations(tasks, k)]
        table = hoa(study.score_table(), larger)
        every = sorted(evaluate_grouping(table, p) for p in partitions(tasks))
        best = every[-1]  # the scores are higher-is-better in both built-in suites
        for alpha in (float(a) for a in args.alphas.split(",")):
            for rule in PVI_RULES:
                g = group_by_pvi(values, alpha=alpha, rule=rule).proposed
                value = evaluate_grouping(table, g.groups)
                rank = 1 + sum(v > value + 1e-12 for v in every)
                lines.append(
                    f"| {study.config.suite or folder.name} | {len(study.seeds)} | {alpha:g} | "
                    f"{rule} | {' / '.join('+'.join(grp) for grp in g.groups)} | {value:.4f} "
                    f"| {best - value:.4f} | {rank} / {len(every)} |"
                )
                print(lines[-1], flush=True)
    lines += [
        "",
        "One PVI estimate per study (seed 0); the truth's own noise (see the reliability "
        "benchmark) is larger than most differences here.",
    ]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
