"""Multi-task trainer: hard parameter sharing, sampled tasks, per-task best checkpoints.

One optimizer step trains one task: the task is drawn with probability
``p_i ~ n_i^(1/T)`` (``T = temperature``; ``T = 1`` is examples-proportional sampling,
Raffel et al. 2020), then a batch of that task is drawn from its shuffled training set.
The dev split of every task is scored every ``eval_every`` steps (default: once per epoch
over the union of the training sets) and at the end. **Checkpoint selection is per
task**: for each task, the shared body and that task's head are kept from the evaluation
where the task's dev main score was best; its test score comes from that checkpoint.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from taskaffinity.backends._body import make_head
from taskaffinity.backends._config import TrainConfig
from taskaffinity.metrics import evaluate, majority_label

__all__ = ["Trainer"]

IGNORE = -100


class _TaskState:
    """One task's data (featurized splits, label ids), head and best checkpoint."""

    def __init__(self, task: Any, body: Any, head: Any, null: bool, device: Any) -> None:
        import torch

        self.task, self.head = task, head
        self.index = {label: i for i, label in enumerate(task.labels)}
        self.majority = majority_label(task)
        self.splits: dict[str, dict[str, Any]] = {}
        for split in ("train", "dev", "test"):
            examples = task.split(split)
            data = body.featurize(task, examples, null)
            if task.kind == "tagging":
                width = data["tmask"].shape[1]
                labels = torch.full((len(examples), width), IGNORE, dtype=torch.long)
                for i, ex in enumerate(examples):
                    n = min(len(ex.tags), width)
                    labels[i, :n] = torch.as_tensor(
                        [self.index.get(t, IGNORE) for t in ex.tags[:n]], dtype=torch.long
                    )
                labels[~data["tmask"]] = IGNORE
            else:
                labels = torch.as_tensor(
                    [self.index.get(ex.label, IGNORE) for ex in examples], dtype=torch.long
                )
            data["labels"] = labels
            self.splits[split] = {k: v.to(device) for k, v in data.items()}
        self.best_score = -math.inf
        self.best_state: dict[str, Any] | None = None
        self.best_step = 0


class Trainer:
    """Trains ``body`` with one head per task of ``tasks`` (see module docstring)."""

    def __init__(
        self, body: Any, tasks: Sequence[Any], config: TrainConfig, seed: int, *, null: bool
    ) -> None:
        import torch

        self.cfg, self.seed, self.device = config, seed, torch.device(config.device)
        self.body = body.to(self.device)
        self.states: dict[str, _TaskState] = {}
        for task in sorted(tasks, key=lambda t: t.name):
            head = make_head(body.out_dim, len(task.labels), seed, task.name).to(self.device)
            self.states[task.name] = _TaskState(task, body, head, null, self.device)
        self.sizes = np.array([len(s.task.train) for s in self.states.values()], dtype=float)
        n_total = int(self.sizes.sum())
        self.steps_per_epoch = max(1, math.ceil(n_total / config.batch_size))
        total = math.ceil(config.epochs * self.steps_per_epoch)
        total = max(total, config.min_steps)
        self.total_steps = min(total, config.max_steps) if config.max_steps else total
        self.steps = 0
        self.examples = 0

    # ---- model pieces -------------------------------------------------------------
    def logits(self, name: str, batch: dict[str, Any]) -> Any:
        state = self.states[name]
        return state.head(self.body(batch, state.task.kind))

    def loss(self, name: str, batch: dict[str, Any]) -> Any:
        """Mean cross-entropy of task ``name`` on ``batch`` (ignores padded tokens)."""
        import torch.nn.functional as F

        logits = self.logits(name, batch)
        labels = batch["labels"]
        if logits.dim() == 3:
            labels = labels[:, : logits.shape[1]]
        return F.cross_entropy(
            logits.reshape(-1, logits.shape[-1]), labels.reshape(-1), ignore_index=IGNORE
        )

    def shared_parameters(self) -> list[Any]:
        return [p for p in self.body.parameters() if p.requires_grad]

    def _snapshot(self, name: str) -> dict[str, Any]:
        body = {k: v.detach().clone() for k, v in self.body.state_dict().items()}
        head = {k: v.detach().clone() for k, v in self.states[name].head.state_dict().items()}
        return {"body": body, "head": head}

    def _restore(self, name: str, snap: dict[str, Any]) -> None:
        self.body.load_state_dict(snap["body"])
        self.states[name].head.load_state_dict(snap["head"])

    # ---- training -----------------------------------------------------------------
    def _batches(self, rng: np.random.Generator) -> dict[str, Any]:
        """Endless per-task batch index generators over shuffled training sets."""

        def gen(n: int) -> Any:
            while True:
                order = rng.permutation(n)
                for start in range(0, n, self.cfg.batch_size):
                    yield order[start : start + self.cfg.batch_size]

        return {name: gen(len(s.task.train)) for name, s in self.states.items()}

    def batch(self, name: str, idx: np.ndarray) -> dict[str, Any]:
        import torch

        sel = torch.as_tensor(idx, dtype=torch.long, device=self.device)
        return {k: v[sel] for k, v in self.states[name].splits["train"].items()}

    def fit(self, probe: Any = None) -> None:
        """Train for ``total_steps``, scoring dev and keeping per-task best checkpoints."""
        import torch

        cfg = self.cfg
        params = self.body.param_groups(cfg.lr)
        for s in self.states.values():
            params.append({"params": list(s.head.parameters()), "lr": cfg.lr})
        opt = torch.optim.AdamW(params, lr=cfg.lr, weight_decay=cfg.weight_decay)
        warm = int(cfg.warmup * self.total_steps)

        def factor(step: int) -> float:
            if step < warm:
                return (step + 1) / (warm + 1)
            return max(0.0, (self.total_steps - step) / max(1, self.total_steps - warm))

        sched = torch.optim.lr_scheduler.LambdaLR(opt, factor)
        names = list(self.states)
        weights = self.sizes ** (1.0 / cfg.temperature)
        probs = weights / weights.sum()
        rng = np.random.default_rng(self.seed)
        iters = self._batches(rng)
        probe_iters = self._batches(np.random.default_rng(self.seed + 7919)) if probe else None
        every = cfg.eval_every or self.steps_per_epoch
        self.body.train()
        for step in range(1, self.total_steps + 1):
            if probe is not None and step % probe.every == 0:
                from taskaffinity.backends._capabilities import ProbeContext

                batches = {n: self.batch(n, next(probe_iters[n])) for n in names}
                probe.on_step(ProbeContext(self, step, batches, sched.get_last_lr()[0]))
                self.body.train()
            name = names[int(rng.choice(len(names), p=probs))] if len(names) > 1 else names[0]
            batch = self.batch(name, next(iters[name]))
            self.states[name].head.train()
            loss = self.loss(name, batch)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            sched.step()
            self.steps += 1
            self.examples += int(batch["labels"].shape[0])
            if step % every == 0 or step == self.total_steps:
                self._evaluate_dev(step)
        self.body.eval()

    def _evaluate_dev(self, step: int) -> None:
        for name, state in self.states.items():
            score = self.score(name, "dev")[state.task.metric]
            if score > state.best_score or state.best_state is None:
                state.best_score, state.best_step = score, step
                state.best_state = self._snapshot(name)
        self.body.train()

    # ---- inference ----------------------------------------------------------------
    def _forward_split(self, name: str, split: str) -> list[Any]:
        """Log-probabilities per eval batch: ``(b, C)`` or ``(b, T, C)`` tensors."""
        import torch

        state = self.states[name]
        data = state.splits[split]
        n = data["labels"].shape[0]
        self.body.eval()
        state.head.eval()
        out = []
        with torch.inference_mode():
            for start in range(0, n, self.cfg.eval_batch_size):
                batch = {k: v[start : start + self.cfg.eval_batch_size] for k, v in data.items()}
                out.append(torch.log_softmax(self.logits(name, batch).float(), dim=-1).cpu())
        return out

    def predict(self, name: str, split: str) -> list[Any]:
        """Predicted labels (classification) or tag lists (tagging) for ``split``.

        Tokens beyond the body's length limit get the task's majority train tag.
        """
        state = self.states[name]
        labels = state.task.labels
        examples = state.task.split(split)
        preds: list[Any] = []
        for lp in self._forward_split(name, split):
            ids = lp.argmax(-1).tolist()
            preds.extend(ids)
        if state.task.kind != "tagging":
            return [labels[i] for i in preds]
        out = []
        for ex, row in zip(examples, preds, strict=True):
            tags = [labels[i] for i in row[: len(ex.tags)]]
            out.append(tags + [state.majority] * (len(ex.tags) - len(tags)))
        return out

    def score(self, name: str, split: str) -> dict[str, float]:
        task = self.states[name].task
        examples = task.split(split)
        gold = [list(ex.tags) if task.kind == "tagging" else ex.label for ex in examples]
        return evaluate(task, gold, self.predict(name, split))

    def gold_log_probs(self, name: str, split: str) -> np.ndarray:
        """``(N,)`` natural-log probability of each example's gold label; for tagging the
        mean over its represented tokens of the gold tag's log-probability."""
        import torch

        labels = self.states[name].splits[split]["labels"].cpu()
        out, start = [], 0
        for lp in self._forward_split(name, split):
            gold = labels[start : start + lp.shape[0]]
            start += lp.shape[0]
            if lp.dim() == 3:
                gold = gold[:, : lp.shape[1]]
                keep = gold != IGNORE
                picked = lp.gather(-1, gold.clamp(min=0).unsqueeze(-1)).squeeze(-1) * keep
                out.append(picked.sum(1) / keep.sum(1).clamp(min=1))
            else:
                out.append(lp.gather(-1, gold.clamp(min=0).unsqueeze(-1)).squeeze(-1))
        return torch.cat(out).numpy().astype(np.float64)

    def use_best(self, name: str) -> None:
        """Load task ``name``'s best dev checkpoint (body + its head)."""
        state = self.states[name]
        if state.best_state is not None:
            self._restore(name, state.best_state)

    def final_metrics(self) -> dict[str, dict[str, float]]:
        """Per task: test metrics and ``dev_`` metrics from its best dev checkpoint."""
        out: dict[str, dict[str, float]] = {}
        for name in self.states:
            self.use_best(name)
            test = self.score(name, "test")
            dev = self.score(name, "dev")
            out[name] = {**test, **{f"dev_{k}": v for k, v in dev.items()}}
        return out
