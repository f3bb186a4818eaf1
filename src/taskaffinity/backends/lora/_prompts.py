"""Prompts of the ``lora`` backend: a task's instruction template -> token ids.

Template: the task's ``instruction`` (placeholders ``{text}`` and ``{labels}``, replaced
literally, so other braces are kept) or, when it has none, the default
``"{description}\\nOptions: {labels}\\nInput: {text}"`` (no ``Options`` line for
generation; the task's name when it has no description). The backend's
``answer_marker`` (default ``"\\nAnswer:"``) follows, then the target: `` {answer}`` +
EOS. Each piece is tokenized on its own, so a prompt's ids do not depend on its answer.

Length: ``max_len`` tokens per sequence. Every prompt of a task reserves room for the
task's longest label (classification) or ``max_new_tokens`` (generation) and cuts only
the input text, from its end; training and scoring therefore see identical prompts.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from taskaffinity.backends.heads import IGNORE
from taskaffinity.errors import InputError

if TYPE_CHECKING:
    import torch
    from torch import Tensor

    from taskaffinity.backends.lora._config import LoraConfig
    from taskaffinity.tasks import Example, Task

__all__ = ["PromptEncoder", "collate", "render_template"]


def render_template(task: Task) -> str:
    """The task's template with ``{labels}`` filled in; it always contains ``{text}``."""
    template = task.instruction
    if not template:
        head = (task.description or "").strip() or f"Task: {task.name}"
        options = "\nOptions: {labels}" if task.kind == "classification" else ""
        template = head + options + "\nInput: {text}"
    template = template.replace("{labels}", ", ".join(task.labels))
    return template if "{text}" in template else template + "\n{text}"


class PromptEncoder:
    """Token ids of one task's prompts and answers under a tokenizer and a config."""

    def __init__(self, tok: Any, task: Task, cfg: LoraConfig) -> None:
        if tok.eos_token_id is None:
            raise InputError(f"{cfg.model!r} has a tokenizer without EOS token", field="model")
        self.tok, self.task, self.cfg = tok, task, cfg
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

    def _ids(self, text: str) -> list[int]:
        return list(self.tok(text, add_special_tokens=False)["input_ids"]) if text else []

    def answer(self, text: str) -> list[int]:
        """Answer ids: `` {text}`` cut to ``max_new_tokens - 1`` tokens, then EOS."""
        ids = self._ids(self.space + text)[: self.cfg.max_new_tokens - 1]
        return [*ids, self.tok.eos_token_id]

    def prompt(self, text: str) -> list[int]:
        """Prompt ids of input ``text`` (cut to the task's text budget)."""
        return self.prefix + self._ids(text)[: self.text_budget] + self.suffix

    def rows(self, examples: Sequence[Example], null: bool) -> list[tuple[list[int], int]]:
        """``(prompt + answer ids, prompt length)`` per example; ``null``: empty inputs."""
        out = []
        for ex in examples:
            p = self.prompt("" if null else ex.text)
            out.append((p + self.answer(ex.label), len(p)))
        return out


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
