"""The alpaca record format (instruction tuning data, as LLaMA-Factory and Stanford Alpaca
write it) turned into an :class:`Example`.

A record::

    {"instruction": "...", "input": "...", "output": "...",
     "system": "...", "history": [["earlier question", "earlier answer"], ...]}

``instruction`` and ``output`` are required, ``input``, ``system`` and ``history``
optional (missing or null: none). :class:`AlpacaColumns` names the column of each role
under LLaMA-Factory's names (``prompt``, ``query``, ``response``, ``system``,
``history``).

The example's ``text`` (the input the model reads) is built as follows, parts that are
empty left out::

    {system}

    {history question 1}
    {history answer 1}

    ...

    {instruction}
    {input}

i.e. the system prompt, each earlier turn (its question and answer on two lines), then the
instruction and the input on two lines (LLaMA-Factory joins them with one newline), the
blocks separated by one blank line. The ``label`` (answer) is the ``output``. A task of
such examples renders them with the instruction template ``{text}``
(:data:`ALPACA_TEMPLATE`).
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import math
from dataclasses import dataclass
from typing import Any, ClassVar

from taskaffinity.errors import InputError
from taskaffinity.tasks._readers import Record
from taskaffinity.tasks._task import Example

__all__ = ["ALPACA_COLUMNS", "ALPACA_TEMPLATE", "AlpacaColumns", "alpaca_example", "alpaca_text"]

#: The instruction template of a task whose examples' text is a whole alpaca prompt.
ALPACA_TEMPLATE = "{text}"


@dataclass(frozen=True)
class AlpacaColumns:
    """The column of each role of an alpaca record (None: the role is not read).

    ``prompt`` (the instruction), ``query`` (the input), ``response`` (the output),
    ``system`` (the system prompt) and ``history`` (earlier turns, a list of
    ``[question, answer]`` pairs), as in LLaMA-Factory's ``dataset_info.json``
    ``columns``."""

    prompt: str | None = "instruction"
    query: str | None = "input"
    response: str | None = "output"
    system: str | None = "system"
    history: str | None = "history"

    ROLES: ClassVar[tuple[str, ...]] = ("prompt", "query", "response", "system", "history")

    @classmethod
    def from_mapping(cls, columns: Any, *, defaults: AlpacaColumns, field: str) -> AlpacaColumns:
        """Columns from a ``{role: column}`` mapping: a role it gives takes its column (a
        string, or null for none); a role it leaves out keeps ``defaults``' column.
        InputError (``field`` and the role) for an unknown role or a column that is not a
        non-empty string or null (:meth:`check` says whether the columns make examples)."""
        if not isinstance(columns, dict):
            raise InputError(
                f"must map roles {list(cls.ROLES)} to column names, got {columns!r}", field=field
            )
        for role, column in columns.items():
            if role not in cls.ROLES:
                raise InputError(
                    f"unknown role {role!r}; alpaca columns are {list(cls.ROLES)}",
                    field=f"{field}.{role}",
                )
            if column is not None and (not isinstance(column, str) or not column):
                raise InputError(
                    f"a column name is a non-empty string or null, got {column!r}",
                    field=f"{field}.{role}",
                )
        return dataclasses.replace(defaults, **columns)

    def check(self, field: str) -> None:
        """InputError (``field.response``) when there is no response column: a task needs
        a target for every example."""
        if self.response is None:
            raise InputError(
                "no response column: an alpaca record without an output is no example of a "
                "task (name the column holding the answers)",
                field=f"{field}.response",
            )
        if self.prompt is None and self.query is None:
            raise InputError(
                "neither a prompt nor a query column: examples would have no input",
                field=f"{field}.prompt",
            )


#: The columns of a plain alpaca file: every role under its usual name.
ALPACA_COLUMNS = AlpacaColumns()


def alpaca_text(
    instruction: str, input: str = "", system: str = "", history: tuple[tuple[str, str], ...] = ()
) -> str:
    """The example text of one alpaca record (the format of the module docstring): the
    system prompt, the earlier turns, then ``instruction`` and ``input``, blank-line
    separated; empty parts left out."""
    query = "\n".join(p for p in (instruction, input) if p)
    blocks = [system, *("\n".join(p for p in turn if p) for turn in history), query]
    return "\n\n".join(b for b in blocks if b)


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _string(rec: Record, column: str | None, *, required: bool) -> str:
    """The string in ``column`` of ``rec`` ("" when the column is None, or missing and not
    ``required``); InputError (file, line, column) when missing and required, or not a
    string."""
    if column is None:
        return ""
    value = rec.data.get(column)
    if getattr(value, "ndim", None) == 0:  # a numpy scalar (Parquet)
        value = value.tolist()
    if _missing(value):
        if required:
            have = sorted(rec.data)[:8]
            raise InputError(
                f"missing {column!r} (record has {have})",
                file=rec.file,
                line=rec.line,
                field=column,
            )
        return ""
    if not isinstance(value, str):
        raise InputError(
            f"expected a string, got {type(value).__name__} {value!r}"[:200],
            file=rec.file,
            line=rec.line,
            field=column,
        )
    return value


def _history(rec: Record, column: str | None) -> tuple[tuple[str, str], ...]:
    """The ``[question, answer]`` pairs in ``column`` (a list; in a CSV cell, its JSON
    text); none when the column is None or the value missing or null."""
    if column is None:
        return ()
    value = rec.data.get(column)
    if hasattr(value, "tolist"):  # numpy arrays (Parquet)
        value = value.tolist()
    if isinstance(value, str) and value.lstrip().startswith("["):
        with contextlib.suppress(json.JSONDecodeError):
            value = json.loads(value)
    if _missing(value) or value == "":
        return ()
    where = {"file": rec.file, "line": rec.line, "field": column}
    if not isinstance(value, list | tuple):
        raise InputError(
            f"history is a list of [question, answer] pairs, got {type(value).__name__}", **where
        )
    pairs = []
    for i, turn in enumerate(value):
        if hasattr(turn, "tolist"):
            turn = turn.tolist()
        ok = isinstance(turn, list | tuple) and len(turn) == 2
        if not ok or not all(isinstance(t, str) for t in turn):
            raise InputError(
                f"history item {i} is not a [question, answer] pair of strings: {turn!r}"[:200],
                **where,
            )
        pairs.append((turn[0], turn[1]))
    return tuple(pairs)


def alpaca_example(rec: Record, columns: AlpacaColumns, kind: str) -> tuple[Record, Example]:
    """``(record, example)`` of one alpaca record: the text of :func:`alpaca_text`, the
    output as label; the returned record names the columns of the roles (``text``: the
    prompt column, ``label``: the response column) for later errors. InputError naming the
    file, line and column for a missing instruction or output, a value that is not a
    string, a history that is not a list of pairs, an empty input text, or (classification)
    an empty output."""
    instruction = _string(rec, columns.prompt, required=True)
    query = _string(rec, columns.query, required=False)
    output = _string(rec, columns.response, required=True)
    system = _string(rec, columns.system, required=False)
    history = _history(rec, columns.history)
    text_column = columns.prompt or columns.query
    text = alpaca_text(instruction, query, system, history)
    if not text.strip():
        raise InputError(
            "empty instruction and input", file=rec.file, line=rec.line, field=text_column
        )
    if kind == "classification" and not output.strip():
        raise InputError("empty output", file=rec.file, line=rec.line, field=columns.response)
    roles = {"text": text_column, "label": columns.response}
    return dataclasses.replace(rec, roles=roles), Example(text=text, label=output)
