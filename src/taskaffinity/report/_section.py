"""Building blocks other code uses to add its own part to the HTML report."""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass

__all__ = ["ReportFigure", "ReportSection"]


@dataclass(frozen=True, eq=False)
class ReportFigure:
    """A PNG figure: ``name`` is its file stem (``name.png`` is written next to the
    report), ``caption`` a sentence shown under it, ``alt`` its alternative text."""

    name: str
    png: bytes
    caption: str = ""
    alt: str = ""

    def __post_init__(self) -> None:
        if not re.fullmatch(r"[A-Za-z0-9_.-]+", self.name):
            raise ValueError(f"figure name {self.name!r} must be a plain file stem")
        if not self.png.startswith(b"\x89PNG"):
            raise ValueError(f"figure {self.name!r} is not PNG data")

    @property
    def data_uri(self) -> str:
        return "data:image/png;base64," + base64.b64encode(self.png).decode("ascii")

    def __repr__(self) -> str:
        return f"ReportFigure({self.name}, {len(self.png)} bytes)"


@dataclass(frozen=True)
class ReportSection:
    """One section of the report: ``title``, an HTML fragment ``html`` (trusted, inserted
    as it is; build tables with :func:`taskaffinity.report.html_table`) and figures shown
    after it. ``anchor`` is the section's id in the page (derived from the title by
    default)."""

    title: str
    html: str = ""
    figures: tuple[ReportFigure, ...] = ()
    anchor: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "figures", tuple(self.figures))
        if not self.anchor:
            slug = re.sub(r"[^a-z0-9]+", "-", self.title.lower()).strip("-") or "section"
            object.__setattr__(self, "anchor", slug)

    def __repr__(self) -> str:
        return f"ReportSection({self.title!r}, {len(self.figures)} figures)"
