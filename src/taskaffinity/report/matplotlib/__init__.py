"""Matplotlib drawings of the report figures (matplotlib imported lazily, Agg backend)."""

from __future__ import annotations

from taskaffinity.report.matplotlib._figures import draw_bars, draw_heatmap, draw_stability
from taskaffinity.report.matplotlib._style import figure_png, label_fonts, pyplot

__all__ = ["draw_bars", "draw_heatmap", "draw_stability", "figure_png", "label_fonts", "pyplot"]
