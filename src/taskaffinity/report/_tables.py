"""Small tables rendered to HTML, Markdown and CSV (no pandas needed)."""

from __future__ import annotations

import csv
import html
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["Table", "fmt", "html_table"]


def fmt(x: Any, digits: int = 4, *, spec: str | None = None) -> str:
    """Human formatting: floats to ``digits`` significant digits (or by the format ``spec``,
    e.g. ``"+.1f"``), None/NaN to an en dash."""
    if x is None or (isinstance(x, float) and not math.isfinite(x)):
        return "–"
    if isinstance(x, bool):
        return "yes" if x else "no"
    if spec is not None and isinstance(x, int | float):
        return format(x, spec)
    if isinstance(x, float):
        return f"{x:.{digits}g}" if abs(x) < 10**digits else f"{x:.0f}"
    return str(x)


@dataclass(frozen=True)
class Table:
    """``columns`` names and ``rows`` of raw values (str, int, float, None).

    ``signed`` columns (by name) get a CSS class ``pos``/``neg`` by sign in HTML. A
    ``matrix`` table's CSV has the square format :func:`~taskaffinity.tables.read_square_csv`
    reads (corner cell empty). ``classes`` and ``notes`` (same shape as ``rows``, ``""``
    for none) add a CSS class and a tooltip to single HTML cells. ``formats`` maps column
    names to a format spec for their numbers in HTML and Markdown (``"+.1f"`` for gain
    rates, ``".3f"`` for scores; ``"*"``: every numeric column without its own); ``texts``
    (same shape as ``rows``, ``""`` for none) replaces a cell's shown text in HTML and
    Markdown (e.g. a metric beside a task, or why a value is missing). The CSV always holds
    the raw values at full precision.
    """

    name: str
    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...]
    signed: tuple[str, ...] = ()
    matrix: bool = False  # a task-by-task matrix: the CSV's corner cell is left empty
    classes: tuple[tuple[str, ...], ...] | None = None  # per-cell extra CSS class (HTML)
    notes: tuple[tuple[str, ...], ...] | None = None  # per-cell tooltip text (HTML)
    formats: dict[str, str] | None = None  # column name -> number format (HTML, Markdown)
    texts: tuple[tuple[str, ...], ...] | None = None  # per-cell shown text (HTML, Markdown)

    def column_formats(self) -> tuple[str | None, ...]:
        """The number format of each column (None: :func:`fmt`'s default)."""
        given = self.formats or {}
        return tuple(given.get(c, given.get("*")) for c in self.columns)

    def to_html(self) -> str:
        return html_table(
            self.columns, self.rows, signed=self.signed, classes=self.classes, notes=self.notes,
            formats=self.column_formats(), texts=self.texts,
        )  # fmt: skip

    def to_markdown(self) -> str:
        specs = self.column_formats()

        def cell(v: Any, spec: str | None = None, text: str = "") -> str:
            return (text or fmt(v, spec=spec)).replace("|", "\\|")

        lines = [
            "| " + " | ".join(cell(c) for c in self.columns) + " |",
            "|" + "|".join("---" for _ in self.columns) + "|",
        ]
        lines += [
            "| "
            + " | ".join(
                cell(v, specs[k], self.texts[r][k] if self.texts is not None else "")
                for k, v in enumerate(row)
            )
            + " |"
            for r, row in enumerate(self.rows)
        ]
        return f"## {self.title}\n\n" + "\n".join(lines) + "\n"

    def write_csv(self, path: Path) -> None:
        """Full-precision values; empty cell for None/NaN."""

        def raw(v: Any) -> Any:
            return "" if v is None or (isinstance(v, float) and not math.isfinite(v)) else v

        with path.open("w", newline="", encoding="utf-8") as fh:
            w = csv.writer(fh)
            w.writerow(("", *self.columns[1:]) if self.matrix else self.columns)
            w.writerows([raw(v) for v in row] for row in self.rows)


def html_table(
    columns: Sequence[str],
    rows: Sequence[Sequence[Any]],
    *,
    signed: Sequence[str] = (),
    classes: Sequence[Sequence[str]] | None = None,
    notes: Sequence[Sequence[str]] | None = None,
    formats: Sequence[str | None] | None = None,
    texts: Sequence[Sequence[str]] | None = None,
) -> str:
    """An HTML ``<table>``: header ``columns``, first column as row header, numbers
    right-aligned and formatted by :func:`fmt` (with ``formats[k]``, a format spec of
    column ``k``, when given); cells of ``signed`` columns (by name) get class
    ``pos``/``neg`` by sign; ``classes[r][k]`` (optional) adds a class, ``notes[r][k]`` a
    ``title`` tooltip and ``texts[r][k]`` (when not empty) the text shown in cell ``k`` of
    row ``r``."""
    signed_idx = {k for k, c in enumerate(columns) if c in signed}
    out = ["<table><thead><tr>"]
    out += [f"<th>{html.escape(str(c))}</th>" for c in columns]
    out.append("</tr></thead><tbody>")
    for r, row in enumerate(rows):
        out.append("<tr>")
        for k, v in enumerate(row):
            cls = [classes[r][k]] if classes is not None and classes[r][k] else []
            if isinstance(v, int | float) and not isinstance(v, bool):
                cls.append("num")
                if k in signed_idx and math.isfinite(v) and v != 0:
                    cls.append("pos" if v > 0 else "neg")
            tag = "th" if k == 0 else "td"
            attr = f' class="{" ".join(cls)}"' if cls else ""
            if notes is not None and notes[r][k]:
                attr += f' title="{html.escape(notes[r][k])}"'
            spec = formats[k] if formats is not None else None
            shown = texts[r][k] if texts is not None and texts[r][k] else fmt(v, spec=spec)
            out.append(f"<{tag}{attr}>{html.escape(shown)}</{tag}>")
        out.append("</tr>")
    out.append("</tbody></table>")
    return "".join(out)
