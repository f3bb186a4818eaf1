"""The report's standard sections (gain rates, scores, stability, partners, categories,
all tasks, baselines, asymmetry, seeds, run costs, failed runs) built from an
:class:`Analysis`, with their tables and figures."""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence

from taskaffinity.analysis import Analysis
from taskaffinity.report._content import analysis_tables, run_tables
from taskaffinity.report._figures_data import baseline_bars_data, heatmap_data, stability_data
from taskaffinity.report._section import ReportFigure, ReportSection
from taskaffinity.report._settled import (
    has_intervals,
    settled_categories_table,
    settled_partners_table,
)
from taskaffinity.report._tables import Table, fmt
from taskaffinity.types import RunResult

__all__ = ["build_sections", "run_sections"]


def _explain(text: str) -> str:
    return f'<p class="explain">{text}</p>'


def _reliability_html(a: Analysis) -> str:
    """The study's reliability in plain words: split-half agreement, settled cells, the
    smallest resolvable effect, or that one seed cannot separate effect from noise."""
    rel = a.reliability
    if rel is None:
        return ""
    facts = []
    if rel.split_half_spearman is not None:
        facts.append(
            "split halves: seeds " + " vs ".join("/".join(str(x) for x in h) for h in rel.halves)
        )
    kind = {"seeds": "intervals over seeds", "test_bootstrap": "intervals over test examples"}
    facts.append(kind.get(a.ci_kind or "", "no intervals"))
    return (
        f'<p class="reliability"><b>How far to trust these numbers.</b> '
        f"{html.escape(rel.statement)} <span>({html.escape('; '.join(facts))})</span></p>"
    )


def _tables_html(*tables: Table) -> str:
    return "".join(f'<div class="tablewrap">{t.to_html()}</div>' for t in tables)


def _figure(name: str, drawn: tuple[bytes, dict[str, str]], caption: str) -> ReportFigure:
    png, replaced = drawn
    if replaced:
        caption += " Labels: " + ", ".join(f"{k} = {v}" for k, v in replaced.items()) + "."
    return ReportFigure(name, png, caption, alt=caption)


def run_sections(runs: Sequence[RunResult]) -> list[ReportSection]:
    """The per-run cost table, collapsed (``<details>``), and the failed runs when any;
    the report puts them at its end."""
    rt = run_tables(runs)
    total = rt["costs"].rows[-1]
    costs = (
        f"<details><summary>{len(runs)} runs, {fmt(total[3], spec='.0f')} s of training in "
        f"all (show the table)</summary>{_tables_html(rt['costs'])}</details>"
    )
    out = [ReportSection("Run costs", costs)]
    if "failed" in rt:
        out.append(ReportSection("Failed runs", _tables_html(rt["failed"])))
    return out


def _partners(a: Analysis, tabs: dict[str, Table]) -> ReportSection:
    if not has_intervals(a):
        return ReportSection(
            "Best and worst partners",
            _explain("One measurement per cell: no interval tells these partners from noise.")
            + _tables_html(tabs["partners"]),
        )
    return ReportSection(
        "Best and worst partners",
        _explain(
            "Per target, the partner with the highest gain rate among those that help with "
            "a settled sign (95% interval above 0) and the one with the lowest among those "
            "that hurt with a settled sign, each with its interval; <i>unsettled</i> counts "
            "the partners whose interval includes 0 (partners.csv lists the best and worst "
            "of every measured cell)."
        )
        + _tables_html(settled_partners_table(a)),
    )


def _categories(a: Analysis, tabs: dict[str, Table]) -> ReportSection:
    if not has_intervals(a):
        return ReportSection("Category synergy", _tables_html(tabs["categories"]))
    return ReportSection(
        "Category synergy",
        _explain(
            "Per (target category, source category): measured pair results, those that "
            "help and hurt with a settled sign, the unsettled ones, and the mean gain rate "
            "of the settled ones (categories.csv counts every positive cell)."
        )
        + _tables_html(settled_categories_table(a)),
    )


def build_sections(
    a: Analysis,
    runs: Sequence[RunResult] | None = None,
    *,
    metrics: Mapping[str, str] | None = None,
) -> list[ReportSection]:
    """The report's standard sections for ``a`` (and, when ``runs`` is given, the run
    costs and failed runs of :func:`run_sections` at the end); ``metrics`` (task -> main
    metric) names each task's metric on the heatmap's diagonal and in the tables."""
    from taskaffinity.report.matplotlib import draw_bars, draw_heatmap, draw_stability

    tabs = analysis_tables(a, metrics)
    heat = _figure(
        "gain_rate_heatmap",
        draw_heatmap(heatmap_data(a, metrics)),
        "Gain rate in percent: rows are target tasks, columns auxiliary tasks; "
        "blue = the auxiliary helped, red = it hurt; the diagonal shows the "
        "single-task score" + (" and its metric." if metrics else "."),
    )
    stab = _figure(
        "stability",
        draw_stability(stability_data(a)),
        "Per task: single-task score (dot), best and worst pair score, and the "
        "spread of pair scores around the single-task score (std).",
    )
    sections = [
        ReportSection(
            "Gain rates",
            _reliability_html(a)
            + _explain(
                f"{a.positive} of {a.total} measured pairs have a positive gain rate "
                "(the auxiliary task improved the target)."
                + (
                    " Hatched or grey cells: the sign is not settled (the 95% interval "
                    "includes 0); hover a cell for its interval."
                    if a.ci_kind is not None
                    else ""
                )
            )
            + _tables_html(tabs["gain_rate"]),
            (heat,),
            anchor="gain-rates",
        ),
        ReportSection(
            "Gain rates with intervals",
            _explain(
                "Every measured cell with its 95% interval ("
                + {
                    "seeds": "Student t over seeds, each seed's pair against the same "
                    "seed's single run",
                    "test_bootstrap": "paired bootstrap over the test examples of the one seed",
                }.get(a.ci_kind or "", "none: one measurement per cell")
                + ") and whether its sign is settled (+1 helps, -1 hurts, 0 cannot tell)."
            )
            + _tables_html(tabs["gain_rate_ci"]),
            anchor="gain-intervals",
        ),
        ReportSection(
            "Scores",
            _explain(
                "Test scores: row = target task, column = auxiliary "
                "task, diagonal = the task trained alone."
            )
            + _tables_html(tabs["scores"]),
        ),
        ReportSection("Stability", _tables_html(tabs["stability"]), (stab,)),
        _partners(a, tabs),
    ]
    if a.categories:
        sections.append(_categories(a, tabs))
    if "all_tasks" in tabs:
        sections.append(ReportSection("All tasks together", _tables_html(tabs["all_tasks"])))
    if "baselines" in tabs:
        figs = ()
        bars = baseline_bars_data(a)
        if bars is not None:
            figs = (
                _figure(
                    "baseline_bars",
                    draw_bars(bars),
                    "Single-task test score of each task next to its baseline.",
                ),
            )
        sections.append(ReportSection("Baselines", _tables_html(tabs["baselines"]), figs))
    asym = a.asymmetry
    sections.append(
        ReportSection(
            "Asymmetry",
            _explain(
                f"{asym.pairs} pairs measured both ways; the signs of G[i][j] and G[j][i] "
                f"agree in {asym.sign_agreement} of them; Pearson correlation "
                f"{fmt(asym.pearson, spec='.2f')}, Spearman {fmt(asym.spearman, spec='.2f')}; "
                f"mean |G[i][j] &minus; G[j][i]| = "
                f"{fmt(asym.mean_abs_difference, spec='.1f')} points."
            ),
        )
    )
    if "seeds" in tabs:
        sections.append(ReportSection("Seeds", _tables_html(tabs["seeds"])))
    if runs:
        sections += run_sections(runs)
    return sections
