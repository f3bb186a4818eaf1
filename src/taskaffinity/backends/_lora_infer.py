"""Inference half of the ``lora`` trainer: rank classification, greedy decoding, log-probs.

* classification (rank classification): the score of label ``c`` is
  ``log p(" c" + EOS | prompt)``, summed over its tokens; the prediction is the argmax,
  so it is always a valid label;
* generation: greedy decoding of at most ``max_new_tokens`` tokens, stopped at EOS;
* ``gold_log_probs``: classification, the log-probability of the gold label normalised
  over the label set (``log_softmax`` of the label scores, so it is a distribution over
  labels like the other backends'); generation, ``log p(gold answer + EOS | prompt)``.

Checkpoints keep only the adapter's weights (a few MB), per task, as in
:class:`~taskaffinity.backends._inference.TrainerInference` (reused for scoring).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from taskaffinity.backends._inference import TrainerInference
from taskaffinity.backends._lora_prompts import IGNORE, collate

__all__ = ["LoraInference"]


class LoraInference(TrainerInference):
    """Mixin of :class:`~taskaffinity.backends._lora_train.LoraTrainer` (see module doc)."""

    tok: Any
    pad_id: int
    device: Any

    def _snapshot(self, name: str) -> dict[str, Any]:
        return {k: v.detach().clone() for k, v in self.body.named_parameters() if v.requires_grad}

    def _restore(self, name: str, snap: dict[str, Any]) -> None:
        import torch

        with torch.no_grad():
            for k, v in self.body.named_parameters():
                if k in snap:
                    v.copy_(snap[k])

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
