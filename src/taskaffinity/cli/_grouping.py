"""CLI: ``select`` (networks under a budget, from a score table or an affinity matrix) and
``partition`` over an imported score table or a study folder (its recommendation,
:func:`taskaffinity.recommendation.recommend_study`; ``surrogate``, the sampling study, is in
``_surrogate.py``). Thin wrappers over :mod:`taskaffinity.grouping` and
:mod:`taskaffinity.tables`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from taskaffinity.cli._app import app, fail
from taskaffinity.cli._table_args import (
    Fmt,
    Hoa,
    JsonOut,
    Lower,
    MaxGroupSize,
    Members,
    Names,
    SelectFmt,
    SelectFormat,
    SingletonScore,
    Test,
    check_budgets,
    emit_records,
    load_table,
    load_test_table,
    on_test,
    select_format,
    table_format,
)
from taskaffinity.errors import InputError, TaskAffinityError
from taskaffinity.grouping import (
    DP_MAX_TASKS,
    MAX_AFFINITY_GROUPS,
    SEARCHES,
    SINGLETON_SCORE,
    available_searches,
    evaluate_grouping,
    partition,
    select_from_affinity,
    select_networks,
)
from taskaffinity.tables import TableFormat

if TYPE_CHECKING:
    from taskaffinity.types import Grouping, ScoreTable

__all__ = ["TableFormat", "partition_cmd", "select"]

METHOD_HELP = (
    f"Partition search: {', '.join(available_searches('partition'))}; or auto "
    f"(dp_partition up to {DP_MAX_TASKS} tasks, else milp_partition)."
)


def _record(g: Grouping, budget: float | None, val: ScoreTable, used_hoa: bool) -> dict[str, Any]:
    """One JSON record: ``budget``, :meth:`Grouping.to_dict` (after ``objective``, with
    ``--hoa``, ``val_objective``: the chosen networks' objective on VAL, None when VAL did
    not measure one of them), ``chosen_on``."""
    rec: dict[str, Any] = {"budget": budget}
    for key, value in g.to_dict().items():
        rec[key] = value
        if key == "objective" and used_hoa:
            measured = all(grp in val.groups for grp in g.groups)
            rec["val_objective"] = evaluate_grouping(val, g.groups, g.costs) if measured else None
    rec["chosen_on"] = "hoa" if used_hoa else "val"
    return rec


def _predicted(table: ScoreTable, fmt: SelectFormat, max_size: int | None) -> ScoreTable:
    """The HOA table VAL is chosen on: a matrix (singles and pairs) gets every group of 3
    to ``max_size`` tasks predicted from its pairs; other tables have their own networks of
    3+ tasks re-scored."""
    from math import comb

    from taskaffinity import tables

    if fmt is not SelectFormat.matrix:
        return tables.hoa(table)
    n = table.n_tasks
    top = n if max_size is None else min(max_size, n)
    if sum(comb(n, k) for k in range(1, top + 1)) > MAX_AFFINITY_GROUPS:
        raise InputError(
            f"{n} tasks give more than {MAX_AFFINITY_GROUPS} groups; limit them with "
            "--max-group-size",
            field="max_group_size",
        )
    return tables.hoa(table, groups=tables.all_groups(table.tasks, max_size=top))


def _not_with_affinity(options: dict[str, object]) -> None:
    for name, given in options.items():
        if given:
            raise InputError(f"--{name} does not apply to --format affinity", field=name)


def _select_affinity(
    path: Path, budgets: list[float], singleton: float | None, max_size: int | None
) -> list[dict[str, Any]]:
    """One record per budget: ``budget``, :meth:`Grouping.to_dict` (``objective``: TAG's
    mean over tasks), ``chosen_on`` = ``"affinity"``, ``singleton_score``."""
    from taskaffinity import tables

    aff = tables.read_affinity(path)
    score = SINGLETON_SCORE if singleton is None else singleton
    records = []
    for b in sorted(budgets):
        g = select_from_affinity(aff, b, singleton_score=score, max_size=max_size)
        records.append(
            {"budget": b, **g.to_dict(), "chosen_on": "affinity", "singleton_score": score}
        )
    return records


def _current_name(method: str) -> str:
    """``method``, or the current name of a former one (with a warning on stderr)."""
    if method not in SEARCHES.aliases:
        return method
    new = SEARCHES.aliases[method]
    typer.echo(f"warning: --method {method} is deprecated; use --method {new}", err=True)
    return new


def _study_choice(
    folder: Path,
    budgets: list[float | None],
    json_out: Path | None,
    given: dict[str, object],
    **options: Any,
) -> None:
    """``select``/``partition`` on a study folder: the recommendation chosen on the
    folder's dev scores and judged on test (:func:`taskaffinity.recommendation.recommend_study`);
    a table on the console, the records as JSON with ``--json``."""
    from rich.console import Console
    from rich.table import Table

    from taskaffinity.analysis import analyze
    from taskaffinity.recommendation import recommend_study
    from taskaffinity.study import open_study

    for name, value in given.items():
        if value:
            raise InputError(f"--{name} does not apply to a study folder", field=name)
    try:
        study = open_study(folder)
    except InputError:
        raise
    except TaskAffinityError as err:  # a store that cannot be read: its own message
        fail(err)
    analysis = analyze(study.score_table(), seeds=study.seeds)
    rec = recommend_study(study, budgets, analysis=analysis, **options)
    records = rec.to_json()
    console = Console()
    if rec.note:
        console.print(f"warning: {rec.note}", style="yellow", highlight=False)
    table = Table(
        title=f"Chosen on {rec.chosen_on}, judged on test; 95% intervals over "
        f"{len(rec.seeds)} seed(s)"
    )
    for col in ("budget", "networks", f"objective on {rec.chosen_on}", "on test",
                "gain over alone (test)", "settled cells", "alternatives"):  # fmt: skip
        table.add_column(col, overflow="fold")
    for b in rec.budgets:
        label = "-" if b.budget is None else f"{b.budget:g}"
        if b.choice is None:
            table.add_row(label, f"[red]{b.error}[/red]", "", "", "", "", "")
            continue
        c = b.choice
        pairs = [t for t in c.tasks if not t.alone]
        settled = sum(t.settled not in (None, 0) for t in pairs)
        alts = str(b.n_alternatives) if b.alternatives_searched else "not searched"
        table.add_row(
            label, c.label(), c.dev.text(".3f"), c.test.text(".3f"),
            "–" if c.gain is None else c.gain.text(), f"{settled} / {len(pairs)}", alts,
        )  # fmt: skip
    console.print(table)
    for b in rec.budgets:
        if b.statement:
            label = "" if b.budget is None else f"budget {b.budget:g}: "
            console.print(label + b.statement, highlight=False)
    if json_out is not None:
        json_out.write_text(json.dumps(records, indent=2) + "\n")


def _has_active_plan(folder: Path) -> bool:
    """Whether the study in ``folder`` ran an active plan (its config has ``plan.active``)."""
    from taskaffinity.config import load_config
    from taskaffinity.study import CONFIG_NAME

    path = folder / CONFIG_NAME
    return path.is_file() and load_config(path).plan.active is not None


def _predicted_choice(
    folder: Path, budgets: list[float], json_out: Path | None, predictor: str | None
) -> None:
    """``select`` on a study folder over every combination it could train, measured or
    predicted (:func:`taskaffinity.recommendation.recommend_predicted`): a table on the
    console (``*`` marks a predicted network), the records as JSON with ``--json``."""
    from rich.console import Console
    from rich.table import Table

    from taskaffinity.recommendation import recommend_predicted
    from taskaffinity.study import open_study

    try:
        study = open_study(folder)
    except InputError:
        raise
    except TaskAffinityError as err:
        fail(err)
    rec = recommend_predicted(study, budgets, predictor=predictor)
    console = Console()
    if rec.note:
        console.print(f"warning: {rec.note}", style="yellow", highlight=False)
    pred = rec.prediction
    table = Table(
        title=f"Chosen on {rec.chosen_on} over {len(pred.groups)} combinations "
        f"({int(pred.measured.sum())} measured, * predicted by {rec.method}); gains in the "
        f"scores' units, {pred.level:.0%} intervals"
    )
    for col in ("budget", "networks", "objective (gain over alone)", "optimal in draws"):
        table.add_column(col, overflow="fold")
    for b in rec.budgets:
        if b.error:
            table.add_row(f"{b.budget:g}", f"[red]{b.error}[/red]", "", "")
            continue
        o = b.objective
        text = f"{o['mean']:+.4g} [{o['low']:+.4g}, {o['high']:+.4g}]"
        share = "–" if b.settled is None else f"{b.settled:.0%}"
        table.add_row(f"{b.budget:g}", b.label(), text, share)
    console.print(table)
    if json_out is not None:
        json_out.write_text(json.dumps(rec.to_json(), indent=2) + "\n")


@app.command()
def select(
    val: Annotated[
        Path,
        typer.Argument(
            help="Table used to choose (validation), or a study folder (chosen on its dev "
            "scores, judged on test)."
        ),
    ],
    budget: Annotated[list[float], typer.Option(help="Budget (total network cost); repeat.")],
    fmt: SelectFmt = None,
    test: Test = None,
    members: Members = None,
    hoa: Hoa = False,
    json_out: JsonOut = None,
    names: Names = None,
    lower_is_better: Lower = False,
    singleton_score: SingletonScore = None,
    max_group_size: MaxGroupSize = None,
    predictor: Annotated[
        str | None,
        typer.Option(
            help="A study folder: choose over every combination it could train, the "
            "unmeasured ones predicted by this predictor (hoa, pairwise, kernel, ...; "
            "default with an active plan: the plan's)."
        ),
    ] = None,
) -> None:
    """Exact network selection under each budget (Standley et al. 2020).

    With a study folder: networks of cost 1 each (BUDGET = number of networks) chosen on
    the dev scores of its runs, judged on test with 95% intervals over seeds, with the
    groupings the data cannot tell apart and the settled cells behind the choice. A study
    with an active plan, or --predictor NAME, chooses over every combination it could
    train, measured or predicted with an interval (networks marked measured or not).

    With --format affinity: at most BUDGET networks (each costs 1) covering every task of
    an affinity matrix, chosen exactly by TAG's rule (Fifty et al. 2021): a task's value
    in a network is the mean affinity onto it from its network-mates, alone it scores
    --singleton-score, each task counts its best chosen network; objective = the mean
    over tasks.
    """
    try:
        check_budgets(budget)
        if val.is_dir():
            given = {"format": fmt, "test": test, "hoa": hoa, "members": members, "names": names,
                     "lower-is-better": lower_is_better, "singleton-score": singleton_score,
                     "max-group-size": max_group_size}  # fmt: skip
            if predictor is not None or _has_active_plan(val):
                for name, value in given.items():
                    if value:
                        raise InputError(f"--{name} does not apply to a study folder", field=name)
                _predicted_choice(val, sorted(budget), json_out, predictor)
                return
            _study_choice(val, sorted(budget), json_out, given)
            return
        if predictor is not None:
            raise InputError("--predictor applies to a study folder", field="predictor")
        fmt = select_format(val, fmt)
        if fmt is SelectFormat.affinity:
            _not_with_affinity({"test": test, "hoa": hoa, "members": members, "names": names,
                                "lower-is-better": lower_is_better})  # fmt: skip
            records = _select_affinity(val, budget, singleton_score, max_group_size)
        else:
            if singleton_score is not None:
                raise InputError(
                    "--singleton-score applies to --format affinity only", field="singleton_score"
                )
            if max_group_size is not None and not (hoa and fmt is SelectFormat.matrix):
                raise InputError(
                    "--max-group-size applies to --format affinity and to matrix --hoa",
                    field="max_group_size",
                )
            table = load_table(val, fmt, members, names, lower_is_better)
            test_table = load_test_table(test, table, fmt, members, names, lower_is_better)
            choose = _predicted(table, fmt, max_group_size) if hoa else table
            records = [
                _record(on_test(select_networks(choose, b), test_table, test), b, table, hoa)
                for b in sorted(budget)
            ]
    except InputError as err:
        fail(err)
    emit_records(records, json_out)


@app.command("partition")
def partition_cmd(
    val: Annotated[
        Path,
        typer.Argument(
            help="Table used to choose (validation), or a study folder (chosen on its dev "
            "scores, judged on test)."
        ),
    ],
    fmt: Fmt = None,
    test: Test = None,
    members: Members = None,
    budget: Annotated[
        list[float] | None, typer.Option(help="Budget on total cost; repeat. Default: none.")
    ] = None,
    groups: Annotated[int | None, typer.Option(min=1, help="Exactly this many groups.")] = None,
    max_groups: Annotated[int | None, typer.Option(min=1, help="At most this many groups.")] = None,
    method: Annotated[str, typer.Option(help=METHOD_HELP)] = "auto",
    hoa: Hoa = False,
    json_out: JsonOut = None,
    names: Names = None,
    lower_is_better: Lower = False,
) -> None:
    """Best partition of the tasks into disjoint measured networks (of a study folder:
    chosen on its dev scores, judged on test with 95% intervals over seeds; for a study
    that ran an active plan, among its measured combinations only, which it says)."""
    from taskaffinity import tables

    try:
        check_budgets(budget)
        if val.is_dir():
            given = {"format": fmt, "test": test, "hoa": hoa, "members": members,
                     "names": names, "lower-is-better": lower_is_better}  # fmt: skip
            if _has_active_plan(val):
                from rich.console import Console

                Console().print(
                    "note: this study ran an active plan; partition chooses among its "
                    "measured combinations only (select STUDY_DIR chooses among predicted "
                    "ones too)",
                    style="yellow",
                    highlight=False,
                )
            _study_choice(val, sorted(budget) if budget else [None], json_out, given,
                          kind="partition", n_groups=groups, max_groups=max_groups,
                          method=_current_name(method))  # fmt: skip
            return
        fmt = table_format(val, fmt)
        table = load_table(val, fmt, members, names, lower_is_better)
        test_table = load_test_table(test, table, fmt, members, names, lower_is_better)
        choose = tables.hoa(table) if hoa else table
        name = _current_name(method)
        records = []
        for b in sorted(budget) if budget else [None]:
            g = partition(choose, budget=b, n_groups=groups, max_groups=max_groups, method=name)
            records.append(_record(on_test(g, test_table, test), b, table, hoa))
    except InputError as err:
        fail(err)
    emit_records(records, json_out)
