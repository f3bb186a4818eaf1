"""Prompts of the ``lora`` backend: a task's instruction template -> token ids.

Template: the task's ``instruction`` (placeholders ``{text}`` and ``{labels}``, replaced
literally, so other braces are kept) or, when it has none, the default
``"{description}\\nOptions: {labels}\\nInput: {text}"`` (no ``Options`` line for
generation and tagging; the task's name when it has no description). The backend's
``answer_marker`` (default ``"\\nAnswer:"``) follows, then the target: `` {answer}`` +
EOS. Each piece is tokenized on its own, so a prompt's ids do not depend on its answer.
A tagging example's input is its tokens as text and its answer the tags rendered as text
(:class:`~taskaffinity.backends.lora._answers.TagAnswers`).

Length: ``max_len`` tokens per sequence. Every prompt of a task reserves room for the
task's longest label (classification) or ``max_new_tokens`` (generation, tagging) and cuts
only the input text, from its end (tagging: whole tokens, the prefix that fits; the cut
tokens are predicted empty); training and scoring therefore see identical prompts.

Few-shot prompts (``demos``, no training): each demonstration's prompt and gold answer
(without EOS), then :data:`DEMO_SEPARATOR`, before the example's own prompt; such a
prompt is ``max_len`` plus the demonstrations' tokens long.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from taskaffinity.backends.lora._answers import TagAnswers
from taskaffinity.backends.training import IGNORE
from taskaffinity.errors import InputError

if TYPE_CHECKING:
    import torch
    from torch import Tensor

    from taskaffinity.backends.lora._config import LoraConfig
    from taskaffinity.tasks import Example, Task

__all__ = [
    "DEMO_SEPARATOR",
    "Encoded",
    "PromptEncoder",
    "collate",
    "left_padded",
    "render_template",
]

DEMO_SEPARATOR = "\n\n"  # between few-shot demonstrations and the prompt


def render_template(task: Task) -> str:
    """The task's template with ``{labels}`` filled in; it always contains ``{text}``."""
    template = task.instruction
    if not template:
        head = (task.description or "").strip() or f"Task: {task.name}"
        options = "\nOptions: {labels}" if task.kind == "classification" else ""
        template = head + options + "\nInput: {text}"
    template = template.replace("{labels}", ", ".join(task.labels))
    return template if "{text}" in template else template + "\n{text}"


@dataclass(frozen=True)
class Encoded:
    """One example as token ids: ``prompt`` (ending with the answer marker), ``answer``
    (its gold answer + EOS) and, for tagging, ``kept``: how many of its tokens the prompt
    shows (0 for the other kinds)."""

    prompt: list[int]
    answer: list[int]
    kept: int = 0


class PromptEncoder:
    """Token ids of one task's prompts and answers under a tokenizer and a config.

    ``answers``: the task's :class:`TagAnswers` (tagging tasks; None otherwise).
    """

    def __init__(
        self, tok: Any, task: Task, cfg: LoraConfig, demos: Sequence[Example] = ()
    ) -> None:
        if tok.eos_token_id is None:
            raise InputError(f"{cfg.model!r} has a tokenizer without EOS token", field="model")
        self.tok, self.task, self.cfg = tok, task, cfg
        self.answers: TagAnswers | None = None
        if task.kind == "tagging":
            tokens = [ex.tokens for split in ("train", "dev", "test") for ex in task.split(split)]
            self.answers = TagAnswers.for_task(
                task.labels, tokens, cfg.answer_format.get(task.name), cfg.min_alignment
            )
        before, _, after = render_template(task).partition("{text}")
        bos = [tok.bos_token_id] if getattr(tok, "add_bos_token", False) else []
        self.prefix = bos + self._ids(before)
        suffix_text = after + cfg.answer_marker
        self.suffix = self._ids(suffix_text)
        self.space = "" if not suffix_text or suffix_text[-1].isspace() else " "
        if task.kind == "classification":
            self.label_ids = [self.answer(label) for label in task.labels]
            reserve = max(len(ids) for ids in self.label_ids)
        else:
            reserve = cfg.max_new_tokens
        self.text_budget = cfg.max_len - len(self.prefix) - len(self.suffix) - reserve
        if self.text_budget < 1:
            used = cfg.max_len - self.text_budget
            raise InputError(
                f"task {task.name!r}: its template and answers take {used} tokens, "
                f"leaving no room for the input within max_len={cfg.max_len}",
                field="max_len",
            )
        self.context: list[int] = []  # stays empty while the demonstrations are encoded
        context: list[int] = []
        for demo in demos:  # few-shot: each demonstration's prompt and answer, then a gap
            shown = self.encode(demo, null=False)
            context += shown.prompt + shown.answer[:-1] + self._ids(DEMO_SEPARATOR)
        self.context = context

    def _ids(self, text: str) -> list[int]:
        return list(self.tok(text, add_special_tokens=False)["input_ids"]) if text else []

    def answer(self, text: str) -> list[int]:
        """Answer ids: `` {text}`` cut to ``max_new_tokens - 1`` tokens, then EOS."""
        ids = self._ids(self.space + text)[: self.cfg.max_new_tokens - 1]
        return [*ids, self.tok.eos_token_id]

    def prompt(self, text: str) -> list[int]:
        """Prompt ids of input ``text`` (cut to the task's text budget), after the
        demonstrations' ``context`` when there are any."""
        return self.context + self.prefix + self._ids(text)[: self.text_budget] + self.suffix

    def encode(self, ex: Example, null: bool) -> Encoded:
        """``ex`` as token ids; ``null``: its input replaced by the empty input (empty
        text; tagging: one placeholder per token the real input shows)."""
        if self.answers is None:
            return Encoded(self.prompt("" if null else ex.text), self.answer(ex.label))
        kept = self._kept(ex.tokens)
        shown = self.answers.null_text(kept) if null else self.answers.input_text(ex.tokens[:kept])
        answer = self.answers.render(ex.tokens[:kept], ex.tags[:kept])
        return Encoded(self.prompt(shown), self.answer(answer), kept)

    def _kept(self, tokens: Sequence[str]) -> int:
        """The longest prefix of ``tokens`` whose input text fits the text budget."""
        assert self.answers is not None

        def fits(k: int) -> bool:
            return len(self._ids(self.answers.input_text(tokens[:k]))) <= self.text_budget

        if fits(len(tokens)):
            return len(tokens)
        lo, hi = 0, len(tokens)  # fits(lo); not fits(hi)
        while hi - lo > 1:
            mid = (lo + hi) // 2
            lo, hi = (mid, hi) if fits(mid) else (lo, mid)
        return lo

    def rows(self, examples: Sequence[Example], null: bool) -> list[tuple[list[int], int]]:
        """``(prompt + answer ids, prompt length)`` per example; ``null``: empty inputs."""
        return [
            (e.prompt + e.answer, len(e.prompt)) for e in (self.encode(x, null) for x in examples)
        ]


def collate(
    rows: list[tuple[list[int], int]], pad_id: int, device: torch.device
) -> dict[str, Tensor]:
    """Right-padded ``input_ids``/``attention_mask`` and ``labels`` (IGNORE outside answers)."""
    import torch

    width = max(len(ids) for ids, _ in rows)
    ids = torch.full((len(rows), width), pad_id, dtype=torch.long)
    mask = torch.zeros((len(rows), width), dtype=torch.long)
    labels = torch.full((len(rows), width), IGNORE, dtype=torch.long)
    for i, (seq, n_prompt) in enumerate(rows):
        ids[i, : len(seq)] = torch.as_tensor(seq)
        mask[i, : len(seq)] = 1
        labels[i, n_prompt : len(seq)] = torch.as_tensor(seq[n_prompt:])
    batch = {"input_ids": ids, "attention_mask": mask, "labels": labels}
    return {k: v.to(device) for k, v in batch.items()}


def left_padded(prompts: list[list[int]], pad_id: int, device: torch.device) -> dict[str, Tensor]:
    """Left-padded ``input_ids``/``attention_mask`` ``(len(prompts), longest)`` of
    ``prompts``: every prompt ends at the last column, so continuations line up."""
    import torch

    width = max(len(p) for p in prompts)
    ids = torch.full((len(prompts), width), pad_id, dtype=torch.long)
    mask = torch.zeros((len(prompts), width), dtype=torch.long)
    for i, p in enumerate(prompts):
        ids[i, width - len(p) :] = torch.as_tensor(p)
        mask[i, width - len(p) :] = 1
    return {"input_ids": ids.to(device), "attention_mask": mask.to(device)}
