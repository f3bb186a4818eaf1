"""Replay of published task-grouping tables: the active plan (a predictor + Thompson
sampling, :mod:`taskaffinity.prediction`) against the oracle and published baselines.

Tables (Song et al., NeurIPS 2022, ``gain_collection/collected_gain``; ``--fixtures``,
default ``$TASKAFFINITY_FIXTURES`` or ``../shared/fixtures``): taskonomy (5 tasks, every
subset; one gain table, so validation = test), ETTm1 (7 tasks, every subset) and mimic27
(27 tasks, 3,185 sampled subsets). A method chooses networks on validation gains (or its
predictions of them) and is scored on test gains: each task counts the test gain of the
chosen network that it is assigned to (the one with its best value among those the method
chose with), mean over tasks, in % (the tables' gains x 100). Budgets B = 1..n networks
(1..10 on mimic27); trained combinations R = n + 1 + K*n for K = 1, 2 and (n-1)/2.

Methods: ``oracle`` exact choice on every validation row; ``hoa_pairs`` HOA (Standley et
al. 2020) on all singles and pairs (R = n + n(n-1)/2); ``tag_hoa`` the authors' TAG+HOA
predictions; ``pair_mean_random`` the pairwise-mean model (``hoa`` with
``pairs_from="all"``) on the singles, the all-task run and K*n random rows; ``random``
the all-task network plus B-1 random combinations; ``active`` the active plan: singles,
the all-task run and a random space-filling start, then rounds of Thompson sampling with
the chosen predictor, the final choice by ``--rule``. Plan seeds 0..S-1 (mean and sd).
On mimic27 the draws are solved greedily and a selection on predicted gains gets 30 s of
HiGHS (its best selection is kept): exact selection on dense predicted gains takes
minutes per budget there.

Usage: ``python benchmarks/active.py --config benchmarks/configs/active/NAME.yaml`` (writes
``benchmarks/results/active/NAME.md`` and ``.json``), or
``python benchmarks/active.py [--quick] [--tables taskonomy ETTm1 mimic27]
[--predictor pairwise] [--rule measured] [--seeds 10] [--budgets 1 2 5 10]`` (writes
``benchmarks/results/active/<name>.md`` and ``.json``; ``--quick``: 3 plan seeds, fewer
draws).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import platform
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from _bench_config import parse_args, result_place

from taskaffinity.errors import InputError
from taskaffinity.grouping import greedy_select, select_networks
from taskaffinity.prediction import get_predictor, recommend, replay_active, start_rows
from taskaffinity.tables import read_mtgnet, take_rows
from taskaffinity.types import ScoreTable

ROOT = Path(__file__).resolve().parents[1]
LIMIT = 30.0
"""Seconds HiGHS gets per selection on a predicted mimic27 table."""


@dataclass(frozen=True)
class Replay:
    """One published table: ``val`` chooses, ``test`` scores, ``tag_hoa`` / ``hoa`` the
    authors' predictions (same rows), ``budgets`` the network budgets."""

    name: str
    val: ScoreTable
    test: ScoreTable
    tag_hoa: ScoreTable
    budgets: tuple[int, ...]


def load(fix: Path, name: str) -> Replay:
    m = fix / "mtgnet2022"
    if name == "taskonomy":
        x, v, t, th = (
            m / "taskonomy" / f
            for f in ("taskonomy_x.csv", "taskonomy.csv", "taskonomy.csv", "taskonomy_TAGHOA.csv")
        )
        budgets = tuple(range(1, 6))
    elif name == "ETTm1":
        x, v, t, th = (
            m / "ETT" / f
            for f in ("ETTm1_x.csv", "ETTm1_val_y.csv", "ETTm1_y.csv", "ETTm1_TAG_HOA.csv")
        )
        budgets = tuple(range(1, 8))
    elif name == "mimic27":
        x, v, t, th = (
            m / "mimic27" / f
            for f in ("mimic_x.csv", "mimic_y_valid.csv", "mimic_y_test.csv", "mimic_TAGHOA.csv")
        )
        budgets = tuple(range(1, 11))
    else:
        raise SystemExit(f"unknown table {name}")
    tag = _predictions(x, th)
    return Replay(name, read_mtgnet(x, v), read_mtgnet(x, t), tag, budgets)


def _predictions(x: Path, path: Path) -> ScoreTable:
    """The authors' predicted gains; their files may hold values outside a combination
    (ignored)."""
    from taskaffinity.tables._mtgnet import read_matrix

    mem = read_matrix(x) == 1
    y = read_matrix(path, width=mem.shape[1])
    tasks = tuple(f"t{i}" for i in range(mem.shape[1]))
    groups = tuple(tuple(tasks[i] for i in np.flatnonzero(r)) for r in mem)
    return ScoreTable(tasks, groups, np.where(mem, y, np.nan), np.ones(len(groups)), True)


def score(groups: tuple[tuple[str, ...], ...], chose_on: ScoreTable, test: ScoreTable) -> float:
    """Mean over tasks (x 100) of each task's test gain in its assigned network (its best
    among ``groups`` by ``chose_on``)."""
    ci = {g: i for i, g in enumerate(chose_on.groups)}
    ti = {g: i for i, g in enumerate(test.groups)}
    out = []
    for t, name in enumerate(test.tasks):
        best = max((g for g in groups if name in g), key=lambda g: chose_on.scores[ci[g], t])
        out.append(test.scores[ti[best], t])
    return 100.0 * float(np.mean(out))


def _rows(table: ScoreTable, size: int | None = None) -> list[int]:
    return [g for g, grp in enumerate(table.groups) if size is None or len(grp) == size]


def _choose(pred_table: ScoreTable, b: int, r: Replay) -> float:
    """Exact selection on ``pred_table`` under ``b`` networks, scored on test. On mimic27 a
    predicted (dense) table makes the MILP hard: HiGHS gets ``LIMIT`` seconds and its best
    selection is kept (greedy when it found none)."""
    limit = LIMIT if r.val.n_tasks > 10 else None
    try:
        g = select_networks(pred_table, b, time_limit=limit)
    except InputError:
        g = greedy_select(pred_table, b)
    return score(g.groups, pred_table, r.test)


def baselines(r: Replay, ks: list[float], seeds: int) -> dict:
    from taskaffinity.prediction import get_predictor as gp

    n, out = r.val.n_tasks, {}
    out["oracle"] = {b: _choose(r.val, b, r) for b in r.budgets}
    pairs = take_rows(r.val, _rows(r.val, 1) + _rows(r.val, 2))
    pred = gp("hoa").predict(pairs, r.val.groups)
    hoa_table = pred.table(np.where(pred.measured[:, None], _measured(r.val), pred.mean))
    out["hoa_pairs"] = {b: _choose(hoa_table, b, r) for b in r.budgets}
    out["hoa_pairs_R"] = len(pairs.groups)
    out["tag_hoa"] = {b: _choose(r.tag_hoa, b, r) for b in r.budgets}
    for k in ks:
        big_r = round(n + 1 + k * n)
        pm, rnd = [], []
        for s in range(seeds):
            rng = np.random.default_rng(s)
            rows = start_rows(r.val, big_r - n - 1, rng)
            seen = take_rows(r.val, rows)
            p = gp("hoa", pairs_from="all").predict(seen, r.val.groups)
            t = p.table(np.where(p.measured[:, None], _measured(r.val), p.mean))
            pm.append([_choose(t, b, r) for b in r.budgets])
            rr = []
            for b in r.budgets:
                others = rng.choice(len(r.val.groups), size=b - 1, replace=False).tolist()
                grp = tuple({r.val.groups[i] for i in others} | {r.val.groups[_rows(r.val, n)[0]]})
                rr.append(score(grp, r.val, r.test))
            rnd.append(rr)
        out[f"pair_mean_random_R{big_r}"] = _stats(pm, r.budgets)
        out[f"random_R{big_r}"] = _stats(rnd, r.budgets)
    return out


def _measured(val: ScoreTable) -> np.ndarray:
    return val.scores


def _stats(vals: list[list[float]], budgets: tuple[int, ...]) -> dict:
    a = np.array(vals)
    return {
        b: {"mean": float(a[:, i].mean()), "sd": float(a[:, i].std(ddof=1)) if len(a) > 1 else 0.0}
        for i, b in enumerate(budgets)
    }


def active(
    r: Replay,
    big_r: int,
    seed: int,
    *,
    predictor: str,
    rule: str,
    n_draws: int,
    plan_budgets: tuple[int, ...],
    rounds: int,
    solver: str = "exact",
) -> dict:
    """One plan seed of the active plan with ``big_r`` trained combinations, scored."""
    pred = get_predictor(predictor)
    run = replay_active(
        r.val,
        pred,
        big_r,
        plan_budgets,
        seed=seed,
        rounds=rounds,
        n_draws=n_draws,
        rule=rule,
        solver=solver,
    )
    final = pred.predict(run.measured, r.val.groups)
    chose_on = final.table(np.where(final.measured[:, None], r.val.scores, final.mean))
    values = {}
    for b in r.budgets:
        g = recommend(final, b, measured=run.measured, rule=rule)
        values[b] = score(g.groups, chose_on, r.test)
    return {
        "values": values,
        "settled_at": run.settled_at,
        "rounds": run.rounds,
        "R": len(run.rows),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    fixtures = os.environ.get("TASKAFFINITY_FIXTURES") or ROOT.parent / "shared" / "fixtures"
    ap.add_argument("--fixtures", type=Path, default=Path(fixtures))
    ap.add_argument("--tables", nargs="+", default=["taskonomy", "ETTm1", "mimic27"])
    ap.add_argument("--predictor", default="pairwise")
    ap.add_argument("--rule", default="measured")
    ap.add_argument("--seeds", type=int, default=10)
    ap.add_argument("--draws", type=int, default=12)
    ap.add_argument("--rounds", type=int, default=6)
    ap.add_argument("--quick", action="store_true", help="3 plan seeds, 6 draws")
    ap.add_argument("--only-active", action="store_true", help="skip the baselines")
    ap.add_argument(
        "--budgets",
        type=int,
        nargs="+",
        default=None,
        help="network budgets to score (default: 1..n, 1..10 on mimic27)",
    )
    ap.add_argument("--name", default=None, help="result file stem (default: from options)")
    args, stem = parse_args(ap, "active")
    if args.quick:
        args.seeds, args.draws = 3, 6
    if not args.fixtures.is_dir():
        raise SystemExit(f"fixtures not found: {args.fixtures}")
    name = args.name or f"replay_{args.predictor}_{args.rule}" + ("_quick" if args.quick else "")
    name, out_dir = result_place(stem, "active", name)  # a --config names the results
    out_dir.mkdir(parents=True, exist_ok=True)
    results: dict = {
        "command": "python benchmarks/active.py "
        + " ".join(
            f"--{k} {v}"
            for k, v in (
                ("predictor", args.predictor),
                ("rule", args.rule),
                ("seeds", args.seeds),
                ("draws", args.draws),
                ("rounds", args.rounds),
            )
        )
        + (f" --budgets {' '.join(map(str, args.budgets))}" if args.budgets else "")
        + (" --only-active" if args.only_active else "")
        + (" --quick" if args.quick else ""),
        "machine": f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores",
        "tables": {},
    }
    for tname in args.tables:
        t0 = time.perf_counter()
        r = load(args.fixtures, tname)
        if args.budgets:
            r = dataclasses.replace(r, budgets=tuple(b for b in args.budgets if b <= r.val.n_tasks))
        n = r.val.n_tasks
        ks = sorted({1.0, 2.0, (n - 1) / 2})
        if args.only_active:  # the oracle still, for the shares
            res: dict = {"oracle": {b: _choose(r.val, b, r) for b in r.budgets}}
        else:
            res = baselines(r, ks, args.seeds)
        plan_budgets = (2, 5, 10) if n > 10 else tuple(range(2, n + 1))
        solver = "greedy" if n > 10 else "exact"
        for k in ks:
            big_r = round(n + 1 + k * n)
            runs = []
            for s in range(args.seeds):
                runs.append(
                    active(
                        r,
                        big_r,
                        s,
                        predictor=args.predictor,
                        rule=args.rule,
                        n_draws=args.draws,
                        plan_budgets=plan_budgets,
                        rounds=args.rounds,
                        solver=solver,
                    )
                )
                print(
                    f"{tname} R={big_r} seed {s}: "
                    f"{[round(v, 2) for v in runs[-1]['values'].values()]}",
                    flush=True,
                )
            res[f"active_R{big_r}"] = _stats([list(x["values"].values()) for x in runs], r.budgets)
            res[f"active_R{big_r}_settled_at"] = [x["settled_at"] for x in runs]
        res["seconds"] = time.perf_counter() - t0
        res["budgets"] = list(r.budgets)
        results["tables"][tname] = res
        print(f"{tname}: {res['seconds']:.0f} s", flush=True)
    (out_dir / f"{name}.json").write_text(json.dumps(results, indent=1, default=str) + "\n")
    (out_dir / f"{name}.md").write_text(markdown(results) + "\n")


def _method_rows(res: dict) -> list[tuple[str, dict]]:
    """The rows of one table's results that are methods' values per budget (the oracle
    included), without the bookkeeping keys."""
    skip = ("seconds", "budgets", "hoa_pairs_R")
    return [(k, v) for k, v in res.items() if k not in skip and not k.endswith("settled_at")]


def _shares(res: dict, budgets: list) -> list[str]:
    """Lines giving each method's value as a share of the oracle's, lowest and mean over
    the budgets B >= 2 (the targets' "at every budget"); empty without an oracle row."""
    oracle = res.get("oracle")
    if oracle is None:
        return []
    out = ["", "Share of the oracle's value over budgets B >= 2 (lowest / mean):", ""]
    for key, val in _method_rows(res):
        if key == "oracle":
            continue
        shares = []
        for b in budgets:
            if b < 2:
                continue
            v, o = val.get(b, val.get(str(b))), oracle.get(b, oracle.get(str(b)))
            v = v["mean"] if isinstance(v, dict) else v
            shares.append(100.0 * v / o)
        if shares:
            out.append(f"- {key}: {min(shares):.0f}% / {np.mean(shares):.0f}%")
    return out


def markdown(results: dict) -> str:
    lines = [
        "# Active plan on replayed published tables",
        "",
        f"Command: `{results['command']}` on {results['machine']}. Choose on validation "
        "gains, score on test gains (mean over tasks of the assigned network's test gain, "
        "%). Active and random rows: mean ± sd over plan seeds.",
        "",
    ]
    for tname, res in results["tables"].items():
        budgets = res["budgets"]
        show = list(budgets)
        lines += [
            f"## {tname} ({res['seconds']:.0f} s)",
            "",
            "| method | R | " + " | ".join(f"B = {b}" for b in show) + " |",
            "|---|---|" + "---|" * len(show),
        ]
        for key, val in _method_rows(res):
            r_txt = (
                key.rsplit("_R", 1)[1]
                if "_R" in key
                else (
                    str(res["hoa_pairs_R"])
                    if key == "hoa_pairs"
                    else "all"
                    if key == "oracle"
                    else "-"
                )
            )
            cells = []
            for b in show:
                v = val.get(b, val.get(str(b)))
                cells.append(
                    f"{v['mean']:.2f} ± {v['sd']:.2f}" if isinstance(v, dict) else f"{v:.2f}"
                )
            lines.append(f"| {key.rsplit('_R', 1)[0]} | {r_txt} | " + " | ".join(cells) + " |")
        lines += _shares(res, budgets)
        settled = {k: v for k, v in res.items() if k.endswith("settled_at")}
        for k, v in settled.items():
            lines.append("")
            lines.append(f"{k}: runs spent when the stopping rule first held, per seed: {v}")
        lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
