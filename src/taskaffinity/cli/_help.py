"""The help every command prints: its docstring as plain paragraphs (no reStructuredText
markup, line breaks rewrapped to the terminal), a one-line summary in the command list,
and one example.

:func:`finish_help` runs once every command module has registered its commands: it sets
each command's ``help`` (from its docstring), ``short_help`` (the first sentence) and
``epilog`` (an ``Example:`` block from :data:`EXAMPLES`, unless the command set its own).
"""

from __future__ import annotations

import inspect
import re

import typer

__all__ = ["EXAMPLES", "clean_help", "finish_help", "first_sentence"]

#: One example per command, keyed by its full name (``"baseline fewshot"`` for a command of
#: a sub-application). Paths are those of the repository's examples and of a study folder
#: written by ``taskaffinity run`` or ``demo``.
EXAMPLES: dict[str, str] = {
    "analyze": "taskaffinity analyze taskaffinity-demo/seeds.csv --out analysis/",
    "report": "taskaffinity report taskaffinity-demo",
    "estimate": "taskaffinity estimate taskaffinity-demo --method tag --json tag.json",
    "compare": "taskaffinity compare taskaffinity-demo --methods tag,gradient_cosine",
    "select": "taskaffinity select taskaffinity-demo/scores.csv --budget 2 --budget 3",
    "partition": "taskaffinity partition taskaffinity-demo/scores.csv --max-groups 3",
    "pvi": "taskaffinity pvi taskaffinity-demo --json pvi.json",
    "run": "taskaffinity run examples/zh_classical.yaml --workers 2",
    "status": "taskaffinity status taskaffinity-demo --errors",
    "demo": "taskaffinity demo --out taskaffinity-demo",
    "surrogate": "taskaffinity surrogate gains_y.csv --members gains_x.csv --samples 20",
    "baseline fewshot": "taskaffinity baseline fewshot examples/zh_classical_llm.yaml --shots 3",
}

_RST_LITERAL = re.compile(r"``([^`]+)``")
_RST_ROLE = re.compile(r":(?:func|class|meth|mod|attr|data):`~?([^`]+)`")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z`(])")


def clean_help(text: str) -> str:
    """``text`` (a docstring) as help: dedented, reStructuredText literals and roles shown
    as plain words, and each paragraph on one line (the help formatter wraps it to the
    terminal, so no sentence is broken where the source line ended)."""
    text = _RST_ROLE.sub(lambda m: m.group(1).rsplit(".", 1)[-1], inspect.cleandoc(text))
    text = _RST_LITERAL.sub(r"\1", text)
    paragraphs = [" ".join(p.split()) for p in re.split(r"\n\s*\n", text)]
    return "\n\n".join(p for p in paragraphs if p)


def first_sentence(text: str) -> str:
    """The first sentence of ``text``'s first paragraph (the command list's summary)."""
    head = text.split("\n\n", 1)[0]
    return _SENTENCE_END.split(head, 1)[0].strip()


def _example(line: str) -> str:
    # "\b" keeps the formatter from rewrapping the command line
    return f"\b\nExample:\n  {line}"


def finish_help(app: typer.Typer, prefix: str = "") -> None:
    """Set the help, summary and example of every command of ``app`` (and of its
    sub-applications, as ``"<group> <command>"``). Commands without an entry in
    :data:`EXAMPLES` and without their own ``epilog`` keep no example (a test requires
    one for every command)."""
    for info in app.registered_commands:
        name = info.name or (info.callback.__name__ if info.callback else "")
        name = name.replace("_", "-")
        doc = info.help or (inspect.getdoc(info.callback) if info.callback else None) or ""
        info.help = clean_help(doc)
        if info.short_help is None and info.help:
            info.short_help = first_sentence(info.help)
        key = f"{prefix}{name}"
        if info.epilog is None and key in EXAMPLES:
            info.epilog = _example(EXAMPLES[key])
    for group in app.registered_groups:
        sub = group.typer_instance
        if sub is None:
            continue
        if isinstance(sub.info.help, str):
            sub.info.help = clean_help(sub.info.help)
        finish_help(sub, prefix=f"{prefix}{group.name} ")
