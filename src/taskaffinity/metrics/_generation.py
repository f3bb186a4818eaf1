"""Generation metrics (sacrebleu): corpus BLEU and chrF of predicted vs gold texts.

``gold``/``pred`` are lists of strings, one per example (a single reference each).
Scores are sacrebleu's divided by 100, so they lie in [0, 1] like every other metric.
BLEU uses sacrebleu's ``zh`` tokenizer: every CJK character is a token and other text is
tokenized as by the standard ``13a`` tokenizer, so English and Chinese targets score alike
(on English text it equals ``13a``; ``13a`` alone would count a whole Chinese line as
one word).
"""

from __future__ import annotations

from collections.abc import Sequence

from taskaffinity.metrics._metric import register_metric

__all__ = ["bleu", "chrf"]


@register_metric("bleu", "generation")
def bleu(gold: Sequence[str], pred: Sequence[str]) -> dict[str, float]:
    """Corpus BLEU (Papineni et al. 2002; sacrebleu, ``tokenize="zh"``) in [0, 1]."""
    import sacrebleu

    if not gold:
        return {"bleu": 0.0}
    score = sacrebleu.corpus_bleu(list(pred), [list(gold)], tokenize="zh").score
    return {"bleu": float(score) / 100.0}


@register_metric("chrf", "generation")
def chrf(gold: Sequence[str], pred: Sequence[str]) -> dict[str, float]:
    """Corpus chrF (Popović 2015; sacrebleu defaults: character 6-grams, beta 2) in [0, 1]."""
    import sacrebleu

    if not gold:
        return {"chrf": 0.0}
    return {"chrf": float(sacrebleu.corpus_chrf(list(pred), [list(gold)]).score) / 100.0}
