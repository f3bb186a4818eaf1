"""Scaling of the active plan: runs spent until the recommendation settles, against the
number of tasks n.

Two series of replayed tables (:func:`~taskaffinity.prediction.replay_active`, each chosen
combination "trained" by reading its row):

* ``grid``: subsets of the en_many grid (``--grid``, ``runs/en_many_grid/seeds.csv``: 30
  tasks, every single and pair, 4 seeds; loaded by ``active_many.load_grid`` as a
  relative gain table). Plan seed ``s`` at size n replays the first n tasks of a
  permutation of the 30 drawn from ``--seed`` + ``s`` (every seed its own subset; at
  n = 30 all of them). The truth is the 4-seed mean, which the plan also sees on the rows
  it trains (the grid has no other measurement);
* ``synthetic``: :func:`_synthetic.planted_many` tables (``--seed``; planted groups,
  pair, saturating group and third-order effects, seed noise; see that module). The plan
  sees the noisy seeds, the noise-free truth scores it.

Per size n and plan seed ``0 .. S-1``: the plan starts with every single task, the
all-task run (the synthetic tables have it, the grid does not) and n random rows, then
trains rounds of ``batch = ceil(batch_per_task * n)`` combinations chosen by Thompson
sampling (``--draws`` posterior draws of ``--predictor``; over 256 candidates each draw is
solved greedily over each task's 8 best networks, as a study does) until the stopping rule
holds (``stop``: certain, or the recommendation unchanged within its interval for
``--patience`` rounds) or ``cap = ceil(cap_per_task * n)`` rows are trained (then the
plan is *censored*: reported as such, never as a number). Network budgets scale with n:
``B = m * max(min_budget, ceil(budget_per_task * n))`` for each ``m`` of
``--budget-multiples``.

Scored at the stop: the recommendation (``recommend`` with the plan's ``--rule`` on the
final posterior and the measured rows), each task counted in its network with the best
value by the plan's final table (measured means where measured, predictions elsewhere),
mean over tasks of its true gain, against the truth's optimum (exact selection on the
truth, ``--truth-time-limit`` seconds of HiGHS; its best selection kept and marked when
it runs out). The growth exponent: the slope of log(mean runs to settle) on log(n) over
the sizes where some seed settled, with a percentile interval from resampling the plan
seeds of each size (``--bootstrap`` resamples).

Usage: ``python benchmarks/scaling.py --config benchmarks/configs/scaling/NAME.yaml``
(writes ``benchmarks/results/scaling/NAME.md`` and ``.json``).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import time
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from _bench_config import command_line, parse_args, result_place
from _synthetic import planted_many
from active_many import load_grid, value

from taskaffinity.errors import InputError
from taskaffinity.grouping import greedy_select, select_networks
from taskaffinity.prediction import gain_table, get_predictor, recommend, replay_active
from taskaffinity.types import ScoreTable

ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Case:
    """One replayed table: ``served`` what the plan measures (rows = candidates, columns =
    tasks, with ``seed_scores``), ``truth`` the true mean gains ``(G, n)`` of the same
    cells, ``label`` what it is."""

    served: ScoreTable
    truth: np.ndarray
    label: str


def grid_subset(gains: ScoreTable, tasks: list[str]) -> ScoreTable:
    """The grid's rows whose combination lies within ``tasks``, columns ``tasks`` (in the
    grid's order), seeds kept: ``scores`` ``(G', n)``, ``seed_scores`` ``(S, G', n)``."""
    keep = set(tasks)
    cols = [gains.index(t) for t in gains.tasks if t in keep]
    rows = [g for g, grp in enumerate(gains.groups) if set(grp) <= keep]
    seeds = None if gains.seed_scores is None else gains.seed_scores[:, rows][:, :, cols]
    return ScoreTable(
        tuple(gains.tasks[c] for c in cols),
        tuple(gains.groups[r] for r in rows),
        gains.scores[rows][:, cols],
        np.ones(len(rows)),
        True,
        seeds,
    )


def budgets_for(n: int, per_task: float, args: argparse.Namespace) -> tuple[int, ...]:
    """``m * max(min_budget, ceil(per_task * n))`` for each multiple ``m``, at most n."""
    base = max(args.min_budget, math.ceil(per_task * n - 1e-9))
    return tuple(sorted({min(n, m * base) for m in args.budget_multiples}))


def optimum(truth: ScoreTable, budget: int, limit: float) -> dict:
    """The truth's best selection under ``budget``: mean gain per task, the solver, and
    whether it is proved optimal."""
    try:
        g = select_networks(truth, budget, time_limit=limit)
        how = "exact" if g.exact else f"HiGHS best in {limit:.0f} s"
    except InputError:  # no selection found within the time limit
        g, how = greedy_select(truth, budget), "greedy"
    return {"value": g.predicted / truth.n_tasks, "solver": how, "groups": len(g.groups)}


def run_plan(case: Case, n: int, seed: int, budgets: tuple[int, ...], rule: str, args) -> dict:
    """One plan seed on ``case``: runs to settle (None when censored), wall time, and the
    recommendation's true value per budget."""
    served = case.served
    rows_total = len(served.groups)
    cap = min(rows_total, math.ceil(args.cap_per_task * n))
    batch = max(1, math.ceil(args.batch_per_task * n))
    big = rows_total > args.pool_above
    predictor = get_predictor(args.predictor)
    t0 = time.perf_counter()
    run = replay_active(
        served,
        predictor,
        cap,
        tuple(float(b) for b in budgets),
        seed=seed,
        n_start=n,
        n_draws=args.draws,
        rule=rule,
        solver="greedy" if big else "exact",
        pool=8 if big else None,
        stop=True,
        patience=args.patience,
        batch=batch,
    )
    plan_s = time.perf_counter() - t0
    final = predictor.predict(run.measured, served.groups)
    chose = np.array(final.mean, copy=True)
    chose[list(run.rows)] = served.scores[list(run.rows)]
    chose_on = final.table(chose)
    values: dict[int, float | None] = {}
    for b in budgets:
        try:
            picked = recommend(final, b, measured=run.measured, rule=rule).groups
            values[b] = value(picked, chose_on, case.truth)
        except InputError:  # e.g. rule "measured" and no measured cover within b
            values[b] = None
    return {
        "seed": seed,
        "settled_at": run.settled_at,
        "trained": len(run.rows),
        "rounds": run.rounds,
        "cap": cap,
        "batch": batch,
        "plan_seconds": plan_s,
        "seconds": time.perf_counter() - t0,
        "values": values,
    }


def synthetic_case(n: int, args: argparse.Namespace) -> Case:
    p = planted_many(n, seed=args.seed, noise=args.noise, n_seeds=args.table_seeds)
    return Case(p.measured, p.truth.scores, f"planted_many({n}, seed={args.seed})")


def _truth_table(case: Case) -> ScoreTable:
    s = case.served
    return ScoreTable(s.tasks, s.groups, case.truth, s.costs, True)


def run_series(name: str, sizes: list[int], make, per_task: float, rule: str, args) -> dict:
    """Every size of one series: per seed results, the truth's optima, summaries."""
    out: dict = {"rule": rule, "sizes": {}}
    for n in sizes:
        budgets = budgets_for(n, per_task, args)
        t0 = time.perf_counter()
        runs, optima, cache = [], [], {}
        for s in range(args.seeds):
            case: Case = make(n, s)
            key = (case.served.tasks, len(case.served.groups))
            if key not in cache:
                t1 = time.perf_counter()
                truth = _truth_table(case)
                cache[key] = {b: optimum(truth, b, args.truth_time_limit) for b in budgets}
                cache[key]["seconds"] = time.perf_counter() - t1
            opt = cache[key]
            r = run_plan(case, n, s, budgets, rule, args)
            r["share"] = {
                b: None if r["values"][b] is None else r["values"][b] / opt[b]["value"]
                for b in budgets
            }
            r["optimum"] = {b: opt[b]["value"] for b in budgets}
            r["table"] = case.label
            r["n_rows"] = len(case.served.groups)
            runs.append(r)
            optima.append(opt)
            print(f"{name} n={n} seed {s}: {json.dumps(r, default=str)}", flush=True)
        out["sizes"][n] = {
            "budgets": list(budgets),
            "n_rows": runs[0]["n_rows"],
            "pair_grid": n * (n + 1) // 2,
            "floor": min(runs[0]["cap"], 2 * n + (name == "synthetic") + 2 * runs[0]["batch"]),
            "runs": runs,
            "truth_solver": sorted({o[b]["solver"] for o in optima for b in budgets}),
            "truth_seconds": float(sum(c["seconds"] for c in cache.values())),
            "seconds": time.perf_counter() - t0,
        }
        out["sizes"][n].update(summary(out["sizes"][n]))
    out["growth"] = growth(out["sizes"], args.bootstrap, args.seed)
    return out


def summary(size: dict) -> dict:
    """Runs to settle over the settled seeds (mean, sd), censored count, shares of the
    optimum per budget (mean, sd over seeds with a recommendation)."""
    settled = [r["settled_at"] for r in size["runs"] if r["settled_at"] is not None]
    a = np.asarray(settled, float)
    out: dict = {
        "settled": settled,
        "censored": len(size["runs"]) - len(settled),
        "runs_mean": float(a.mean()) if len(a) else None,
        "runs_sd": float(a.std(ddof=1)) if len(a) > 1 else None,
        "rounds_mean": float(np.mean([r["rounds"] for r in size["runs"]])),
        "plan_seconds_mean": float(np.mean([r["plan_seconds"] for r in size["runs"]])),
        "share": {},
    }
    for b in size["budgets"]:
        vals = [r["share"][b] for r in size["runs"] if r["share"][b] is not None]
        v = np.asarray(vals, float)
        out["share"][b] = {
            "mean": float(v.mean()) if len(v) else None,
            "sd": float(v.std(ddof=1)) if len(v) > 1 else None,
            "missing": len(size["runs"]) - len(v),
        }
    return out


def growth(sizes: dict, n_boot: int, seed: int) -> dict:
    """Slope of log(mean runs to settle) on log(n) over the sizes with a settled seed,
    and its 90% percentile interval over resamples of each size's settled seeds."""
    ns = [n for n, s in sizes.items() if s["settled"]]
    if len(ns) < 2:
        return {"sizes": ns, "slope": None, "low": None, "high": None}
    x = np.log(np.asarray(ns, float))
    y = np.log([np.mean(sizes[n]["settled"]) for n in ns])
    slope = float(np.polyfit(x, y, 1)[0])
    rng = np.random.default_rng(seed)
    boots = []
    for _ in range(n_boot):
        yb = [
            np.log(np.mean(rng.choice(sizes[n]["settled"], len(sizes[n]["settled"])))) for n in ns
        ]
        boots.append(np.polyfit(x, yb, 1)[0])
    low, high = np.quantile(boots, [0.05, 0.95])
    return {"sizes": ns, "slope": slope, "low": float(low), "high": float(high)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--grid", type=Path, default=ROOT / "runs" / "en_many_grid" / "seeds.csv")
    ap.add_argument("--grid-sizes", type=int, nargs="*", default=[8, 16, 30])
    ap.add_argument("--synthetic-sizes", type=int, nargs="*", default=[8, 16, 32, 64, 100, 200])
    ap.add_argument("--seeds", type=int, default=3, help="plan seeds 0..S-1")
    ap.add_argument("--seed", type=int, default=0, help="synthetic table / grid subset seed")
    ap.add_argument("--predictor", default="pairwise")
    ap.add_argument("--rule", default="measured", help="synthetic series")
    ap.add_argument("--grid-rule", default="mean", help="grid series")
    ap.add_argument("--draws", type=int, default=12)
    ap.add_argument("--patience", type=int, default=2)
    ap.add_argument("--batch-per-task", type=float, default=0.5)
    ap.add_argument("--cap-per-task", type=float, default=10.0)
    ap.add_argument("--budget-per-task", type=float, default=0.125, help="synthetic series")
    ap.add_argument("--grid-budget-per-task", type=float, default=0.5)
    ap.add_argument("--budget-multiples", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--min-budget", type=int, default=2)
    ap.add_argument("--pool-above", type=int, default=256)
    ap.add_argument("--truth-time-limit", type=float, default=120.0)
    ap.add_argument("--noise", type=float, default=0.5, help="synthetic seed noise sd")
    ap.add_argument("--table-seeds", type=int, default=3, help="synthetic seeds per cell")
    ap.add_argument("--bootstrap", type=int, default=2000)
    ap.add_argument("--name", default="scaling", help="result file stem without --config")
    args, stem = parse_args(ap, "scaling")
    warnings.filterwarnings("ignore", "Mean of empty slice", RuntimeWarning)
    name, out_dir = result_place(stem, "scaling", args.name)
    t0 = time.perf_counter()
    res: dict = {
        "command": command_line(),
        "machine": f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores",
        "load_at_start": os.getloadavg()[0],
        "args": {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(args).items()},
        "series": {},
    }
    if args.grid_sizes:
        if not args.grid.is_file():
            raise SystemExit(f"grid not found: {args.grid} (the en_many grid study's seeds.csv)")
        gains = gain_table(load_grid(args.grid), relative=True)

        def make_grid(n: int, s: int) -> Case:
            order = np.random.default_rng(args.seed + s).permutation(gains.n_tasks)
            sub = grid_subset(gains, [gains.tasks[i] for i in order[:n]])
            return Case(sub, sub.scores, f"en_many grid, first {n} of order seed {args.seed + s}")

        res["series"]["grid"] = run_series(
            "grid", args.grid_sizes, make_grid, args.grid_budget_per_task, args.grid_rule, args
        )
    if args.synthetic_sizes:
        tables: dict[int, Case] = {}

        def make_synthetic(n: int, s: int) -> Case:
            if n not in tables:
                tables.clear()
                tables[n] = synthetic_case(n, args)
            return tables[n]

        res["series"]["synthetic"] = run_series(
            "synthetic",
            args.synthetic_sizes,
            make_synthetic,
            args.budget_per_task,
            args.rule,
            args,
        )
    res["seconds"] = time.perf_counter() - t0
    res["load_at_end"] = os.getloadavg()[0]
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / f"{name}.json").write_text(json.dumps(res, indent=1, default=str) + "\n")
    (out_dir / f"{name}.md").write_text(markdown(res) + "\n")
    print(f"{res['seconds']:.0f} s", flush=True)


def _pm(mean: float | None, sd: float | None, fmt: str = ".0f") -> str:
    if mean is None:
        return "-"
    return f"{mean:{fmt}}" + ("" if sd is None else f" ± {sd:{fmt}}")


TITLES = {
    "grid": "en_many grid subsets (truth = the 4-seed mean the plan measures)",
    "synthetic": "planted_many tables (the plan measures noisy seeds; scored on the truth)",
}


def markdown(res: dict) -> str:
    """The result as a Markdown page: per series a table by n and the growth exponent."""
    a = res["args"]
    lines = [
        "# Scaling of the active plan: runs until the recommendation settles",
        "",
        f"Command: `{res['command']}` on {res['machine']}, {res['seconds']:.0f} s "
        f"(load average {res['load_at_start']:.1f} at the start, {res['load_at_end']:.1f} at "
        f"the end). Predictor `{a['predictor']}`, {a['draws']} draws, patience "
        f"{a['patience']}, batch ceil({a['batch_per_task']} n), cap ceil({a['cap_per_task']} n) "
        f"rows, {a['seeds']} plan seeds. Runs: rows trained when the stopping rule first "
        "held (singles, the all-task run and the start included; mean ± sd over the seeds "
        "that settled); censored: seeds that had not settled at the cap. Floor: the fewest "
        "runs the rule allows (the start and two stable rounds). Share: the recommendation's "
        "true value over the truth's optimum (mean ± sd over seeds).",
    ]
    for key, ser in res["series"].items():
        sizes = ser["sizes"]
        lines += [
            "",
            f"## {TITLES.get(key, key)}",
            "",
            f"Rule `{ser['rule']}`.",
            "",
            "| n | rows | budgets B | runs to settle | censored | floor | runs / n | "
            "runs / pair grid | rounds | share of optimum | plan s (mean) | truth solver |",
            "|---|---|---|---|---|---|---|---|---|---|---|---|",
        ]
        for n, s in sizes.items():
            n = int(n)
            per_n = None if s["runs_mean"] is None else s["runs_mean"] / n
            frac = None if s["runs_mean"] is None else s["runs_mean"] / s["pair_grid"]
            share = "; ".join(
                f"B={b}: {_pm(s['share'][b]['mean'], s['share'][b]['sd'], '.3f')}"
                + (f" ({s['share'][b]['missing']} none)" if s["share"][b]["missing"] else "")
                for b in s["budgets"]
            )
            lines.append(
                f"| {n} | {s['n_rows']} | {', '.join(map(str, s['budgets']))} | "
                f"{_pm(s['runs_mean'], s['runs_sd'])} | {s['censored']}/{len(s['runs'])} | "
                f"{s['floor']} | {_pm(per_n, None, '.2f')} | {_pm(frac, None, '.3f')} | "
                f"{s['rounds_mean']:.1f} | {share} | {s['plan_seconds_mean']:.0f} | "
                f"{', '.join(s['truth_solver'])} |"
            )
        g = ser["growth"]
        if g["slope"] is None:
            lines += ["", "Growth exponent: not defined (fewer than two sizes settled)."]
        else:
            lines += [
                "",
                f"Growth exponent (slope of log runs on log n over n = "
                f"{', '.join(map(str, g['sizes']))}): **{g['slope']:.2f}** (90% interval over "
                f"resampled plan seeds {g['low']:.2f} to {g['high']:.2f}); target <= 1.",
            ]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
