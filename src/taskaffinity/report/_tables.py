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


def fmt(x: Any, digits: int = 4) -> str:
    """Human formatting: floats to ``digits`` significant digits, None/NaN to an en dash."""
    if x is None or (isinstance(x, float) and not math.isfinite(x)):
        return "–"
    if isinstance(x, bool):
        return "yes" if x else "no"
    if isinstance(x, float):
        return f"{x:.{digits}g}" if abs(x) < 10**digits else f"{x:.0f}"
    return str(x)


@dataclass(frozen=True)
class Table:
    """``columns`` names and ``rows`` of raw values (str, int, float, None).

    ``signed`` columns (by name) get a CSS class ``pos``/``neg`` by sign in HTML. A
    ``matrix`` table's CSV has the square format :func:`~taskaffinity.tables.read_square_csv`
    reads (corner cell empty). ``classes`` and ``notes`` (same shape as ``rows``, ``""``
    for none) add a CSS class and a tooltip to single HTML cells.
    """

    name: str
    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...]
    signed: tuple[str, ...] = ()
    matrix: bool = False  # a task-by-task matrix: the CSV's corner cell is left empty
    classes: tuple[tuple[str, ...], ...] | None = None  # per-cell extra CSS class (HTML)
    notes: tuple[tuple[str, ...], ...] | None = None  # per-cell tooltip text (HTML)

    def to_html(self) -> str:
        return html_table(
            self.columns, self.rows, signed=self.signed, classes=self.classes, notes=self.notes
        )

    def to_markdown(self) -> str:
        def cell(v: Any) -> str:
            return fmt(v).replace("|", "\\|")

        lines = [
            "| " + " | ".join(cell(c) for c in self.columns) + " |",
            "|" + "|".join("---" for _ in self.columns) + "|",
        ]
        lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in self.rows]
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
) -> str:
    """An HTML ``<table>``: header ``columns``, first column as row header, numbers
    right-aligned and formatted by :func:`fmt`; cells of ``signed`` columns (by name)
    get class ``pos``/``neg`` by sign; ``classes[r][k]`` (optional) adds a class and
    ``notes[r][k]`` a ``title`` tooltip to cell ``k`` of row ``r``."""
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
            out.append(f"<{tag}{attr}>{html.escape(fmt(v))}</{tag}>")
        out.append("</tr>")
    out.append("</tbody></table>")
    return "".join(out)
