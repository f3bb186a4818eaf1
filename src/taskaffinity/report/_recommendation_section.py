"""The report's "Recommendation" section: for each budget the chosen networks, each task's
network with its gain on test and whether it is settled, the alternatives the data cannot
tell apart, the groupings of stored estimates beside it, and a plain sentence on what the
data can and cannot separate (:class:`~taskaffinity.recommendation.Recommendation`)."""

from __future__ import annotations

import html

from taskaffinity.recommendation import BudgetRecommendation, Choice, Recommendation
from taskaffinity.report._section import ReportSection
from taskaffinity.report._tables import html_table

__all__ = ["recommendation_section"]

_SIGN = {1: "helps", -1: "hurts", 0: "cannot tell", None: "no interval"}


def _budget(b: BudgetRecommendation) -> str:
    return "no budget" if b.budget is None else f"{b.budget:g}"


def _tasks_table(rec: Recommendation, c: Choice) -> str:
    rows, texts = [], []
    for t in c.tasks:
        net = "+".join(c.networks[t.network])
        if t.alone:
            rows.append((t.task, rec.metrics.get(t.task, ""), net, None, "alone"))
            texts.append(("", "", "", "trained alone", ""))
            continue
        shown = t.gain_rate.text("+.1f") if t.gain_rate is not None else "not measured"
        rows.append((t.task, rec.metrics.get(t.task, ""), net, None, _SIGN[t.settled]))
        texts.append(("", "", "", shown, ""))
    classes = tuple(
        ("", "", "", "", "settled" if t.settled in (1, -1) else "unsettled" if not t.alone else "")
        for t in c.tasks
    )
    return html_table(
        ("task", "metric", "its network", "gain rate on test (%) [95% interval]", "sign"),
        rows,
        texts=texts,
        classes=classes,
    )


def _alternatives(b: BudgetRecommendation, chosen_on: str) -> str:
    if b.alternatives_searched and not b.n_considered:
        return '<p class="explain">No other grouping fits this budget.</p>'
    if not b.alternatives_searched:
        why = (
            "one seed gives no interval"
            if b.choice is not None and b.choice.dev.seeds < 2
            else "too many groupings to enumerate"
        )
        return f'<p class="explain">Alternatives were not searched ({why}).</p>'
    if not b.n_alternatives:
        return (
            f'<p class="explain">Every other grouping this budget allows is worse on '
            f"{chosen_on} with a settled sign: the data separate this choice.</p>"
        )
    rows = [
        (a.label(), a.dev.text(".3f"), a.test.text(".3f"),
         "–" if a.gain is None else a.gain.text("+.3f"))
        for a in b.alternatives
    ]  # fmt: skip
    more = b.n_alternatives - len(b.alternatives)
    tail = f" ({more} more not shown)" if more > 0 else ""
    return (
        f'<p class="explain">{b.n_alternatives} other grouping(s) the data cannot tell from '
        f"this one on {chosen_on} (the interval of the per-seed difference includes 0)"
        f"{tail}:</p>"
        + html_table(
            ("networks", f"objective on {chosen_on}", "objective on test", "gain over alone"),
            rows,
        )
    )


def _estimates(b: BudgetRecommendation) -> str:
    if not b.estimates:
        return ""
    rows = []
    for e in b.estimates:
        label = " | ".join("+".join(n) for n in e.networks)
        if e.measured is None:
            rows.append((e.method, label, "not all measured", "–", "no"))
            continue
        rows.append((e.method, label, e.measured.test.text(".3f"),
                     "–" if e.difference is None else e.difference.text("+.3f"),
                     "yes" if e.same else "no"))  # fmt: skip
    return (
        '<p class="explain">Groupings chosen from the stored estimates (TAG\'s rule on each '
        "affinity matrix, same budget), measured on test; difference = the estimate's "
        "grouping minus the recommended one (positive: the estimate's is better).</p>"
        + html_table(
            ("estimate", "networks", "objective on test", "difference", "same as recommended"),
            rows,
        )
    )


def _detail(rec: Recommendation, b: BudgetRecommendation, open_: bool) -> str:
    head = f"Budget {_budget(b)}"
    if b.choice is None:
        return (
            f'<div class="rec-budget" data-budget="{_budget(b)}"><h3>{head}</h3>'
            f'<p class="explain">{html.escape(b.error)}</p></div>'
        )
    c = b.choice
    gain = "–" if c.gain is None else c.gain.text("+.3f")
    rate = "–" if c.gain_rate is None else c.gain_rate.text("+.1f")
    exact = "" if b.exact else " (the search stopped before proving the optimum)"
    return (
        f'<details class="rec-budget" data-budget="{_budget(b)}"{" open" if open_ else ""}>'
        f"<summary><b>{head}</b>: {html.escape(c.label())}</summary>"
        f'<p class="statement">{html.escape(b.statement)}</p>'
        f'<p class="explain">Objective (sum over tasks of their scores) on {rec.chosen_on}: '
        f"{c.dev.text('.3f')}; on test: {c.test.text('.3f')}. Gain on test over training "
        f"every task alone: {gain} (score units), mean gain rate {rate} %{exact}.</p>"
        + _tasks_table(rec, c)
        + _alternatives(b, rec.chosen_on)
        + _estimates(b)
        + "</details>"
    )


def recommendation_section(rec: Recommendation) -> ReportSection:
    """The "Recommendation" section of ``rec`` (anchor ``recommendation``)."""
    seeds = len(rec.seeds)
    intro = (
        f"Which tasks to train together. For each budget (the number of networks), the "
        f"networks are chosen on the <b>{rec.chosen_on}</b> scores of the measured runs and "
        f"judged on <b>test</b>; every value is the mean over {seeds} seed(s) with its 95% "
        "interval over seeds. Each task is served by the chosen network that scores it best "
        f"on {rec.chosen_on}. Gains are against training every task alone; positive = "
        "better. Sign: <i>helps</i>/<i>hurts</i> when the task's gain rate has a settled "
        "sign, <i>cannot tell</i> when its interval includes 0."
    )
    parts = [f'<p class="explain">{intro}</p>']
    if rec.note:
        parts.append(f'<p class="reliability"><b>Chosen on test.</b> {html.escape(rec.note)}.</p>')
    rows, texts = [], []
    for b in rec.budgets:
        if b.choice is None:
            rows.append((_budget(b), "nothing fits", None, None, None))
            texts.append(("", f"nothing fits: {b.error}"[:160], "", "", ""))
            continue
        c = b.choice
        pairs = [t for t in c.tasks if not t.alone]
        settled = sum(t.settled in (1, -1) for t in pairs)
        alts = str(b.n_alternatives) if b.alternatives_searched else "not searched"
        rows.append((_budget(b), c.label(), None, f"{settled} of {len(pairs)}", alts))
        texts.append(("", "", "–" if c.gain is None else c.gain.text("+.3f"), "", ""))
    parts.append(
        '<div class="tablewrap">'
        + html_table(
            (
                "budget",
                "networks",
                "gain on test over alone [95% interval]",
                "settled cells behind it",
                "alternatives within the interval",
            ),
            rows,
            texts=texts,
        )
        + "</div>"
    )
    first = next((k for k, b in enumerate(rec.budgets) if b.choice is not None), None)
    parts += [_detail(rec, b, k == first) for k, b in enumerate(rec.budgets)]
    return ReportSection("Recommendation", "".join(parts), anchor="recommendation")
