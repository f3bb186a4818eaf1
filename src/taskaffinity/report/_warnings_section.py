"""The report's "Warnings" section, above the heatmap: results that cannot mean what they
seem (:func:`taskaffinity.recommendation.result_warnings`)."""

from __future__ import annotations

import html
from collections.abc import Sequence

from taskaffinity.recommendation import ResultWarning
from taskaffinity.report._section import ReportSection

__all__ = ["warnings_section"]


def warnings_section(warnings: Sequence[ResultWarning]) -> ReportSection | None:
    """A "Warnings" section (anchor ``warnings``) listing ``warnings``; None without any."""
    if not warnings:
        return None
    items = "".join(
        f'<li class="warning" data-kind="{html.escape(w.kind)}">{html.escape(w.message)}</li>'
        for w in warnings
    )
    return ReportSection(
        "Warnings",
        '<p class="explain">Read these before the numbers below: they say where a result '
        f'cannot mean what it seems.</p><ul class="warnings">{items}</ul>',
        anchor="warnings",
    )
