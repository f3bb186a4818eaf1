"""Reading a score table in any supported format: :func:`read_table`, dispatching on
:class:`TableFormat` to the importers (Standley et al. 2020, MTG-Net of Song et al. 2022,
long CSV, square score matrix), and :func:`read_scores`, the measured scores ``analyze``
takes (a long CSV with its seeds or a square score matrix, told apart by the header)."""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum
from pathlib import Path

from taskaffinity._text import stripped_csv_rows
from taskaffinity.errors import InputError
from taskaffinity.tables._csv import read_long_csv, read_seeded_csv
from taskaffinity.tables._detect import detect_format
from taskaffinity.tables._mtgnet import read_mtgnet
from taskaffinity.tables._square import read_score_matrix
from taskaffinity.tables._standley import read_standley
from taskaffinity.types import ScoreTable

__all__ = ["TableFormat", "read_scores", "read_table"]


class TableFormat(StrEnum):
    """The score-table formats :func:`read_table` reads."""

    standley = "standley"
    mtgnet = "mtgnet"
    csv = "csv"
    matrix = "matrix"


def read_table(
    path: str | Path,
    format: TableFormat | str = TableFormat.csv,
    *,
    members: str | Path | None = None,
    names: Sequence[str] | None = None,
    higher_is_better: bool = True,
) -> ScoreTable:
    """Read the score table at ``path`` in ``format``.

    * ``standley``: :func:`read_standley` (losses, lower is better);
    * ``mtgnet``: :func:`read_mtgnet` with ``path`` the gain file and ``members`` the 0/1
      membership file (required; gains, higher is better);
    * ``csv``: :func:`read_long_csv` (the groups layout ``group,task,score[,cost][,seed]``
      or the pairs layout ``target,source,seed,score``, told apart by the header);
    * ``matrix``: :func:`~taskaffinity.tables.read_score_matrix` (the square score matrix
      ``analyze`` reads: singles on the diagonal, pairs off it, an empty cell not
      measured; a pair measured one way only is an error, since a search chooses a pair
      network on both its tasks' scores).

    ``higher_is_better`` is the direction of ``csv`` and ``matrix`` scores (the other
    formats fix theirs).

    ``names``: the task names in column order (for ``csv``, the task order; a ``matrix``
    names its own). Raises
    :class:`~taskaffinity.errors.InputError` for an unknown format, a missing ``members``
    file for ``mtgnet``, or whatever the importer rejects.
    """
    try:
        fmt = TableFormat(format)
    except ValueError:
        choices = ", ".join(f.value for f in TableFormat)
        raise InputError(
            f"unknown table format {format!r}; use {choices}", field="format"
        ) from None
    name_list = list(names) if names is not None else None
    if fmt is TableFormat.standley:
        return read_standley(path, names=name_list)
    if fmt is TableFormat.mtgnet:
        if members is None:
            raise InputError("format 'mtgnet' needs the membership file", field="members")
        return read_mtgnet(members, path, names=name_list)
    if fmt is TableFormat.matrix:
        if name_list is not None:
            raise InputError("format 'matrix' names its tasks in its first row", field="names")
        return read_score_matrix(path, higher_is_better=higher_is_better, both_ways=True)
    return read_long_csv(path, higher_is_better=higher_is_better, tasks=name_list)


def read_scores(
    path: str | Path, *, higher_is_better: bool = True
) -> tuple[ScoreTable, tuple[int | float, ...]]:
    """The measured scores at ``path`` for :func:`taskaffinity.analysis.analyze`, and the
    seed of each slice of the table's ``seed_scores`` (pass them on as ``seeds=``).

    A long CSV (:func:`~taskaffinity.tables.read_seeded_csv`: the groups layout or the
    pairs layout ``target,source,seed,score`` with its seeds, e.g. a report's
    ``seeds.csv``) when its header says so, else a square score matrix
    (:func:`~taskaffinity.tables.read_score_matrix`, e.g. a report's ``scores.csv``: one
    score per cell, no seeds). Raises :class:`~taskaffinity.errors.InputError` (file,
    line, field) as those readers do; a square matrix whose every diagonal cell is empty
    (an affinity or gain-rate matrix) is refused with a message saying so.
    """
    seen = detect_format(path)
    if seen == "csv":
        return read_seeded_csv(path, higher_is_better=higher_is_better)
    if seen is None:
        _refuse_other_table(Path(path))
    try:
        return read_score_matrix(path, higher_is_better=higher_is_better), ()
    except InputError as err:
        if seen != "affinity":
            raise
        raise InputError(
            f"{err.message}; every diagonal cell is empty, so this looks like an affinity "
            "or gain-rate matrix (a grouping input: taskaffinity select --format affinity), "
            "not scores",
            file=err.file,
            line=err.line,
            field=err.field,
        ) from None


def _refuse_other_table(path: Path) -> None:
    """Raise an InputError (file, line of the first row) when the first row names columns
    (text, not numbers) and no further row starts with one of them: a table of another
    kind, not scores. Anything else is left to the square reader's own errors."""
    rows = stripped_csv_rows(path) if path.is_file() else []
    if len(rows) < 2:
        return
    head_line, header = rows[0]
    names = [c for c in header if c]
    if not names or any(_number(c) for c in names):
        return
    if any(row[0] in header[1:] for _, row in rows[1:]):
        return
    raise InputError(
        f"not a score table: the first row names the columns {header}, and no row starts "
        "with one of them. analyze reads a square score matrix (an empty first cell, then "
        "task names, each row a task and its scores; a report's scores.csv) or a long CSV "
        "(header target,source,seed,score as a report's seeds.csv, or "
        "group,task,score[,cost][,seed])",
        file=path,
        line=head_line,
    )


def _number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True
