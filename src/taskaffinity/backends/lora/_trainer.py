"""Trainer of the ``lora`` backend: one LoRA adapter shared by every task of a run.

Training: the schedule of every trainer (:func:`~taskaffinity.backends.training.fit_loop`:
one task per optimizer step, examples-proportional sampling, ``epochs`` over the union of
the training sets, AdamW with linear warm-up and decay). The loss is the mean token
cross-entropy of the answer tokens (prompt and padding ignored). Dev is scored every
``eval_every`` steps (default once per epoch) and at the end; each task keeps the adapter
weights of its best dev score (only the adapter is copied, a few MB;
:class:`~taskaffinity.backends.training.CheckpointSelection`). Nothing is task-specific:
``head_parameters`` is empty. With ``bf16`` on, forward passes run under torch autocast
(bfloat16), the LoRA weights and the optimizer staying in fp32. The vocabulary projection
is computed only at the positions that predict answer tokens (``logits_to_keep``), in
training and in scoring: the prompt's logits are never needed.

Scoring:

* classification, ``classify_by="rank"`` (rank classification): the score of label ``c``
  is ``log p(" c" + EOS | prompt)``, summed over its tokens; the prediction is the argmax,
  so it is always a valid label. ``classify_by="generate"``: the greedy output, stripped;
  it is right only when it equals the gold label, and one that is no label at all counts
  as ``unparsable``;
* generation: greedy decoding of at most ``max_new_tokens`` tokens, stopped at EOS
  (batched, left-padded, prompts grouped by length, with the KV cache);
* tagging: greedy decoding of the answer text, parsed back into one tag per token by
  aligning it to the input (:class:`~taskaffinity.backends.lora._answers.TagAnswers`);
  the task's tagging metrics plus ``unparsable``, the share of outputs that could not be
  aligned (their tags all count as empty);
* ``gold_log_probs``: classification, the log-probability of the gold label normalised
  over the label set (``log_softmax`` of the label scores, so it is a distribution over
  labels like the other backends'); generation and tagging, ``log p(gold answer + EOS |
  prompt)`` (tagging: the rendered tags; its null input shows one placeholder per token).
"""

from __future__ import annotations

import contextlib
import inspect
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from taskaffinity.backends.lora._prompts import (
    DEMO_SEPARATOR,
    Encoded,
    PromptEncoder,
    collate,
    left_padded,
)
from taskaffinity.backends.training import (
    IGNORE,
    CheckpointSelection,
    TaskCheckpoint,
    fit_loop,
    step_counts,
)

if TYPE_CHECKING:
    from torch import Tensor

    from taskaffinity.backends.lora._config import LoraConfig
    from taskaffinity.backends.training import Probe
    from taskaffinity.tasks import Example, Task

__all__ = ["LoraTask", "LoraTrainer"]


class LoraTask(TaskCheckpoint):
    """One task's encoded examples (per split, computed once), scoring state and best
    adapter checkpoint."""

    def __init__(
        self, task: Task, tok: Any, cfg: LoraConfig, null: bool, demos: Sequence[Example] = ()
    ) -> None:
        super().__init__(task)
        self.null = null
        self.encoder = PromptEncoder(tok, task, cfg, demos)
        self._encoded: dict[str, list[Encoded]] = {}
        self.train_rows = self.rows("train")

    def encoded(self, split: str) -> list[Encoded]:
        """``split``'s examples as token ids, in split order (cached)."""
        if split not in self._encoded:
            self._encoded[split] = [
                self.encoder.encode(ex, self.null) for ex in self.task.split(split)
            ]
        return self._encoded[split]

    def rows(self, split: str) -> list[tuple[list[int], int]]:
        """``(prompt + answer ids, prompt length)`` per example of ``split``."""
        return [(e.prompt + e.answer, len(e.prompt)) for e in self.encoded(split)]


class LoraTrainer(CheckpointSelection[LoraTask]):
    """Trains the adapter of ``model`` (a peft model) on ``tasks``; see module docstring.

    Implements :class:`~taskaffinity.backends.training.Trainer` (what ``fit_loop`` needs).
    ``unparsable``: ``(task, split) -> share`` of the latest predictions of that split
    that could not be read as an answer (tagging, and classification by generation).
    ``release``: called (once) by :meth:`release`, e.g. to remove the adapter from a
    shared base model. ``demos``: task name -> few-shot demonstrations put before each of
    its prompts (the few-shot baseline; none when training).
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
        release: Callable[[], Any] | None = None,
        demos: Mapping[str, Sequence[Example]] | None = None,
    ) -> None:
        import torch

        self.body, self.tok, self.cfg, self.seed = model, tok, cfg, seed
        self.device = torch.device(cfg.device)
        self.bf16 = cfg.switch("bf16")
        base = model.get_base_model() if hasattr(model, "get_base_model") else model
        forward = base.forward
        self._keeps_logits = "logits_to_keep" in inspect.signature(forward).parameters
        self.pad_id = tok.pad_token_id if tok.pad_token_id is not None else tok.eos_token_id
        ordered = sorted(tasks, key=lambda t: t.name)
        demos = demos or {}
        # a few-shot prompt invites the model to go on with another demonstration: its
        # answer ends where a demonstration's would (a stop sequence)
        self.stop = DEMO_SEPARATOR if any(demos.values()) else None
        self.states = {t.name: LoraTask(t, tok, cfg, null, demos.get(t.name, ())) for t in ordered}
        self.train_sizes = {name: len(s.task.train) for name, s in self.states.items()}
        self.steps_per_epoch, self.total_steps = step_counts(self.train_sizes, cfg)
        self.steps = 0
        self.examples = 0
        self.unparsable: dict[tuple[str, str], float] = {}
        self._release = release

    def release(self) -> None:
        """Call the ``release`` given to the constructor (once; later calls do nothing)."""
        done, self._release = self._release, None
        if done is not None:
            done()

    def _autocast(self) -> contextlib.AbstractContextManager[Any]:
        """bfloat16 autocast on the run's device when ``bf16`` is on, else nothing."""
        import torch

        if not self.bf16:
            return contextlib.nullcontext()
        return torch.autocast(device_type=self.device.type, dtype=torch.bfloat16)

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

    def answer_logits(self, batch: dict[str, Tensor]) -> tuple[Tensor, Tensor]:
        """``(logits, targets)`` of the positions of ``batch`` that predict an answer token:
        ``logits`` ``(B, K, vocab)``, ``targets`` ``(B, K)`` token ids (``IGNORE`` where
        that row has no answer token there). ``K`` columns: the positions where any row
        of the batch predicts an answer token; the vocabulary projection is computed only
        there when the model takes ``logits_to_keep`` (the prompt's logits are never
        used), else everywhere and then cut."""
        labels = batch["labels"][:, 1:]
        columns = (labels != IGNORE).any(0).nonzero()[:, 0]
        inputs = {"input_ids": batch["input_ids"], "attention_mask": batch["attention_mask"]}
        with self._autocast():
            if self._keeps_logits:
                logits = self.body(**inputs, logits_to_keep=columns, use_cache=False).logits
            else:
                logits = self.body(**inputs, use_cache=False).logits[:, columns]
        return logits, labels[:, columns]

    def loss(self, name: str, batch: dict[str, Tensor]) -> Tensor:
        """Mean cross-entropy over the answer tokens of ``batch`` (scalar, has grad)."""
        import torch

        logits, targets = self.answer_logits(batch)
        return torch.nn.functional.cross_entropy(
            logits.flatten(0, 1).float(), targets.flatten(), ignore_index=IGNORE
        )

    def loss_terms(self, name: str, batch: dict[str, Tensor]) -> int:
        """How many answer tokens :meth:`loss` averages over (targets not ``IGNORE``)."""
        return int((batch["labels"][:, 1:] != IGNORE).sum())

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
        """Train the adapter for ``total_steps`` (:func:`~taskaffinity.backends.training.fit_loop`),
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

    def save_adapters(self, folder: str | Path) -> None:
        """Write each task's best-dev adapter to ``folder/<task>/`` (peft
        ``save_pretrained``: ``adapter_config.json`` and the weights, loadable with
        ``peft.PeftModel.from_pretrained(base, folder/<task>)``). Leaves the last task's
        adapter loaded."""
        for name in self.states:
            self.use_best(name)
            self.body.save_pretrained(str(Path(folder) / name))

    # ---- inference ----------------------------------------------------------------
    def answer_log_probs(self, rows: list[tuple[list[int], int]]) -> np.ndarray:
        """``(len(rows),)`` summed log-probability of each row's answer given its prompt."""
        import torch

        self.body.eval()
        out = []
        with torch.inference_mode():
            for s in range(0, len(rows), self.cfg.eval_batch_size):
                batch = collate(rows[s : s + self.cfg.eval_batch_size], self.pad_id, self.device)
                logits, target = self.answer_logits(batch)
                keep = target != IGNORE
                lp = torch.log_softmax(logits[keep].float(), dim=-1)
                lp = lp.gather(-1, target[keep].unsqueeze(-1)).squeeze(-1)
                sums = torch.zeros(len(target), dtype=lp.dtype, device=lp.device)
                out.append(sums.index_add_(0, keep.nonzero()[:, 0], lp).cpu())
        return torch.cat(out).numpy().astype(np.float64)

    def label_scores(self, name: str, split: str) -> np.ndarray:
        """``(N, n_labels)`` rank-classification scores (label order of ``task.labels``)."""
        state = self.states[name]
        label_ids = state.encoder.label_ids
        rows = [(e.prompt + ids, len(e.prompt)) for e in state.encoded(split) for ids in label_ids]
        return self.answer_log_probs(rows).reshape(len(state.task.split(split)), len(label_ids))

    def generate(self, name: str, split: str) -> list[str]:
        """Greedy continuations of ``split``'s prompts, decoded and stripped, in split
        order (batches of ``eval_batch_size`` prompts of similar length, left-padded,
        decoded with the KV cache)."""
        prompts = [e.prompt for e in self.states[name].encoded(split)]
        return self.greedy(prompts)

    def greedy(self, prompts: list[list[int]]) -> list[str]:
        """Greedy continuations (at most ``max_new_tokens`` tokens, stopped at EOS; with
        few-shot demonstrations also cut at :data:`DEMO_SEPARATOR`) of the token-id
        ``prompts``, decoded and stripped, one per prompt in order."""
        import torch
        from transformers import GenerationConfig

        eos = self.tok.eos_token_id
        gen = GenerationConfig(
            max_new_tokens=self.cfg.max_new_tokens,
            do_sample=False,
            use_cache=True,
            pad_token_id=self.pad_id,
            eos_token_id=eos,
        )
        self.body.eval()
        texts: list[str] = [""] * len(prompts)
        order = sorted(range(len(prompts)), key=lambda i: (len(prompts[i]), i))
        with torch.inference_mode(), self._autocast():
            for chunk in _chunks(order, self.cfg.eval_batch_size):
                batch = left_padded([prompts[i] for i in chunk], self.pad_id, self.device)
                out = self.body.generate(**batch, generation_config=gen)
                width = batch["input_ids"].shape[1]
                for i, row in zip(chunk, out[:, width:].tolist(), strict=True):
                    row = row[: row.index(eos)] if eos in row else row
                    text = self.tok.decode(row, skip_special_tokens=True)
                    texts[i] = (text.split(self.stop)[0] if self.stop else text).strip()
        return texts

    def predict(self, name: str, split: str) -> list[Any]:
        """Predicted labels (classification), tag tuples (tagging) or generated texts, one
        per example of ``split``; records the split's unparsable share (module doc)."""
        state = self.states[name]
        task = state.task
        if task.kind == "classification" and self.cfg.classify_by == "rank":
            return [task.labels[i] for i in self.label_scores(name, split).argmax(1)]
        texts = self.generate(name, split)
        if task.kind == "generation":
            return texts
        if task.kind == "classification":
            known = set(task.labels)
            self.unparsable[name, split] = _share(t not in known for t in texts)
            return texts
        answers = state.encoder.answers
        assert answers is not None
        out, bad = [], []
        for ex, enc, text in zip(task.split(split), state.encoded(split), texts, strict=True):
            parsed = answers.parse(ex.tokens[: enc.kept], text)
            out.append(parsed.tags + (answers.empty,) * (len(ex.tokens) - enc.kept))
            bad.append(not parsed.ok)
        self.unparsable[name, split] = _share(bad)
        return out

    def score_predictions(self, name: str, split: str, pred: list[Any]) -> dict[str, float]:
        """The task's metrics for ``pred`` (with the adapter switched off, so a metric
        that loads the same cached model sees the base), plus ``unparsable`` for the
        tasks answered as text and read back (that split's latest :meth:`predict`)."""
        with self.body.disable_adapter():
            metrics = super().score_predictions(name, split, pred)
        if (name, split) in self.unparsable:
            metrics["unparsable"] = self.unparsable[name, split]
        return metrics

    def gold_log_probs(self, name: str, split: str) -> np.ndarray:
        """``(N,)`` natural-log probability of each example's gold answer (module doc)."""
        import torch

        state = self.states[name]
        task = state.task
        if task.kind != "classification":
            return self.answer_log_probs(state.rows(split))
        scores = torch.log_softmax(torch.as_tensor(self.label_scores(name, split)), dim=1)
        gold = [
            task.labels.index(ex.label) if ex.label in task.labels else -1
            for ex in task.split(split)
        ]
        return np.array([float(scores[i, g]) if g >= 0 else -np.inf for i, g in enumerate(gold)])


def _chunks(items: list[int], size: int) -> Iterator[list[int]]:
    for s in range(0, len(items), size):
        yield items[s : s + size]


def _share(flags: Any) -> float:
    flags = list(flags)
    return float(np.mean(flags)) if flags else 0.0
