"""Write a study's or a score table's report: report.html (self-contained: CSS inline,
figures embedded as base64 PNG, no external resources), analysis.json, tables.md, one CSV
per table and the PNG figures."""

from __future__ import annotations

import html
import json
import logging
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from taskaffinity.analysis import Analysis, analyze
from taskaffinity.errors import InputError
from taskaffinity.recommendation import ResultWarning, result_warnings
from taskaffinity.report._build_sections import build_sections, run_sections
from taskaffinity.report._content import analysis_tables, run_tables
from taskaffinity.report._fewshot_section import fewshot_section
from taskaffinity.report._recommendation_section import recommendation_section
from taskaffinity.report._section import ReportSection
from taskaffinity.report._settled import (
    has_intervals,
    settled_categories_table,
    settled_partners_table,
)
from taskaffinity.report._setup_section import setup_section
from taskaffinity.report._tables import Table
from taskaffinity.report._warnings_section import warnings_section
from taskaffinity.study import read_fewshot
from taskaffinity.tables import write_seeded_csv
from taskaffinity.types import RunResult, ScoreTable

if TYPE_CHECKING:  # pragma: no cover
    from taskaffinity.study import StudyData

__all__ = ["write_study_report", "write_table_report"]

log = logging.getLogger(__name__)


def _all_tables(
    a: Analysis, runs: Sequence[RunResult] | None, metrics: Mapping[str, str] | None = None
) -> list[Table]:
    tables = list(analysis_tables(a, metrics).values())
    if has_intervals(a):
        tables.append(settled_partners_table(a))
        if a.task_categories is not None:
            tables.append(settled_categories_table(a))
    if runs:
        tables += list(run_tables(runs).values())
    return tables


def write_table_report(
    analysis: Analysis,
    out_dir: str | Path,
    *,
    title: str = "Task affinity report",
    subtitle: str = "",
    runs: Sequence[RunResult] | None = None,
    extra_sections: Iterable[ReportSection] = (),
    scores: ScoreTable | None = None,
    seeds: Sequence[int] | None = None,
    metrics: Mapping[str, str] | None = None,
    lead_sections: Iterable[ReportSection] = (),
    warnings: Sequence[ResultWarning] | None = None,
) -> Path:
    """Write the report of ``analysis`` into ``out_dir`` (created); return the path of
    ``report.html``. Also writes ``analysis.json``, ``tables.md``, ``<table>.csv`` (scores,
    gain_rate, gain_rate_ci, stability, partners, categories, and all_tasks, baselines,
    seed_intervals, costs, failed when available) and every figure as ``<name>.png``.

    ``scores``: the table ``analysis`` was computed from; when it has scores of two seeds
    or more (``seed_scores``, slices = ``seeds``), ``seeds.csv`` holds them in the long
    layout ``target,source,seed,score`` that ``taskaffinity analyze`` reads back into the
    same numbers (:func:`taskaffinity.tables.write_seeded_csv`).

    The page's order: the warnings (``warnings``, by default
    :func:`taskaffinity.recommendation.result_warnings` of ``analysis``), then
    ``lead_sections`` (a study's recommendation and setup), the standard sections
    (``metrics``, task -> main metric, shown beside each task), ``extra_sections``, and
    the run costs (collapsed) and failed runs at the end."""
    import jinja2

    from taskaffinity import __version__

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    if warnings is None:
        warnings = result_warnings(analysis)
    warned = warnings_section(warnings)
    sections = (
        ([warned] if warned is not None else [])
        + list(lead_sections)
        + build_sections(analysis, metrics=metrics)
        + list(extra_sections)
        + (run_sections(runs) if runs else [])
    )
    tables = _all_tables(analysis, runs, metrics)
    (out / "analysis.json").write_text(json.dumps(analysis.to_json(), indent=2), "utf-8")
    md = f"# {title}\n\n" + "\n".join(t.to_markdown() for t in tables)
    (out / "tables.md").write_text(md, "utf-8")
    for t in tables:
        t.write_csv(out / f"{t.name}.csv")
    if scores is not None and scores.seed_scores is not None and len(scores.seed_scores) > 1:
        write_seeded_csv(scores, out / "seeds.csv", seeds=seeds)
    for s in sections:
        for f in s.figures:
            (out / f"{f.name}.png").write_bytes(f.png)
    cards: list[tuple[str, Any]] = [
        ("tasks", len(analysis.tasks)),
        ("positive / measured pairs", f"{analysis.positive} / {analysis.total}"),
        ("direction", "higher is better" if analysis.higher_is_better else "lower is better"),
    ]
    if analysis.seeds is not None:
        cards.append(("seeds", analysis.seeds.n_seeds))
    if runs:
        cards.append(("runs", len(runs)))
        cards.append(("training time", f"{sum(r.cost.seconds for r in runs):.0f} s"))
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("taskaffinity.report", "templates"),
        autoescape=jinja2.select_autoescape(["html", "j2"]),
    )
    page = env.get_template("report.html.j2").render(
        title=title,
        subtitle=subtitle,
        sections=sections,
        cards=cards,
        higher_is_better=analysis.higher_is_better,
        version=__version__,
    )
    path = out / "report.html"
    path.write_text(page, "utf-8")
    log.info("wrote %s", path)
    return path


def _outside(folder: Path | str | None) -> int:
    """Complete runs stored in the study folder ``folder`` outside its current plan (0 for a
    stand-in study without a folder or a store)."""
    if folder is None or not (Path(folder) / "study.sqlite").is_file():
        return 0
    from taskaffinity.study import study_status

    return study_status(folder).outside


def write_study_report(
    study: StudyData, out_dir: str | Path, *, extra_sections: Iterable[ReportSection] = ()
) -> Path:
    """Analyse a stored study (``taskaffinity.study.open_study``) and write its report
    into ``out_dir``: the table report plus run costs and failed runs; returns the
    ``report.html`` path."""
    table = study.score_table()
    analysis = analyze(
        table,
        categories=study.categories(),
        baselines=study.baselines(),
        seeds=study.seeds,
    )
    runs = list(study.results)
    lead, metrics, warnings = _study_parts(study, analysis, Path(out_dir))
    folder = getattr(study, "path", None)  # a study read back has one; a stand-in may not
    fewshot = read_fewshot(folder) if folder is not None else None
    if fewshot is not None:
        extra_sections = [*extra_sections, fewshot_section(analysis, fewshot)]
    suite = getattr(study.suite, "name", "")
    ok = sum(r.ok for r in runs)
    subtitle = f"Suite {suite}: {ok} complete runs" + (
        f", {len(runs) - ok} failed" if len(runs) > ok else ""
    )
    outside = _outside(folder)
    if outside:
        subtitle += (
            f"; {outside} more stored run(s) lie outside the current config and are not "
            "shown (`taskaffinity status` lists the plan)"
        )
    return write_table_report(
        analysis,
        out_dir,
        title=f"Task affinity: {suite}" if suite else "Task affinity study",
        subtitle=subtitle,
        runs=runs,
        extra_sections=extra_sections,
        scores=table,
        seeds=study.seeds,
        metrics=metrics,
        lead_sections=lead,
        warnings=warnings,
    )


def _predicted(study: StudyData, out: Path) -> ReportSection:
    """The "Predicted combinations" section of a study with an active plan, its records
    also written to ``out/recommendation_predicted.json``; for the config's budgets or
    1 .. min(tasks, 5)."""
    from taskaffinity.recommendation import recommend_predicted
    from taskaffinity.report._predicted_section import predicted_section

    n = len(study.suite.names)
    budgets = study.config.budgets or list(range(1, min(n, 5) + 1))
    try:
        rec = recommend_predicted(study, [b for b in budgets if b <= n])
    except InputError as err:
        return ReportSection(
            "Predicted combinations",
            f'<p class="explain">No prediction: {html.escape(err.message)}</p>',
            anchor="predicted",
        )
    out.mkdir(parents=True, exist_ok=True)
    (out / "recommendation_predicted.json").write_text(json.dumps(rec.to_json(), indent=2), "utf-8")
    return predicted_section(rec)


def _study_parts(
    study: StudyData, analysis: Analysis, out: Path
) -> tuple[list[ReportSection], dict[str, str] | None, Sequence[ResultWarning] | None]:
    """The parts of a stored study's report that need more than its analysis: the
    recommendation (also written to ``out/recommendation.json``), the setup, each task's
    metric and the warnings with the test set sizes. A stand-in without a config or a
    folder (tests) gets none of them."""
    if getattr(study, "config", None) is None or getattr(study, "path", None) is None:
        return [], None, None
    from taskaffinity.recommendation import count_test_examples, recommend_study, study_warnings

    metrics = {t: study.suite.task(t).metric for t in analysis.tasks}
    sizes = count_test_examples(study)
    lead: list[ReportSection] = []
    try:
        rec = recommend_study(study, analysis=analysis)
    except InputError as err:
        lead.append(
            ReportSection(
                "Recommendation",
                f'<p class="explain">No recommendation: {html.escape(err.message)}</p>',
                anchor="recommendation",
            )
        )
    else:
        out.mkdir(parents=True, exist_ok=True)
        (out / "recommendation.json").write_text(json.dumps(rec.to_json(), indent=2), "utf-8")
        lead.append(recommendation_section(rec))
    if study.config.plan.active is not None:  # measured some combinations: predict the rest
        lead.append(_predicted(study, out))
    lead.append(setup_section(study, metrics, sizes))
    return lead, metrics, study_warnings(study, analysis)
