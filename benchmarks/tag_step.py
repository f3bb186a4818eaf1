"""Which lookahead step should TAG (``tag``, Fifty et al. 2021) take by default?

Scores every option of ``LOOKAHEAD_STEPS`` (``optimizer``: the run's own AdamW update with
its moments; ``adam``: the gradient scaled to unit RMS per tensor; ``sgd``: ``lr * grad``)
against a measured truth: the mean gain rates over the seeds of a singles+pairs study
(``analyze(table, seeds=...).gain_rate``, row = target task, column = source task).

For each estimator seed, one joint run of all the suite's tasks with the study's backend
config (``--threads`` changes only speed) is probed every ``--every`` steps; at each
probe every option makes its own lookahead from the same parameters, batches and
optimizer state. A probe leaves training unchanged, so each option's matrix is the one
``get_estimator("tag", every=EVERY, step=OPTION)`` returns for that seed, and the options
are compared on one training trajectory. Reported: Spearman of the off-diagonal estimate
with the truth per option and seed, its mean over seeds, Spearman of the estimate averaged
over seeds, and the Spearman between the options' seed-averaged estimates::

    nice -n 10 python benchmarks/tag_step.py --study runs/reliability/zh_classical-per_run \\
        --seeds 0,1 --every 20 --out /tmp/tag-step      # about 230 CPU s per seed
    python benchmarks/tag_step.py --study ... --out /tmp/tag-step --rescore  # no training

Also: for the seed-mean estimate, the p-value of its Spearman and a 95% bootstrap
interval of its Spearman's difference to the ``optimizer`` option's (cells resampled).
The study is read through a copy under ``--out`` (the original is never opened for
writing). Writes ``<out>/tag_step.json`` (estimates, truth, scores) and ``.md``; with
``--config benchmarks/configs/tag_step/NAME.yaml`` instead
``benchmarks/results/tag_step/NAME.json`` and ``.md`` (``--out`` then only holds the copy).
"""

from __future__ import annotations

import argparse
import copy
import dataclasses
import json
import shutil
import sqlite3
import time
from pathlib import Path

import numpy as np
from _bench_config import parse_args
from scipy.stats import spearmanr

from taskaffinity.affinity import LOOKAHEAD_STEPS, lookahead_step, open_target, with_max_steps
from taskaffinity.analysis import analyze
from taskaffinity.study import StudyData


def copy_study(src: Path, dst: Path) -> Path:
    """``src``'s config and store copied to ``dst`` by an SQLite backup. A store with no
    write-ahead log is opened immutable, so not even SQLite's index file is created in
    ``src``; one with a log (being written) read-only, to include what the log holds."""
    dst.mkdir(parents=True, exist_ok=True)
    shutil.copy(src / "config.yaml", dst / "config.yaml")
    store = src / "study.sqlite"
    mode = "mode=ro" if store.with_name("study.sqlite-wal").exists() else "immutable=1"
    with (
        sqlite3.connect(f"file:{store}?{mode}", uri=True) as a,
        sqlite3.connect(dst / "study.sqlite") as b,
    ):
        a.backup(b)
    return dst


class AllSteps:
    """A probe: at every ``every``-th step, ``lookahead_step`` once per option."""

    def __init__(self, tasks: tuple[str, ...], every: int, steps: tuple[str, ...]) -> None:
        self.tasks, self.every, self.steps = tasks, every, steps
        self.matrices: dict[str, list[np.ndarray]] = {s: [] for s in steps}

    def on_step(self, ctx) -> None:
        for s in self.steps:
            self.matrices[s].append(lookahead_step(ctx, self.tasks, None, s))

    def means(self) -> dict[str, np.ndarray]:
        """Option -> ``(n, n)`` mean over probes (row = target), diagonal NaN."""
        out = {}
        for s, mats in self.matrices.items():
            m = np.nanmean(np.stack(mats), axis=0)
            np.fill_diagonal(m, np.nan)
            out[s] = m
        return out


def spearman_off(a: np.ndarray, b: np.ndarray) -> float:
    """Spearman of two ``(n, n)`` matrices over their off-diagonal cells."""
    off = ~np.eye(len(a), dtype=bool)
    return float(spearmanr(a[off], b[off]).statistic)


def measure(args: argparse.Namespace) -> dict:
    """Train one probed joint run per estimator seed; the truth and every option's
    estimates (suite order, row = target) as a JSON-ready dict."""
    steps = tuple(LOOKAHEAD_STEPS)
    target = open_target(copy_study(args.study, args.out / args.study.name))
    study = target.study
    trained = {t for r in study.complete for t in r.tasks}
    if study.config.suite is not None:  # the tasks the study trained, in suite order (a
        # config naming a whole suite, no suite_tasks, may load tasks it never trained)
        kept = [t for t in study.suite.names if t in trained]
        study = StudyData(study.path, dataclasses.replace(study.config, suite_tasks=kept),
                          study.results)  # fmt: skip
    suite = study.suite
    names = tuple(suite.names)
    truth_seeds = sorted(study.config.seeds)
    a = analyze(study.score_table(), seeds=truth_seeds)
    order = [a.tasks.index(t) for t in names]
    truth = a.gain_rate[np.ix_(order, order)]

    backend = copy.copy(with_max_steps(target.backend, args.max_steps))
    backend.config = dataclasses.replace(backend.config, threads=args.threads)
    estimates: dict[str, list[list]] = {s: [] for s in steps}
    cpu: list[float] = []
    for seed in args.seed_list:
        start = time.process_time()
        probe = AllSteps(names, args.every, steps)
        backend.train_with_probe(list(names), suite, seed, probe)
        cpu.append(time.process_time() - start)
        for s, m in probe.means().items():
            estimates[s].append(m.tolist())
        print(f"seed {seed}: {len(probe.matrices[steps[0]])} probes, {cpu[-1]:.0f} CPU s")
    return {
        "study": str(args.study), "truth_seeds": truth_seeds,
        "estimator_seeds": args.seed_list, "every": args.every, "max_steps": args.max_steps,
        "threads": args.threads, "backend": backend.config.to_dict(),
        "cpu_seconds_per_seed": cpu, "tasks": list(names),
        "truth_gain_rate": truth.tolist(), "estimates": estimates,
    }  # fmt: skip


def score(result: dict, resamples: int = 2000) -> tuple[list[dict], dict[str, float]]:
    """Per option: Spearman with the truth per seed, their mean, that of the seed-mean
    estimate with its p-value, and a 95% bootstrap interval (off-diagonal cells
    resampled, same draws for every option) of its difference to the first option's.
    Also the Spearman between every two options' seed-mean estimates."""
    truth = np.array(result["truth_gain_rate"], dtype=float)
    off = ~np.eye(len(truth), dtype=bool)
    means = {s: np.mean(np.array(e, dtype=float), axis=0) for s, e in result["estimates"].items()}
    steps = list(means)
    draws = np.random.default_rng(0).integers(0, off.sum(), (resamples, off.sum()))

    def boot(m: np.ndarray) -> np.ndarray:
        x, t = m[off], truth[off]
        return np.array([spearmanr(x[k], t[k]).statistic for k in draws])

    ref = boot(means[steps[0]])
    rows = []
    for s in steps:
        per_seed = [spearman_off(np.array(e, dtype=float), truth) for e in result["estimates"][s]]
        diff = boot(means[s]) - ref
        rows.append(
            {"step": s, "spearman_per_seed": per_seed, "spearman_mean": float(np.mean(per_seed)),
             "spearman_of_mean_estimate": spearman_off(means[s], truth),
             "p_value": float(spearmanr(means[s][off], truth[off]).pvalue),
             f"diff_to_{steps[0]}_ci95": [float(v) for v in np.nanpercentile(diff, [2.5, 97.5])]}
        )  # fmt: skip
    between = {f"{x} vs {y}": spearman_off(means[x], means[y])
               for i, x in enumerate(steps) for y in steps[i + 1 :]}  # fmt: skip
    return rows, between


def table(result: dict, rows: list[dict], between: dict[str, float]) -> str:
    """The Markdown result table."""
    ref = rows[0]["step"]
    seeds = " | ".join(f"seed {s}" for s in result["estimator_seeds"])
    length = "full length" if result.get("max_steps") is None else f"{result['max_steps']} steps"
    lines = [
        f"TAG lookahead step on `{Path(result['study']).name}` (truth: mean gain rates over "
        f"seeds {result['truth_seeds']}; `every={result['every']}`, joint runs of {length}, "
        f"{sum(result['cpu_seconds_per_seed']):.0f} CPU s)",
        "",
        f"| step | Spearman {seeds} | mean | seed-mean estimate (p) | "
        f"difference to {ref}, 95% bootstrap |",
        "|---|" + "---|" * (len(result["estimator_seeds"]) + 3),
    ]
    for r in rows:
        cells = " | ".join(f"{v:.3f}" for v in r["spearman_per_seed"])
        lo, hi = r[f"diff_to_{ref}_ci95"]
        diff = "(reference)" if r["step"] == ref else f"{lo:+.2f} .. {hi:+.2f}"
        rho = f"{r['spearman_of_mean_estimate']:.3f} ({r['p_value']:.2f})"
        lines.append(f"| {r['step']} | {cells} | {r['spearman_mean']:.3f} | {rho} | {diff} |")
    lines += ["", "Spearman between the options' seed-mean estimates: "
              + ", ".join(f"{k} {v:.3f}" for k, v in between.items())]  # fmt: skip
    return "\n".join(lines) + "\n"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--study", type=Path, required=True)
    ap.add_argument("--seeds", default="0,1", help="estimator seeds (joint runs)")
    ap.add_argument("--every", type=int, default=20, help="probe period in steps")
    ap.add_argument("--threads", type=int, default=1, help="torch threads (speed only)")
    ap.add_argument("--max-steps", type=int, default=None, help="cut the runs (a quick check)")
    ap.add_argument("--out", type=Path, default=Path("benchmarks/results"))
    ap.add_argument("--rescore", action="store_true", help="score <out>/tag_step.json again")
    args, stem = parse_args(ap, "tag_step")
    args.seed_list = [int(s) for s in args.seeds.split(",")]
    path = args.out / "tag_step.json" if stem is None else stem.with_suffix(".json")
    md_path = path.with_suffix(".md")
    result = json.loads(path.read_text(encoding="utf-8")) if args.rescore else measure(args)
    rows, between = score(result)
    result.update(rows=rows, between_options=between)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(result, indent=1), encoding="utf-8")
    text = table(result, rows, between)
    md_path.write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
