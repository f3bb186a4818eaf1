"""The report's standard sections (gain rates, scores, stability, partners, categories,
all tasks, baselines, asymmetry, seeds, run costs, failed runs) built from an
:class:`Analysis`, with their tables and figures."""

from __future__ import annotations

import html
from collections.abc import Sequence

from taskaffinity.analysis import Analysis
from taskaffinity.report._content import analysis_tables, run_tables
from taskaffinity.report._figures_data import baseline_bars_data, heatmap_data, stability_data
from taskaffinity.report._section import ReportFigure, ReportSection
from taskaffinity.report._tables import Table, fmt
from taskaffinity.types import RunResult

__all__ = ["build_sections"]


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


def build_sections(a: Analysis, runs: Sequence[RunResult] | None = None) -> list[ReportSection]:
    """The report's standard sections for ``a`` (and the run costs when ``runs`` given)."""
    from taskaffinity.report.matplotlib import draw_bars, draw_heatmap, draw_stability

    tabs = analysis_tables(a)
    heat = _figure(
        "gain_rate_heatmap",
        draw_heatmap(heatmap_data(a)),
        "Gain rate in percent: rows are target tasks, columns auxiliary tasks; "
        "blue = the auxiliary helped, red = it hurt; the diagonal shows the "
        "single-task score.",
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
        ReportSection("Best and worst partners", _tables_html(tabs["partners"])),
    ]
    if a.categories:
        sections.append(ReportSection("Category synergy", _tables_html(tabs["categories"])))
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
                f"{fmt(asym.pearson, 3)}, Spearman {fmt(asym.spearman, 3)}; "
                f"mean |G[i][j] &minus; G[j][i]| = "
                f"{fmt(asym.mean_abs_difference, 3)} points."
            ),
        )
    )
    if "seeds" in tabs:
        sections.append(ReportSection("Seeds", _tables_html(tabs["seeds"])))
    if runs:
        rt = run_tables(runs)
        sections.append(ReportSection("Run costs", _tables_html(rt["costs"])))
        if "failed" in rt:
            sections.append(ReportSection("Failed runs", _tables_html(rt["failed"])))
    return sections
