"""Trainer of the ``lora`` backend: one LoRA adapter shared by every task of a run.

Training: the schedule of every trainer (:func:`~taskaffinity.backends.heads.fit_loop`:
one task per optimizer step, examples-proportional sampling, ``epochs`` over the union of
the training sets, AdamW with linear warm-up and decay). The loss is the mean token
cross-entropy of the answer tokens (prompt and padding ignored). Dev is scored every
``eval_every`` steps (default once per epoch) and at the end; each task keeps the adapter
weights of its best dev score (only the adapter is copied, a few MB;
:class:`~taskaffinity.backends.heads.CheckpointSelection`). Nothing is task-specific:
``head_parameters`` is empty.

Scoring:

* classification (rank classification): the score of label ``c`` is
  ``log p(" c" + EOS | prompt)``, summed over its tokens; the prediction is the argmax,
  so it is always a valid label;
* generation: greedy decoding of at most ``max_new_tokens`` tokens, stopped at EOS;
* ``gold_log_probs``: classification, the log-probability of the gold label normalised
  over the label set (``log_softmax`` of the label scores, so it is a distribution over
  labels like the other backends'); generation, ``log p(gold answer + EOS | prompt)``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from taskaffinity.backends.heads import (
    IGNORE,
    CheckpointSelection,
    TaskCheckpoint,
    fit_loop,
    step_counts,
)
from taskaffinity.backends.lora._prompts import PromptEncoder, collate

if TYPE_CHECKING:
    from torch import Tensor

    from taskaffinity.backends._capabilities import Probe
    from taskaffinity.backends.lora._config import LoraConfig
    from taskaffinity.tasks import Task

__all__ = ["LoraTask", "LoraTrainer"]


class LoraTask(TaskCheckpoint):
    """One task's prompts (per split), scoring state and best adapter checkpoint."""

    def __init__(self, task: Task, tok: Any, cfg: LoraConfig, null: bool) -> None:
        super().__init__(task)
        self.null = null
        self.encoder = PromptEncoder(tok, task, cfg)
        self.train_rows = self.encoder.rows(task.train, null)


class LoraTrainer(CheckpointSelection[LoraTask]):
    """Trains the adapter of ``model`` (a peft model) on ``tasks``; see module docstring.

    Implements :class:`~taskaffinity.backends.heads.Trainer` (what ``fit_loop`` needs).
    """

    def __init__(
        self,
        model: Any,
        tok: Any,
        tasks: Sequence[Task],
        cfg: LoraConfig,
        seed: int,
        *,
        null: bool,
    ) -> None:
        import torch

        self.body, self.tok, self.cfg, self.seed = model, tok, cfg, seed
        self.device = torch.device(cfg.device)
        self.pad_id = tok.pad_token_id if tok.pad_token_id is not None else tok.eos_token_id
        ordered = sorted(tasks, key=lambda t: t.name)
        self.states = {t.name: LoraTask(t, tok, cfg, null) for t in ordered}
        self.train_sizes = {name: len(s.task.train) for name, s in self.states.items()}
        self.steps_per_epoch, self.total_steps = step_counts(self.train_sizes, cfg)
        self.steps = 0
        self.examples = 0

    # ---- training -----------------------------------------------------------------
    def shared_parameters(self) -> list[Tensor]:
        """The adapter's weights (the only trainable parameters)."""
        return [p for p in self.body.parameters() if p.requires_grad]

    def head_parameters(self, name: str) -> list[Tensor]:
        """``[]``: the adapter is shared, no parameter belongs to one task."""
        return []

    def set_training(self, mode: bool) -> None:
        self.body.train(mode)

    def batch(self, name: str, idx: np.ndarray) -> dict[str, Tensor]:
        rows = self.states[name].train_rows
        return collate([rows[int(i)] for i in idx], self.pad_id, self.device)

    def loss(self, name: str, batch: dict[str, Tensor]) -> Tensor:
        """Mean cross-entropy over the answer tokens of ``batch`` (scalar, has grad)."""
        return self.body(**batch).loss

    def train_loss(self, name: str) -> float:
        """Mean cross-entropy per answer token over task ``name``'s training set
        (dropout off, no gradient)."""
        import torch

        self.body.eval()
        rows, tokens, total = self.states[name].train_rows, 0, 0.0
        with torch.inference_mode():
            for s in range(0, len(rows), self.cfg.eval_batch_size):
                batch = collate(rows[s : s + self.cfg.eval_batch_size], self.pad_id, self.device)
                n = int((batch["labels"][:, 1:] != IGNORE).sum())
                total, tokens = total + float(self.loss(name, batch)) * n, tokens + n
        return total / max(tokens, 1)

    def fit(self, probe: Probe | None = None) -> None:
        """Train the adapter for ``total_steps`` (:func:`~taskaffinity.backends.heads.fit_loop`),
        scoring dev and keeping per-task best adapters."""
        fit_loop(self, self.shared_parameters(), probe)

    # ---- checkpoints --------------------------------------------------------------
    def snapshot(self, name: str) -> dict[str, Any]:
        """Copies of the adapter's weights."""
        return {k: v.detach().clone() for k, v in self.body.named_parameters() if v.requires_grad}

    def restore(self, name: str, snap: dict[str, Any]) -> None:
        import torch

        with torch.no_grad():
            for k, v in self.body.named_parameters():
                if k in snap:
                    v.copy_(snap[k])

    # ---- inference ----------------------------------------------------------------
    def answer_log_probs(self, rows: list[tuple[list[int], int]]) -> np.ndarray:
        """``(len(rows),)`` summed log-probability of each row's answer given its prompt."""
        import torch

        self.body.eval()
        out = []
        with torch.inference_mode():
            for s in range(0, len(rows), self.cfg.eval_batch_size):
                batch = collate(rows[s : s + self.cfg.eval_batch_size], self.pad_id, self.device)
                logits = self.body(
                    input_ids=batch["input_ids"], attention_mask=batch["attention_mask"]
                ).logits[:, :-1]
                target = batch["labels"][:, 1:]
                keep = target != IGNORE
                lp = torch.log_softmax(logits[keep].float(), dim=-1)
                lp = lp.gather(-1, target[keep].unsqueeze(-1)).squeeze(-1)
                sums = torch.zeros(len(target), dtype=lp.dtype, device=lp.device)
                out.append(sums.index_add_(0, keep.nonzero()[:, 0], lp).cpu())
        return torch.cat(out).numpy().astype(np.float64)

    def label_scores(self, name: str, split: str) -> np.ndarray:
        """``(N, n_labels)`` rank-classification scores (label order of ``task.labels``)."""
        state = self.states[name]
        enc, examples = state.encoder, state.task.split(split)
        rows = []
        for ex in examples:
            prompt = enc.prompt("" if state.null else ex.text)
            rows.extend((prompt + ids, len(prompt)) for ids in enc.label_ids)
        return self.answer_log_probs(rows).reshape(len(examples), len(enc.label_ids))

    def generate(self, name: str, split: str) -> list[str]:
        """Greedy continuations of ``split``'s prompts, decoded and stripped."""
        import torch
        from transformers import GenerationConfig

        state = self.states[name]
        prompts = [
            state.encoder.prompt("" if state.null else ex.text) for ex in state.task.split(split)
        ]
        gen = GenerationConfig(
            max_new_tokens=self.cfg.max_new_tokens,
            do_sample=False,
            pad_token_id=self.pad_id,
            eos_token_id=self.tok.eos_token_id,
        )
        self.body.eval()
        texts: list[str] = []
        with torch.inference_mode():
            for s in range(0, len(prompts), self.cfg.eval_batch_size):
                chunk = prompts[s : s + self.cfg.eval_batch_size]
                width = max(len(p) for p in chunk)
                ids = torch.full((len(chunk), width), self.pad_id, dtype=torch.long)
                mask = torch.zeros((len(chunk), width), dtype=torch.long)
                for i, p in enumerate(chunk):  # left padding: continuations line up
                    ids[i, width - len(p) :] = torch.as_tensor(p)
                    mask[i, width - len(p) :] = 1
                out = self.body.generate(
                    input_ids=ids.to(self.device),
                    attention_mask=mask.to(self.device),
                    generation_config=gen,
                )
                for row in out[:, width:].tolist():
                    row = (
                        row[: row.index(self.tok.eos_token_id)]
                        if self.tok.eos_token_id in row
                        else row
                    )
                    texts.append(self.tok.decode(row, skip_special_tokens=True).strip())
        return texts

    def predict(self, name: str, split: str) -> list[Any]:
        """Predicted labels (classification, rank classification) or generated texts."""
        task = self.states[name].task
        if task.kind != "classification":
            return self.generate(name, split)
        return [task.labels[i] for i in self.label_scores(name, split).argmax(1)]

    def gold_log_probs(self, name: str, split: str) -> np.ndarray:
        """``(N,)`` natural-log probability of each example's gold answer (module doc)."""
        import torch

        state = self.states[name]
        task = state.task
        if task.kind != "classification":
            return self.answer_log_probs(state.encoder.rows(task.split(split), state.null))
        scores = torch.log_softmax(torch.as_tensor(self.label_scores(name, split)), dim=1)
        gold = [
            task.labels.index(ex.label) if ex.label in task.labels else -1
            for ex in task.split(split)
        ]
        return np.array([float(scores[i, g]) if g >= 0 else -np.inf for i, g in enumerate(gold)])
