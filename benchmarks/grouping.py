"""Benchmark of taskaffinity.grouping on published measurements (``--fixtures``, default
``$TASKAFFINITY_FIXTURES``).

1. Standley et al. (ICML 2020): 4 settings x budgets 1..5 (step 0.5), with and without
   HOA: the exact selection vs an independent exhaustive search over every subset of the
   36 networks (one pass per table, all budgets at once); scored on the test tables.
2. MIMIC-III, 27 tasks, 3185 combinations (Song et al., NeurIPS 2022): exact selection
   for budgets 1, 2, 3, 4, 5, 6, 8, 10 networks, wall time.
3. Surrogate (Li, Nguyen & Zhang 2023) vs HOA on Taskonomy (5 tasks) and ETTm1 (7 tasks).

Usage: ``python benchmarks/grouping.py --config benchmarks/configs/grouping/published.yaml
[--fixtures DIR]`` (writes ``benchmarks/results/grouping/published.md``)
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
from pathlib import Path

import numpy as np
from _bench_config import RESULTS, parse_args

from taskaffinity.evaluation import summarize_study, surrogate_study
from taskaffinity.grouping import evaluate_grouping, problem, select_networks, tie_tolerance
from taskaffinity.tables import hoa, read_mtgnet, read_standley

ROOT = Path(__file__).resolve().parents[1]
SETTINGS = {
    1: ("results.txt", "results_test.txt"),
    2: ("results_large.txt", "results_large_test.txt"),
    3: ("results_small_data.txt", "results_small_data_test.txt"),
    4: ("results_alt.txt", "results_alt_test.txt"),
}
BUDGETS = [1 + 0.5 * i for i in range(9)]
MIMIC_BUDGETS = [1, 2, 3, 4, 5, 6, 8, 10]
# Test losses of the authors' own program's choices, from their plotting script.
CURVES = json.loads((ROOT / "tests" / "data" / "standley2020_curves.json").read_text())
PRINTED = 6e-7  # the curves are printed with 6 significant digits


def exhaustive(table, budgets):
    """Best subset of networks per budget by enumerating every subset within max(budgets),
    with select_networks' tie-break: objective (ties within the tie tolerance), then fewest
    task memberships, then lowest cost."""
    prob = problem(table)
    tol = tie_tolerance(prob)
    vals, costs = prob.values, prob.costs
    sizes = prob.members.sum(axis=1)
    top = max(budgets)
    best: dict[float, tuple[float, int, tuple[int, ...]]] = {}  # cost -> (value, size, rows)
    order = np.argsort(costs, kind="stable")

    def better(v, n, old):
        return v > old[0] + tol or (v >= old[0] - tol and n < old[1])

    def visit(start, cur, spent, size, chosen):
        cand = np.array([r for r in range(start, len(costs)) if spent + costs[r] <= top + 1e-9])
        if not len(cand):
            return
        totals = np.maximum(cur, vals[cand]).sum(axis=1)
        for r, v in zip(cand, totals, strict=True):
            if not np.isfinite(v):
                continue
            key = round(float(spent + costs[r]), 6)
            if better(v, size + sizes[r], best.get(key, (-np.inf, 0))):
                best[key] = (float(v), int(size + sizes[r]), (*chosen, int(r)))
        cheapest = costs[order[0]]
        for r in cand:
            if spent + costs[r] + cheapest <= top + 1e-9:
                visit(
                    r + 1,
                    np.maximum(cur, vals[r]),
                    spent + costs[r],
                    size + sizes[r],
                    (*chosen, int(r)),
                )

    visit(0, np.full(prob.n_tasks, -np.inf), 0.0, 0, ())
    out = {}
    for b in budgets:
        feas = sorted((c, v) for c, v in best.items() if c <= b + 1e-9)
        z = max(v[0] for _, v in feas)
        _, v = min(((c, v) for c, v in feas if v[0] >= z - tol), key=lambda cv: (cv[1][1], cv[0]))
        out[b] = (v[0], v[2])
    return prob, out


def standley(fix: Path) -> tuple[list[str], dict]:
    lines = [
        "| setting | HOA | budget | chosen networks | val objective | test objective | "
        "= exhaustive | same networks | authors' test objective |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    stats = {"cases": 0, "equal": 0, "same": 0, "authors": 0, "seconds": 0.0}
    for s, (val_f, test_f) in SETTINGS.items():
        val = read_standley(fix / "standley2020" / val_f)
        test = read_standley(fix / "standley2020" / test_f)
        for use_hoa in (False, True):
            choose = hoa(val) if use_hoa else val
            prob, ref = exhaustive(choose, BUDGETS)
            published = CURVES["settings"][str(s)]["hoa" if use_hoa else "optimal"]
            for b, theirs in zip(BUDGETS, published, strict=True):
                t0 = time.perf_counter()
                g = select_networks(choose, b, test=test)
                stats["seconds"] += time.perf_counter() - t0
                ref_val = prob.sign * ref[b][0]
                ref_groups = prob.grouping(ref[b][1], exact=True, method="").groups
                equal = abs(ref_val - g.predicted) <= 1e-9
                ref_rows = sorted(ref[b][1])
                same = sorted(zip(g.groups, g.costs, strict=True)) == sorted(
                    zip(ref_groups, [float(prob.costs[r]) for r in ref_rows], strict=True)
                )
                tie = (
                    int(prob.members[ref_rows].sum()) == sum(len(x) for x in g.groups)
                    and abs(float(prob.costs[ref_rows].sum()) - sum(g.costs)) <= 1e-9
                )
                stats["cases"] += 1
                stats["equal"] += equal
                stats["same"] += same
                authors = abs(g.measured - theirs) <= PRINTED
                stats["authors"] += authors
                nets = " \\| ".join(
                    "+".join(grp) + ("½" if c == 0.5 else "")
                    for grp, c in zip(g.groups, g.costs, strict=True)
                )
                lines.append(
                    f"| {s} | {'yes' if use_hoa else 'no'} | {b:g} | {nets} | "
                    f"{g.predicted:.5f} | {g.measured:.5f} | {'yes' if equal else 'NO'} | "
                    f"{'yes' if same else 'tie' if tie else 'NO'} | "
                    f"{theirs:g}{'' if authors else ' (differs)'} |"
                )
    return lines, stats


def mimic(fix: Path) -> tuple[list[str], float]:
    d = fix / "mtgnet2022" / "mimic27"
    t0 = time.perf_counter()
    val = read_mtgnet(d / "mimic_x.csv", d / "mimic_y_valid.csv")
    test = read_mtgnet(d / "mimic_x.csv", d / "mimic_y_test.csv")
    load = time.perf_counter() - t0
    lines = [
        f"Tables read in {load:.2f} s (not counted below).",
        "",
        "| budget | networks | val objective | test objective | method | seconds |",
        "|---|---|---|---|---|---|",
    ]
    total = 0.0
    for b in MIMIC_BUDGETS:
        t0 = time.perf_counter()
        g = select_networks(val, b)
        dt = time.perf_counter() - t0
        total += dt
        measured = evaluate_grouping(test, g.groups, g.costs)
        sizes = ",".join(str(len(x)) for x in g.groups)
        lines.append(
            f"| {b} | {len(g.groups)} (sizes {sizes}) | {g.predicted:.4f} | {measured:.4f} | "
            f"{g.method} | {dt:.2f} |"
        )
    lines.append(f"| **all** | | | | | **{total:.2f}** |")
    return lines, total


def study(fix: Path, repeats: int) -> list[str]:
    m = fix / "mtgnet2022"
    sets = {
        "Taskonomy (5 tasks, 31 groups)": (
            read_mtgnet(m / "taskonomy/taskonomy_x.csv", m / "taskonomy/taskonomy.csv"),
            [8, 10, 15, 20, 25],
        ),
        "ETTm1 (7 tasks, 127 groups; test gains)": (
            read_mtgnet(m / "ETT/ETTm1_x.csv", m / "ETT/ETTm1_y.csv"),
            [14, 21, 28, 42, 63, 84],
        ),
    }
    lines = []
    for name, (truth, sizes) in sets.items():
        rows = summarize_study(surrogate_study(truth, sizes, repeats=repeats, seed=0))
        lines += [
            f"**{name}**",
            "",
            "| method | measured groups | Spearman (unmeasured cells) | Kendall | "
            "partition regret | selection regret B=2 | selection regret B=3 |",
            "|---|---|---|---|---|---|---|",
        ]
        for r in rows:
            cells = [
                f"{r[k]:.3f} ± {r[k + '_sd']:.3f}"
                for k in ("spearman", "kendall", "regret_partition")
            ] + [f"{r[k]:.3f}" for k in ("regret_select_2", "regret_select_3")]
            lines.append(f"| {r['method']} | {r['measured']} | " + " | ".join(cells) + " |")
        lines.append("")
    return lines


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    fixtures = os.environ.get("TASKAFFINITY_FIXTURES") or ROOT.parent / "shared" / "fixtures"
    ap.add_argument("--fixtures", type=Path, default=Path(fixtures))
    ap.add_argument("--out", type=Path, default=RESULTS / "grouping" / "published.md")
    ap.add_argument("--repeats", type=int, default=10)
    args, stem = parse_args(ap, "grouping")
    if stem is not None:
        args.out = stem.with_suffix(".md")
    if not args.fixtures.is_dir():
        raise SystemExit(f"fixtures not found: {args.fixtures}")
    st_lines, st = standley(args.fixtures)
    print(f"Standley: {st['equal']}/{st['cases']} equal to exhaustive", flush=True)
    mi_lines, total = mimic(args.fixtures)
    print(f"MIMIC-III: {total:.2f} s for budgets {MIMIC_BUDGETS}", flush=True)
    su_lines = study(args.fixtures, args.repeats)
    cpu = f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores"
    doc = [
        "# Grouping benchmark",
        "",
        f"Command: `python benchmarks/grouping.py` on {cpu}, Python {platform.python_version()}.",
        "",
        "## Network selection on Standley et al. (2020)",
        "",
        f"{st['equal']} of {st['cases']} (setting, HOA, budget) cases give the optimal value "
        "of an exhaustive search over every subset of the 36 networks, and "
        f"{st['same']} choose the very same networks as that search. Both break exact ties "
        "the same way (fewest task memberships, then lowest cost); a case marked 'tie' has "
        "another selection equal on value, memberships and cost, which the rule leaves open. "
        f"Against the authors' own exhaustive program (the test losses of its choices, as "
        "published in the 'optimal' and 'hoa' curves of their network_selection/make_plots.py; "
        f"tests/data/standley2020_curves.json): {st['authors']} of {st['cases']} cases give "
        "the same test objective (to the 6 printed digits). "
        "Setting 1 without HOA at budget 1 is published as 0.50273, but there the five-task "
        "network is the only feasible choice, and the same figure's 'worst' and 'hoa' curves "
        "give it 0.50278, as here. "
        f"Solver time for all {st['cases']}: {st['seconds']:.2f} s. "
        "½ = half-size single-task network (cost 0.5). Losses: lower is better.",
        "",
        *st_lines,
        "",
        "## Exact selection on MIMIC-III (27 tasks, 3,185 combinations)",
        "",
        "Validation gains choose, test gains score; each task covered; budget = networks.",
        "",
        *mi_lines,
        "",
        "## Surrogate (Li, Nguyen & Zhang 2023) vs HOA (Standley et al. 2020)",
        "",
        f"Mean ± sd over {args.repeats} seeded repeats. The surrogate measures every single "
        "plus random multi-task groups; HOA measures singles and pairs. Spearman/Kendall "
        "over the cells the method did not measure; regrets on the truth (gain units).",
        "",
        *su_lines,
    ]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text("\n".join(doc) + "\n")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
