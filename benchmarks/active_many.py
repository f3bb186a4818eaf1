"""Replay of the many-task suite's exhaustive grid: the active plan at 10% and 25% of the pair
grid's runs against the exhaustive truth.

Table: ``runs/en_many_grid/seeds.csv`` (``--grid``; ``target,source,seed,score``: every
single task and every pair of the 30 ``en_many`` tasks, 4 seeds), turned into a gain-rate
table (:func:`~taskaffinity.prediction.gain_table`, ``relative``: each task's % gain over
its own single-task run of the same seed). Rows = the 465 combinations (30 singles, 435
pairs), columns = the tasks. Each combination's seeds are its noisy measurements; the
truth is the mean over the 4 seeds.

The active plan (:func:`~taskaffinity.prediction.replay_active`, candidates = the singles
and pairs) trains R = 10% and 25% of the 465 combinations (47 and 116, singles included),
plan seeds 0..S-1, then recommends networks for budgets B (``--rule``; B >= 15: fewer
networks cannot cover 30 tasks with singles and pairs). Scored:

* (a) the truth's value of the recommended networks (each task in its network with the best
  gain by the plan's final table, measured where measured, predicted elsewhere; mean over
  tasks of that network's true gain rate, %) against the truth's optimum (exact selection
  on the truth); beside it the truth's own seed noise: the standard error over the 4 seeds
  of the optimum's value (per-seed sd / 2), and the split-half gap (the optimum chosen on
  seeds 0, 2 and scored on 1, 3, and the reverse, against the optimum's value);
* (b) the Spearman correlation of the predicted pair matrix (``[target, source]`` = the
  target's predicted gain in the pair, 870 cells) with the truth, against the truth's
  split-half ceiling (Spearman of the seeds-0,2 matrix with the seeds-1,3 matrix) and its
  Spearman-Brown value for 4 against 4 seeds.

Baseline ``pair_mean_random``: the pairwise-mean model (``hoa``, ``pairs_from="all"``) on
the singles and R - 30 random pairs, networks chosen exactly on its table (measured means
where measured, its predictions elsewhere).

Usage: ``python benchmarks/active_many.py --config benchmarks/configs/active_many/NAME.yaml``
(writes ``benchmarks/results/active_many/NAME.md`` and ``.json``).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import time
import warnings
from pathlib import Path

import numpy as np
from _bench_config import parse_args, result_place
from scipy.stats import spearmanr

from taskaffinity.errors import InputError
from taskaffinity.grouping import greedy_select, select_networks
from taskaffinity.prediction import Prediction, gain_table, get_predictor, recommend, replay_active
from taskaffinity.tables import take_rows
from taskaffinity.types import ScoreTable

ROOT = Path(__file__).resolve().parents[1]


def load_grid(path: Path) -> ScoreTable:
    """The grid's score table: rows = singles then pairs (sorted), columns = tasks in file
    order, ``seed_scores`` shape ``(n_seeds, n_groups, n_tasks)``."""
    with path.open(newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    tasks: list[str] = []
    for r in rows:
        if r["target"] not in tasks:
            tasks.append(r["target"])
    seeds = sorted({int(r["seed"]) for r in rows})
    groups = [(t,) for t in tasks] + [
        tuple(sorted((a, b))) for i, a in enumerate(tasks) for b in tasks[i + 1 :]
    ]
    gi = {g: i for i, g in enumerate(groups)}
    ti = {t: i for i, t in enumerate(tasks)}
    si = {s: i for i, s in enumerate(seeds)}
    vals = np.full((len(seeds), len(groups), len(tasks)), np.nan)
    for line, r in enumerate(rows, start=2):
        src = r["source"]
        g = (r["target"],) if not src else tuple(sorted((r["target"], src)))
        if g not in gi:
            raise SystemExit(f"{path}:{line}: source {src!r} is not a grid task")
        vals[si[int(r["seed"])], gi[g], ti[r["target"]]] = float(r["score"])
    expected = len(seeds) * sum(len(g) for g in groups)
    if int((~np.isnan(vals)).sum()) != expected:
        raise SystemExit(f"{path}: the grid is incomplete ({len(rows)} of {expected} scores)")
    return ScoreTable(
        tuple(tasks),
        tuple(groups),
        np.nanmean(vals, axis=0),
        np.ones(len(groups)),
        True,
        vals,
    )


def value(groups: tuple[tuple[str, ...], ...], chose_on: ScoreTable, truth: np.ndarray) -> float:
    """Mean over tasks of the true gain (``truth``, shape of ``chose_on.scores``) of each
    task's network among ``groups``: the one with its best value in ``chose_on``."""
    ci = {g: i for i, g in enumerate(chose_on.groups)}
    out = []
    for t, name in enumerate(chose_on.tasks):
        best = max((g for g in groups if name in g), key=lambda g: chose_on.scores[ci[g], t])
        out.append(truth[ci[best], t])
    return float(np.mean(out))


def pair_matrix(tasks: tuple[str, ...], groups, scores: np.ndarray) -> np.ndarray:
    """Off-diagonal ``[target, source]`` values (870 for 30 tasks) in a fixed order."""
    gi = {g: i for i, g in enumerate(groups)}
    ti = {t: i for i, t in enumerate(tasks)}
    return np.array(
        [scores[gi[tuple(sorted((a, b)))], ti[a]] for a in tasks for b in tasks if a != b]
    )


def truth_noise(gains: ScoreTable, budgets: list[int]) -> dict:
    """The truth's optimum per budget with its seed noise, and the split-half ceiling."""
    seeds = np.asarray(gains.seed_scores)
    half = [np.nanmean(seeds[[0, 2]], axis=0), np.nanmean(seeds[[1, 3]], axis=0)]
    out: dict = {"optimum": {}, "seed_se": {}, "split_half_gap": {}}
    for b in budgets:
        g = select_networks(gains, b).groups
        out["optimum"][b] = value(g, gains, gains.scores)
        per_seed = [value(g, gains, s) for s in seeds]
        out["seed_se"][b] = float(np.std(per_seed, ddof=1) / np.sqrt(len(seeds)))
        gaps = []
        for a in (0, 1):
            ha = ScoreTable(gains.tasks, gains.groups, half[a], gains.costs, True)
            ga = select_networks(ha, b).groups
            gaps.append(value(ga, ha, gains.scores) - out["optimum"][b])
        out["split_half_gap"][b] = float(np.mean(gaps))
    r = spearmanr(
        pair_matrix(gains.tasks, gains.groups, half[0]),
        pair_matrix(gains.tasks, gains.groups, half[1]),
    ).statistic
    out["split_half_r"] = float(r)
    out["spearman_brown"] = float(2 * r / (1 + r))
    return out


def _scored(pred: Prediction, chose_on: ScoreTable, gains: ScoreTable, groups_by_b) -> dict:
    """The networks' true values per budget, and the Spearman correlation of the predicted
    pair matrix with the truth: over all 870 cells, and over the cells of unmeasured pairs
    only (a measured cell's prediction is fitted to the very seeds the truth averages)."""
    got = pair_matrix(pred.tasks, pred.groups, pred.mean)
    true = pair_matrix(gains.tasks, gains.groups, gains.scores)
    measured = np.broadcast_to(pred.measured[:, None], pred.mean.shape)
    seen = pair_matrix(pred.tasks, pred.groups, measured).astype(bool)
    vals = {}
    for b, g in groups_by_b.items():
        vals[b] = float("nan") if g is None else value(g, chose_on, gains.scores)
    return {
        "values": vals,
        "spearman": float(spearmanr(got, true).statistic),
        "spearman_unmeasured": float(spearmanr(got[~seen], true[~seen]).statistic),
    }


def run_active(gains: ScoreTable, big_r: int, seed: int, args: argparse.Namespace) -> dict:
    """One plan seed of the active plan with ``big_r`` combinations, scored on the truth."""
    pred = get_predictor(args.predictor)
    run = replay_active(
        gains,
        pred,
        big_r,
        tuple(float(b) for b in args.plan_budgets),
        seed=seed,
        rounds=args.rounds,
        n_draws=args.draws,
        rule=args.rule,
        solver="greedy",
    )
    final = pred.predict(run.measured, gains.groups)
    chose_on = final.table(np.where(final.measured[:, None], gains.scores, final.mean))
    picks: dict[int, tuple[tuple[str, ...], ...] | None] = {}
    for b in args.budgets:
        try:
            picks[b] = recommend(final, b, measured=run.measured, rule=args.rule).groups
        except InputError:  # e.g. rule "measured" with too few measured pairs to cover
            picks[b] = None
    out = _scored(final, chose_on, gains, picks)
    out["R"] = len(run.rows)
    out["settled_at"] = run.settled_at
    return out


def run_pair_mean(gains: ScoreTable, big_r: int, seed: int, budgets: list[int]) -> dict:
    """The pairwise-mean model on the singles and ``big_r - n`` random pairs."""
    n = gains.n_tasks
    rng = np.random.default_rng(seed)
    pairs = rng.choice(np.arange(n, len(gains.groups)), size=big_r - n, replace=False)
    seen = take_rows(gains, list(range(n)) + [int(p) for p in pairs])
    p = get_predictor("hoa", pairs_from="all").predict(seen, gains.groups)
    t = p.table(np.where(p.measured[:, None], gains.scores, p.mean))
    picks = {}
    for b in budgets:
        try:
            picks[b] = select_networks(t, b, time_limit=30.0).groups
        except InputError:  # no selection within the time limit: greedy
            picks[b] = greedy_select(t, b).groups
    return _scored(p, t, gains, picks)


def _stats(vals: list[float]) -> dict:
    a = np.asarray(vals, float)
    return {"mean": float(a.mean()), "sd": float(a.std(ddof=1)) if len(a) > 1 else 0.0}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--grid", type=Path, default=ROOT / "runs" / "en_many_grid" / "seeds.csv")
    ap.add_argument("--predictor", default="pairwise")
    ap.add_argument("--rule", default="mean")
    ap.add_argument("--seeds", type=int, default=3)
    ap.add_argument("--draws", type=int, default=6)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--fractions", type=float, nargs="+", default=[0.10, 0.25])
    ap.add_argument("--budgets", type=int, nargs="+", default=[15, 20, 25, 30])
    ap.add_argument("--plan-budgets", type=int, nargs="+", default=[15, 20, 30])
    ap.add_argument("--no-baseline", action="store_true", help="skip pair_mean_random")
    ap.add_argument("--name", default="en_many", help="result file stem without --config")
    args, stem = parse_args(ap, "active_many")
    warnings.filterwarnings("ignore", "Mean of empty slice", RuntimeWarning)
    name, out_dir = result_place(stem, "active_many", args.name)
    if not args.grid.is_file():
        raise SystemExit(f"grid not found: {args.grid} (the en_many grid study's seeds.csv)")
    t0 = time.perf_counter()
    gains = gain_table(load_grid(args.grid), relative=True)
    n_rows = len(gains.groups)
    res: dict = {
        "command": "python benchmarks/active_many.py "
        + f"--predictor {args.predictor} --rule {args.rule} --seeds {args.seeds} "
        + f"--draws {args.draws} --rounds {args.rounds} "
        + f"--fractions {' '.join(map(str, args.fractions))} "
        + f"--budgets {' '.join(map(str, args.budgets))}"
        + (" --no-baseline" if args.no_baseline else ""),
        "machine": f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores",
        "n_tasks": gains.n_tasks,
        "n_combinations": n_rows,
        "budgets": args.budgets,
        "truth": truth_noise(gains, args.budgets),
        "methods": {},
    }
    print(f"truth: {res['truth']}", flush=True)
    for frac in args.fractions:
        big_r = int(frac * n_rows + 0.5)
        kinds = [("active", lambda s, r=big_r: run_active(gains, r, s, args))]
        if not args.no_baseline:
            kinds.append(
                ("pair_mean_random", lambda s, r=big_r: run_pair_mean(gains, r, s, args.budgets))
            )
        for kind, fn in kinds:
            t1 = time.perf_counter()
            runs = [fn(s) for s in range(args.seeds)]
            for s, x in enumerate(runs):
                print(f"{kind} R={big_r} seed {s}: {x}", flush=True)
            res["methods"][f"{kind}_R{big_r}"] = {
                "R": big_r,
                "fraction": frac,
                "values": {b: _stats([x["values"][b] for x in runs]) for b in args.budgets},
                "spearman": _stats([x["spearman"] for x in runs]),
                "spearman_unmeasured": _stats([x["spearman_unmeasured"] for x in runs]),
                "settled_at": [x.get("settled_at") for x in runs],
                "seconds": time.perf_counter() - t1,
            }
    res["seconds"] = time.perf_counter() - t0
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / f"{name}.json").write_text(json.dumps(res, indent=1, default=str) + "\n")
    (out_dir / f"{name}.md").write_text(markdown(res) + "\n")
    print(f"{res['seconds']:.0f} s", flush=True)


def _spread(st: dict) -> str:
    """``mean ± sd``, or a note when the predictions of unmeasured pairs were constant."""
    if np.isnan(st["mean"]):
        return "n/a (all unmeasured pairs predicted alike)"
    return f"{st['mean']:.2f} ± {st['sd']:.2f}"


def markdown(res: dict) -> str:
    """The result as a Markdown page."""
    budgets, tr = res["budgets"], res["truth"]
    head = (
        "| | R | "
        + " | ".join(f"B = {b}" for b in budgets)
        + " | Spearman (all cells) | Spearman (unmeasured pairs) |"
    )
    lines = [
        "# The active plan on the many-task suite (en_many grid, replayed)",
        "",
        f"Command: `{res['command']}` on {res['machine']}, {res['seconds']:.0f} s. "
        f"{res['n_tasks']} tasks, {res['n_combinations']} combinations (singles and pairs). "
        "Values: mean over tasks of the true gain rate (%, the 4-seed mean) of each task's "
        "recommended network; plan seeds: mean ± sd. Spearman: the predicted pair matrix "
        "(870 cells) against the truth.",
        "",
        head,
        "|---|---|" + "---|" * (len(budgets) + 2),
        "| truth's optimum | all | "
        + " | ".join(f"{tr['optimum'][b]:.3f}" for b in budgets)
        + f" | split-half {tr['split_half_r']:.2f} (Spearman-Brown {tr['spearman_brown']:.2f}) | |",
        "| its seed noise (SE over 4 seeds) | | "
        + " | ".join(f"± {tr['seed_se'][b]:.3f}" for b in budgets)
        + " | | |",
        "| split-half gap (choose on 2 seeds, score on the truth) | | "
        + " | ".join(f"{tr['split_half_gap'][b]:+.3f}" for b in budgets)
        + " | | |",
    ]
    for key, m in res["methods"].items():
        cells = " | ".join(
            f"{m['values'][b]['mean']:.3f} ± {m['values'][b]['sd']:.3f}" for b in budgets
        )
        sp, su = m["spearman"], m["spearman_unmeasured"]
        lines.append(
            f"| {key.rsplit('_R', 1)[0]} ({m['fraction']:.0%}) | {m['R']} | {cells} | "
            f"{sp['mean']:.2f} ± {sp['sd']:.2f} | {_spread(su)} |"
        )
    lines.append("")
    for key, m in res["methods"].items():
        settled = m["settled_at"] if key.startswith("active") else "-"
        lines.append(f"- {key}: {m['seconds']:.0f} s; settled at (runs, per seed): {settled}")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
