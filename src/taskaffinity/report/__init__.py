"""Reports: tables and figures computed from value objects, drawn with matplotlib
(imported lazily), written as one self-contained ``report.html`` plus JSON, Markdown, CSV
and PNG files.

Other code adds its own part of the page with :class:`ReportSection` (an HTML fragment,
e.g. from :func:`html_table`, and :class:`ReportFigure` PNGs, e.g. from
:func:`taskaffinity.report.matplotlib.figure_png`) passed as ``extra_sections``.
"""

from __future__ import annotations

from taskaffinity.report._build_sections import build_sections
from taskaffinity.report._figures_data import (
    BarsData,
    HeatmapData,
    StabilityData,
    baseline_bars_data,
    heatmap_data,
    stability_data,
)
from taskaffinity.report._section import ReportFigure, ReportSection
from taskaffinity.report._tables import Table, fmt, html_table
from taskaffinity.report._write import write_study_report, write_table_report

__all__ = [
    "BarsData",
    "HeatmapData",
    "ReportFigure",
    "ReportSection",
    "StabilityData",
    "Table",
    "baseline_bars_data",
    "build_sections",
    "fmt",
    "heatmap_data",
    "html_table",
    "stability_data",
    "write_study_report",
    "write_table_report",
]
