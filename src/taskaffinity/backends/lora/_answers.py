"""Tagging tasks as text for the ``lora`` backend: a tag sequence rendered as an answer
text, and a generated text parsed back into tags by aligning it to the input.

Two renderings (``answer_format``), chosen per task:

* ``"insert"``: the input with each token's mark written after it, empty tags (``O``)
  writing nothing. For tag sets that mark what follows a token, such as punctuation
  restoration (tags ``，``, ``。``, ... after a character, else ``O``):
  ``学而时习之 + O O O O ， -> 学而时习之，``.
* ``"tags"``: one unit per token, a token with the empty tag copied and every other
  token replaced by its tag. For tag sets with one mark per token, such as tonal
  patterns (``平``/``仄`` per character, ``O`` on punctuation):
  ``春草绿，+ 平 仄 仄 O -> 平仄仄，``.

A task's default is ``"insert"`` when every non-empty tag is made of Unicode punctuation
(category ``P*``), else ``"tags"``. Units are written without separators when every token
of the task (and, for ``"tags"``, every tag) is one character, else separated by single
spaces (``"hello, world."`` / ``"B-PER I-PER went"``).

Parsing (:meth:`TagAnswers.parse`): the output's units are aligned to the input tokens by
edit distance (Levenshtein alignment, Wagner and Fischer 1974) where a unit matches a
token when it copies it, or, for ``"tags"``, when it is a tag; in ``"insert"`` outputs a
mark between copied tokens costs nothing and tags the token before it. Tokens the
alignment leaves unmatched get the empty tag. The output counts as *unparsable* when the
matched tokens are fewer than ``min_alignment`` times the longer of the input and the
output (marks of ``"insert"`` outputs not counted): then every token gets the empty tag,
so its tags count as missed. An exact output parses back to the gold tags; a few
inserted or deleted characters cost only the tags they touch; a different text (another
sentence, the text repeated twice, garbage) is unparsable.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from taskaffinity.errors import InputError

__all__ = ["ANSWER_FORMATS", "Parsed", "TagAnswers", "align", "default_answer_format"]

ANSWER_FORMATS = ("insert", "tags")
"""The values of ``LoraConfig.answer_format``'s entries."""

_MATCH, _SUB, _DEL, _INS = "match", "sub", "del", "ins"


def _is_mark(tag: str) -> bool:
    return bool(tag) and all(unicodedata.category(c).startswith("P") for c in tag)


def _empty_tag(labels: Sequence[str]) -> str:
    """The tag meaning "nothing here": ``O``, or ``""`` when the tag set uses it instead."""
    return "" if "" in labels and "O" not in labels else "O"


def default_answer_format(task_labels: Sequence[str]) -> str:
    """``"insert"`` when every non-empty tag of ``task_labels`` is punctuation, else
    ``"tags"``."""
    empty = _empty_tag(task_labels)
    marks = [t for t in task_labels if t != empty]
    return "insert" if marks and all(_is_mark(t) for t in marks) else "tags"


def align(
    source: Sequence[str],
    target: Sequence[str],
    match: Callable[[str, str], bool],
    free: Callable[[str], bool] | None = None,
) -> list[tuple[str, int | None, int | None]]:
    """Minimum-cost alignment of ``source`` (input tokens) and ``target`` (output units).

    ``match(s, t)`` says whether unit ``t`` matches token ``s`` (cost 0); a substitution,
    a deleted token and an inserted unit cost 1, an inserted unit for which ``free(t)``
    holds costs 0. Returns the operations in order: ``("match" | "sub", i, j)``,
    ``("del", i, None)``, ``("ins", None, j)`` (``i`` into ``source``, ``j`` into
    ``target``). Ties prefer a match, then a deletion, then an insertion, then a
    substitution, reading from the end. O(len(source) * len(target)) time and memory.
    """
    n, m = len(source), len(target)
    ins_cost = [0 if free is not None and free(t) else 1 for t in target]
    cost = [[0] * (m + 1) for _ in range(n + 1)]
    for j in range(1, m + 1):
        cost[0][j] = cost[0][j - 1] + ins_cost[j - 1]
    for i in range(1, n + 1):
        row, prev, s = cost[i], cost[i - 1], source[i - 1]
        row[0] = i
        for j in range(1, m + 1):
            diag = prev[j - 1] + (0 if match(s, target[j - 1]) else 1)
            row[j] = min(diag, prev[j] + 1, row[j - 1] + ins_cost[j - 1])
    ops: list[tuple[str, int | None, int | None]] = []
    i, j = n, m
    while i or j:
        here = cost[i][j]
        if i and j and match(source[i - 1], target[j - 1]) and here == cost[i - 1][j - 1]:
            ops.append((_MATCH, i - 1, j - 1))
            i, j = i - 1, j - 1
        elif i and here == cost[i - 1][j] + 1:
            ops.append((_DEL, i - 1, None))
            i -= 1
        elif j and here == cost[i][j - 1] + ins_cost[j - 1]:
            ops.append((_INS, None, j - 1))
            j -= 1
        else:
            ops.append((_SUB, i - 1, j - 1))
            i, j = i - 1, j - 1
    return ops[::-1]


@dataclass(frozen=True)
class Parsed:
    """A parsed output: one tag per input token, whether the output aligned (``ok``), and
    ``coverage``, the share of the alignment the matched tokens make up."""

    tags: tuple[str, ...]
    ok: bool
    coverage: float


@dataclass(frozen=True)
class TagAnswers:
    """How one tagging task's tag sequences become answer texts and back (module doc).

    ``format``: ``"insert"`` or ``"tags"``; ``empty``: the tag meaning "nothing here";
    ``marks``: the other tags; ``joined``: units written without separators;
    ``min_alignment``: the share of matched tokens below which an output is unparsable.
    """

    format: str
    empty: str
    marks: frozenset[str]
    joined: bool
    min_alignment: float = 0.75

    @classmethod
    def for_task(
        cls,
        labels: Sequence[str],
        token_sets: Sequence[Sequence[str]],
        answer_format: str | None = None,
        min_alignment: float = 0.75,
    ) -> TagAnswers:
        """The rendering of a task with tag set ``labels`` whose examples have the token
        sequences ``token_sets`` (all splits); ``answer_format`` None: the default."""
        fmt = answer_format or default_answer_format(labels)
        if fmt not in ANSWER_FORMATS:
            raise InputError(
                f"answer format must be one of {ANSWER_FORMATS}, got {fmt!r}", field="answer_format"
            )
        empty = _empty_tag(labels)
        marks = frozenset(t for t in labels if t != empty)
        units = [tok for toks in token_sets for tok in toks]
        if fmt == "tags":
            units += list(marks)
        joined = all(len(u) == 1 and not u.isspace() for u in units)
        return cls(fmt, empty, marks, joined, min_alignment)

    @property
    def _sep(self) -> str:
        return "" if self.joined else " "

    def input_text(self, tokens: Sequence[str]) -> str:
        """The input as the prompt shows it: the tokens, joined or space-separated."""
        return self._sep.join(tokens)

    def null_text(self, n: int) -> str:
        """The null input of ``n`` tokens: one placeholder ``_`` per token."""
        return self._sep.join("_" * n)

    def render(self, tokens: Sequence[str], tags: Sequence[str]) -> str:
        """The answer text of ``tokens`` tagged ``tags`` (same length)."""
        if self.format == "insert":
            units = [
                tok + (tag if tag != self.empty else "")
                for tok, tag in zip(tokens, tags, strict=True)
            ]
        else:
            units = [
                tok if tag == self.empty else tag for tok, tag in zip(tokens, tags, strict=True)
            ]
        return self._sep.join(units)

    def _units(self, text: str) -> list[str]:
        if self.joined:
            return [c for c in text if not c.isspace()]
        if self.format == "tags":
            return text.split()
        units: list[str] = []  # "hello," -> "hello", ","
        longest = sorted(self.marks, key=len, reverse=True)
        for piece in text.split():
            tail: list[str] = []
            while piece:
                mark = next((m for m in longest if piece.endswith(m) and piece != m), None)
                if mark is None:
                    break
                tail.append(mark)
                piece = piece[: -len(mark)]
            units += [piece, *tail[::-1]]
        return units

    def _bound(self, tokens: Sequence[str], units: list[str]) -> float:
        """An upper bound of the coverage of aligning ``units`` to ``tokens``, cheap to
        compute: at most the tokens a unit copies (``insert``) or the shorter side
        (``tags``) can match, over at least the longer side without its marks."""
        marks = sum(u in self.marks for u in units) if self.format == "insert" else 0
        longer = max(len(tokens), len(units) - marks)
        if self.format == "insert":
            common = sum((Counter(tokens) & Counter(units)).values())
        else:
            common = min(len(tokens), len(units))
        return common / longer if longer else 1.0

    def parse(self, tokens: Sequence[str], text: str) -> Parsed:
        """Tags of ``tokens`` read from the generated ``text`` (module doc). An output
        whose coverage cannot reach ``min_alignment`` is not aligned at all: its
        ``coverage`` is then an upper bound."""
        units = self._units(text)
        out = [self.empty] * len(tokens)
        bound = self._bound(tokens, units)
        if bound < self.min_alignment:
            return Parsed((self.empty,) * len(tokens), False, bound)
        if self.format == "insert":
            ops = align(tokens, units, lambda s, t: s == t, lambda t: t in self.marks)
            last = None
            for op, i, j in ops:
                if op == _MATCH:
                    last = i
                elif j is not None and units[j] in self.marks and last is not None:
                    out[last] = out[last] if out[last] != self.empty else units[j]  # first mark
            # marks the output adds are not counted against it
            stray = sum(
                1 for op, _, j in ops if op != _MATCH and j is not None and units[j] in self.marks
            )
        else:
            ops = align(tokens, units, lambda s, t: t == s or t in self.marks)
            for op, i, j in ops:
                if op == _MATCH and units[j] in self.marks:
                    out[i] = units[j]
            stray = 0
        matched = sum(op == _MATCH for op, _, _ in ops)
        longer = max(len(tokens), len(units) - stray)
        coverage = matched / longer if longer else 1.0
        if coverage < self.min_alignment:
            return Parsed((self.empty,) * len(tokens), False, coverage)
        return Parsed(tuple(out), True, coverage)
