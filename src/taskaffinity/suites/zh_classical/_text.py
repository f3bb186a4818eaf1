"""Text helpers for building the zh_classical suite: punctuation tagging, chunking, clipping."""

from __future__ import annotations

import re

__all__ = ["MARKS", "MAX_CHARS", "chunk", "clean", "clip", "is_han", "punct_tags"]

MAX_CHARS = 64
MARKS = "，。、；：？！"
_ENDS = "。？！；"
_ASCII = {",": "，", "?": "？", "!": "！", ";": "；", ":": "：", "．": "。"}


def is_han(ch: str) -> bool:
    """A CJK ideograph (basic block, extension A, compatibility ideographs)."""
    o = ord(ch)
    return 0x3400 <= o <= 0x9FFF or 0xF900 <= o <= 0xFAFF or 0x20000 <= o <= 0x2FA1F


_NOTE = re.compile(r"[(（][^()（）]*[)）]|[(（].*$")


def clean(text: str) -> str:
    """Only Han characters and the marks of :data:`MARKS`: editorial notes in brackets,
    quotes, titles and lacuna symbols (□) are removed (they differ between sources and
    would give the answer away)."""
    text = _NOTE.sub("", text)
    return "".join(c for c in (_ASCII.get(ch, ch) for ch in text) if is_han(c) or c in MARKS)


def punct_tags(text: str) -> list[tuple[str, str]]:
    """(character, mark after it or "O") for every Han character of ``text``.

    Marks are the seven of :data:`MARKS`; when several follow one character the first is
    kept; quotes, brackets and other symbols are dropped.
    """
    out: list[tuple[str, str]] = []
    for ch in text:
        ch = _ASCII.get(ch, ch)
        if ch in MARKS:
            if out and out[-1][1] == "O":
                out[-1] = (out[-1][0], ch)
        elif is_han(ch):
            out.append((ch, "O"))
    return out


def chunk(pairs: list[tuple[str, str]], n: int = MAX_CHARS) -> list[list[tuple[str, str]]]:
    """Cut tagged characters into pieces of at most ``n``, at sentence ends when possible.

    Sentences (ending in 。？！；) are packed greedily; a sentence longer than ``n`` is cut
    after its last comma-like mark that fits, or hard at ``n``.
    """
    sentences: list[list[tuple[str, str]]] = []
    cur: list[tuple[str, str]] = []
    for p in pairs:
        cur.append(p)
        if p[1] in _ENDS:
            sentences.append(cur)
            cur = []
    if cur:
        sentences.append(cur)
    pieces: list[list[tuple[str, str]]] = []
    for s in sentences:
        while len(s) > n:
            cut = max((i + 1 for i, (_, t) in enumerate(s[:n]) if t != "O"), default=n)
            pieces.append(s[:cut])
            s = s[cut:]
        if s:
            pieces.append(s)
    out: list[list[tuple[str, str]]] = []
    for piece in pieces:
        if out and len(out[-1]) + len(piece) <= n:
            out[-1] = out[-1] + piece
        else:
            out.append(piece)
    return out


def clip(text: str, n: int = MAX_CHARS) -> str:
    """``text`` cut to at most ``n`` characters, after the last sentence end that fits
    (else the last comma, else hard)."""
    if len(text) <= n:
        return text
    head = text[:n]
    for marks in (_ENDS, "，、："):
        cut = max(head.rfind(m) for m in marks)
        if cut >= n // 3:
            return head[: cut + 1]
    return head
